// The learner's shell: xterm.js on a WebSocket to a pty in the sandbox (server/contracts/terminal.ts).
// Output is acknowledged only once drawn, so a flood (`yes`) is paced by the browser, not buffered.
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { terminalServerMessageSchema, type TerminalClientMessage } from '../../../server/contracts/terminal.ts';
import { currentTheme, onThemeChange, type Theme } from '../theme.ts';
import { openSocket } from './socket.ts';

const INPUT_CHUNK = 8 * 1024;

const themes: Record<Theme, ITheme> = {
  // xterm's default palette is made for dark backgrounds: its white and yellow vanish on white.
  light: {
    background: '#ffffff', foreground: '#1b2128', cursor: '#0a5bb8', cursorAccent: '#ffffff', selectionBackground: '#b6d4f7',
    black: '#1b2128', red: '#b0261c', green: '#146c36', yellow: '#8a5300', blue: '#0a5bb8', magenta: '#8b3fa8', cyan: '#0f6e78', white: '#55606b',
    brightBlack: '#6b7580', brightRed: '#c4321f', brightGreen: '#1d7f43', brightYellow: '#9a6200', brightBlue: '#1f6fd1',
    brightMagenta: '#9b4dbb', brightCyan: '#17808a', brightWhite: '#3a434d',
  },
  dark: { background: '#171b20', foreground: '#e5e8eb', cursor: '#74b4ff', selectionBackground: '#2f4a6d' },
};

export interface TerminalView {
  term: Terminal;
}

export function startTerminal(host: HTMLElement, ended: HTMLElement, lab: string): TerminalView {
  const term = new Terminal({
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    fontSize: 13,
    cursorBlink: true,
    scrollback: 5000,
    theme: themes[currentTheme()],
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  onThemeChange((theme) => { term.options.theme = themes[theme]; });

  const endedText = ended.querySelector<HTMLElement>('[data-terminal-ended-text]');
  const newTerminal = ended.querySelector<HTMLButtonElement>('[data-action="new-terminal"]');
  let connectedOnce = false;

  const send = (message: TerminalClientMessage) => socket.send(JSON.stringify(message));
  const sendSize = () => send({ type: 'resize', cols: term.cols, rows: term.rows });

  const socket = openSocket(`/ws/terminal?lab=${encodeURIComponent(lab)}`, {
    onOpen() {
      if (connectedOnce) term.write('\r\n\x1b[2m[new shell]\x1b[0m\r\n');
      connectedOnce = true;
      sendSize();
    },
    onBinary(bytes) {
      term.write(bytes, () => send({ type: 'ack', bytes: bytes.length }));
    },
    onText(text) {
      let parsed;
      try { parsed = terminalServerMessageSchema.safeParse(JSON.parse(text)); } catch { return; }
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'exit') {
        socket.close();
        const how = message.signal ? `was stopped by ${message.signal}` : `exited with code ${message.code ?? '?'}`;
        if (endedText) endedText.textContent = `The shell ${how}.`;
        ended.hidden = false;
      } else if (message.type === 'error') {
        term.write(`\r\n\x1b[31m${message.message}\x1b[0m\r\n`);
      }
    },
    onDrop(willRetry) {
      if (willRetry) term.write('\r\n\x1b[2m[connection lost; reconnecting…]\x1b[0m\r\n');
    },
  });

  newTerminal?.addEventListener('click', () => {
    ended.hidden = true;
    term.reset();
    connectedOnce = false;
    socket.reopen();
    term.focus();
  });

  term.onData((data) => {
    for (let at = 0; at < data.length; at += INPUT_CHUNK) send({ type: 'input', data: data.slice(at, at + INPUT_CHUNK) });
  });
  term.onResize(sendSize);
  // Fit only while visible: a hidden pane has no size and would shrink the shell to nothing.
  new ResizeObserver(() => { if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit(); }).observe(host);

  return { term };
}
