// A student's shell seen by the instructor: xterm.js attached to the student's pty through the
// terminal WebSocket, with input off. It never resizes the pty (that would reshape the student's
// screen); it only draws what the shell prints. Input is turned on only after a control request,
// and the server still refuses it unless the student allowed it.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { terminalServerMessageSchema, type TerminalClientMessage } from '../../../server/contracts/terminal.ts';
import { openSocket, parseMessage } from '../lab/socket.ts';

export interface WatchedTerminal {
  allowInput(allowed: boolean): void;
  close(): void;
}

export function watchTerminal(host: HTMLElement, path: string, onStatus: (text: string) => void): WatchedTerminal {
  const term = new Terminal({
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    fontSize: 13,
    scrollback: 5000,
    disableStdin: true,
    cursorBlink: false,
    // The viewer stays dark in both site themes: xterm's default palette is made for a dark screen.
    theme: { background: '#171b20', foreground: '#e5e8eb', cursor: '#74b4ff', selectionBackground: '#2f4a6d' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  const resize = new ResizeObserver(() => { if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit(); });
  resize.observe(host);

  const send = (message: TerminalClientMessage) => socket.send(JSON.stringify(message));
  const socket = openSocket(path, {
    onBinary(bytes) { term.write(bytes, () => send({ type: 'ack', bytes: bytes.length })); },
    onText(text) {
      const message = parseMessage(terminalServerMessageSchema, text);
      if (!message) return;
      switch (message.type) {
        case 'ready': onStatus(`Watching ${message.name}.`); return;
        case 'screen': term.reset(); term.write(message.data); return;
        case 'exit': onStatus('This shell has exited.'); socket.close(); return;
        case 'ended': onStatus(`The student's sandbox stopped (${message.reason}).`); socket.close(); return;
        case 'error':
          onStatus(message.message);
          if (message.code === 'unknown_terminal') socket.close();
      }
    },
    onDrop(willRetry) { if (willRetry) onStatus('Connection lost; reconnecting…'); },
  });
  term.onData((data) => send({ type: 'input', data }));

  return {
    allowInput(allowed) {
      term.options.disableStdin = !allowed;
      term.options.cursorBlink = allowed;
      if (allowed) term.focus();
    },
    close() {
      resize.disconnect();
      socket.close();
      term.dispose();
    },
  };
}
