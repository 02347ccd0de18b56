// One of the learner's shells: xterm.js on a WebSocket to a pty in the sandbox (server/contracts/terminal.ts).
// The shell outlives the socket: after a drop or a reload the view reattaches by id and the server sends
// the screen as it is, then live output. Output is acknowledged only once drawn, so a flood (`yes`) is
// paced by the browser, not buffered.
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { terminalServerMessageSchema, type TerminalClientMessage } from '../../../server/contracts/terminal.ts';
import { currentTheme, onThemeChange, type Theme } from '../theme.ts';
import { openSocket, parseMessage } from './socket.ts';

const INPUT_CHUNK = 8 * 1024;
/** Keys typed while the shell (re)connects are kept, up to this much, and sent once it is attached. */
const MAX_QUEUED_INPUT = 4 * 1024;

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

const dim = (text: string) => `\r\n\x1b[2m[${text}]\x1b[0m\r\n`;

export interface TerminalView {
  term: Terminal;
  /** The server's id for this shell, once it has said it (null before, and after the shell has gone). */
  readonly id: string | null;
  /** Closes the shell for good (the tab was closed). */
  close(): void;
}

export interface TerminalViewOptions {
  /** Reattach to this shell; without it the server opens a new one. */
  id?: string;
  /** The server named (or renamed) the shell, e.g. "Terminal 2". */
  onNamed(name: string): void;
}

/** `panel` holds `[data-terminal-host]` and the `[data-terminal-ended]` banner. */
export function startTerminal(panel: HTMLElement, lab: string, options: TerminalViewOptions): TerminalView {
  const host = panel.querySelector<HTMLElement>('[data-terminal-host]')!;
  const ended = panel.querySelector<HTMLElement>('[data-terminal-ended]')!;
  const endedText = ended.querySelector<HTMLElement>('[data-terminal-ended-text]');
  const newTerminal = ended.querySelector<HTMLButtonElement>('[data-action="new-terminal"]');
  const takeBack = ended.querySelector<HTMLButtonElement>('[data-action="take-back"]');
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

  let id: string | null = options.id ?? null;
  /** Until the server says 'ready' it is not listening yet (it may be starting the sandbox). */
  let attached = false;
  let queued = '';
  let quietDrop = false;
  const send = (message: TerminalClientMessage) => socket.send(JSON.stringify(message));
  const sendInput = (data: string) => {
    for (let at = 0; at < data.length; at += INPUT_CHUNK) send({ type: 'input', data: data.slice(at, at + INPUT_CHUNK) });
  };
  const sendSize = () => send({ type: 'resize', cols: term.cols, rows: term.rows });
  const path = () => `/ws/terminal?lab=${encodeURIComponent(lab)}&cols=${term.cols}&rows=${term.rows}`
    + (id ? `&terminal=${encodeURIComponent(id)}` : '');

  function showEnded(text: string, action: 'new' | 'take-back'): void {
    socket.close();
    if (endedText) endedText.textContent = text;
    if (newTerminal) newTerminal.hidden = action !== 'new';
    if (takeBack) takeBack.hidden = action !== 'take-back';
    ended.hidden = false;
  }

  const socket = openSocket(path, {
    onOpen() { attached = false; },
    onBinary(bytes) {
      term.write(bytes, () => send({ type: 'ack', bytes: bytes.length }));
    },
    onText(text) {
      const message = parseMessage(terminalServerMessageSchema, text);
      if (!message) return;
      switch (message.type) {
        case 'ready':
          id = message.terminal;
          attached = true;
          options.onNamed(message.name);
          sendSize();
          sendInput(queued);
          queued = '';
          return;
        case 'screen':
          // The whole screen as the server keeps it: start from a clean terminal, or lines would double.
          term.reset();
          term.write(message.data);
          return;
        case 'exit': {
          id = null;
          const how = message.signal ? `was stopped by ${message.signal}` : `exited with code ${message.code ?? '?'}`;
          showEnded(`The shell ${how}.`, 'new');
          return;
        }
        case 'ended':
          // The socket closes next and reconnects without an id: a fresh shell in a fresh sandbox.
          id = null;
          quietDrop = true;
          term.write(dim(`the sandbox stopped (${message.reason}); starting a new shell…`));
          return;
        case 'error':
          if (message.code === 'unknown_terminal') {
            id = null;
            quietDrop = true;
            term.write(dim('that shell is gone; starting a new one…'));
          } else if (message.code === 'attached_elsewhere') {
            showEnded('This terminal is open in another window.', 'take-back');
          } else {
            term.write(`\r\n\x1b[31m${message.message}\x1b[0m\r\n`);
          }
      }
    },
    onDrop(willRetry) {
      attached = false;
      // A close the server announced is not a lost connection.
      if (willRetry && !quietDrop) term.write(dim('connection lost; reconnecting…'));
      quietDrop = false;
    },
  });

  newTerminal?.addEventListener('click', () => {
    ended.hidden = true;
    term.reset();
    id = null;
    socket.reopen();
    term.focus();
  });
  takeBack?.addEventListener('click', () => {
    ended.hidden = true;
    socket.reopen();
    term.focus();
  });

  term.onData((data) => {
    if (attached) sendInput(data);
    else queued = (queued + data).slice(0, MAX_QUEUED_INPUT);
  });
  term.onResize(sendSize);
  // Fit only while visible: a hidden pane has no size and would shrink the shell to nothing.
  new ResizeObserver(() => { if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit(); }).observe(host);

  return {
    term,
    get id() { return id; },
    close() {
      send({ type: 'close' });
      socket.close();
      term.dispose();
    },
  };
}
