// A terminal WebSocket: pty bytes down as binary frames, validated JSON messages up. The socket is only
// a viewer of a TerminalSession: when it closes the shell stays, detached, until a tab closes it.
import type { WebSocket, RawData } from 'ws';
import { clampSize, TERMINAL_CLOSE, terminalClientMessageSchema, type TerminalServerMessage } from '../contracts/terminal.ts';
import type { TerminalSession, Viewer } from '../learners/terminal-session.ts';

export function sendMessage(ws: WebSocket, message: TerminalServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/** Parses one client frame; returns an error text for anything that is not a valid message. */
export function parseClientFrame(data: RawData, isBinary: boolean) {
  if (isBinary) return { error: 'Send terminal messages as JSON text frames.' } as const;
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return { error: 'That message is not JSON.' } as const;
  }
  const parsed = terminalClientMessageSchema.safeParse(value);
  if (!parsed.success) return { error: `That message does not fit: ${parsed.error.issues[0]?.message ?? 'invalid'}.` } as const;
  return { message: parsed.data } as const;
}

export function bridgeTerminal(ws: WebSocket, session: TerminalSession, size: { cols: number; rows: number }): void {
  const viewer: Viewer = {
    screen: (data) => sendMessage(ws, { type: 'screen', data }),
    output: (chunk) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
    },
    exit: ({ code, signal }) => {
      sendMessage(ws, { type: 'exit', code, signal });
      ws.close(1000, 'the shell exited');
    },
    ended: (reason) => {
      sendMessage(ws, { type: 'ended', reason });
      ws.close(1000, 'the sandbox ended');
    },
    replaced: () => {
      sendMessage(ws, { type: 'error', code: 'attached_elsewhere', message: 'This terminal was opened in another window.' });
      ws.close(TERMINAL_CLOSE.takenElsewhere, 'opened elsewhere');
    },
  };
  ws.on('message', (data, isBinary) => {
    const parsed = parseClientFrame(data, isBinary);
    if ('error' in parsed) {
      sendMessage(ws, { type: 'error', code: 'bad_message', message: parsed.error ?? 'invalid message' });
      return;
    }
    const message = parsed.message;
    if (message.type === 'input') session.write(message.data);
    else if (message.type === 'resize') {
      const { cols, rows } = clampSize(message.cols, message.rows);
      session.resize(cols, rows);
    } else if (message.type === 'ack') session.ack(message.bytes);
    else {
      session.close();
      ws.close(TERMINAL_CLOSE.closed, 'closed');
    }
  });
  ws.on('close', () => session.detach(viewer));
  sendMessage(ws, { type: 'ready', terminal: session.id, name: session.name });
  session.attach(viewer, size.cols, size.rows);
}
