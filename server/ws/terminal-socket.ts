// A terminal WebSocket: pty bytes down as binary frames, validated JSON messages up.
import type { WebSocket, RawData } from 'ws';
import { clampSize, terminalClientMessageSchema, type TerminalServerMessage } from '../contracts/terminal.ts';
import type { Terminal } from '../sandbox/types.ts';

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

export function bridgeTerminal(ws: WebSocket, terminal: Terminal): void {
  const stopData = terminal.onData((chunk) => {
    if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  });
  const stopExit = terminal.onExit(({ code, signal }) => {
    sendMessage(ws, { type: 'exit', code, signal });
    ws.close(1000, 'the shell exited');
  });
  ws.on('message', (data, isBinary) => {
    const parsed = parseClientFrame(data, isBinary);
    if ('error' in parsed) {
      sendMessage(ws, { type: 'error', code: 'bad_message', message: parsed.error ?? 'invalid message' });
      return;
    }
    const message = parsed.message;
    if (message.type === 'input') terminal.write(message.data);
    else if (message.type === 'resize') {
      const { cols, rows } = clampSize(message.cols, message.rows);
      terminal.resize(cols, rows);
    } else terminal.ack(message.bytes);
  });
  ws.on('close', () => {
    stopData();
    stopExit();
    terminal.close();
  });
  sendMessage(ws, { type: 'ready', terminal: terminal.id });
}
