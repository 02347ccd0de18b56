// A student's shell seen by the instructor: xterm.js attached to the student's pty through the
// terminal WebSocket, with input off. It takes the student's terminal size (sent before the screen), so
// the screen the server serialized is drawn exactly as the student sees it, and never resizes the pty
// (that would reshape the student's screen). Input is turned on once the student allows it, and the
// server still refuses it unless they have.
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { z } from 'zod';
import { terminalServerMessageSchema, type TerminalClientMessage } from '../../../server/contracts/terminal.ts';
import { watchSizeMessageSchema } from '../../../server/contracts/workshop.ts';
import { openSocket, parseMessage } from '../lab/socket.ts';

export interface WatchedTerminal {
  allowInput(allowed: boolean): void;
  close(): void;
}

const watchMessageSchema = z.union([watchSizeMessageSchema, terminalServerMessageSchema]);

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
  term.open(host);
  let inputAllowed = false;

  const send = (message: TerminalClientMessage) => socket.send(JSON.stringify(message));
  const socket = openSocket(path, {
    onBinary(bytes) { term.write(bytes, () => send({ type: 'ack', bytes: bytes.length })); },
    onText(text) {
      const message = parseMessage(watchMessageSchema, text);
      if (!message) return;
      switch (message.type) {
        case 'ready': onStatus(`Watching ${message.name}.`); return;
        case 'size': term.resize(message.cols, message.rows); return;
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
      if (allowed === inputAllowed) return;
      inputAllowed = allowed;
      term.options.disableStdin = !allowed;
      term.options.cursorBlink = allowed;
      host.setAttribute('aria-label', allowed ? "Student's terminal (you can type)" : "Student's terminal (read-only)");
      if (allowed) term.focus();
    },
    close() {
      socket.close();
      term.dispose();
    },
  };
}
