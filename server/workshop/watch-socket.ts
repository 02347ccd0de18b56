// The instructor's view of a student's shell over /ws/terminal: the same wire messages as the student's
// own socket (ready, binary output, exit/ended), but it never takes the shell from the student, never
// resizes it, and refuses input unless the student has given control for that lab (asked on every
// keystroke, so taking control back works at once).
import type { WebSocket } from 'ws';
import { parseClientFrame, sendMessage } from '../ws/terminal-socket.ts';
import type { TerminalTap } from './terminal-tap.ts';

/** A watcher that cannot keep up is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export function bridgeWatcher(ws: WebSocket, tap: TerminalTap, terminal: { id: string; name: string }, canType: () => boolean): void {
  const send = (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'too slow to follow this terminal');
      return;
    }
    ws.send(chunk, { binary: true });
  };
  sendMessage(ws, { type: 'ready', terminal: terminal.id, name: terminal.name });
  const watching = tap.watch(send, (reason) => {
    sendMessage(ws, { type: 'ended', reason });
    ws.close(1000, 'the terminal ended');
  });
  if (watching.recent.length) send(watching.recent);
  ws.on('close', () => watching.stop());
  ws.on('message', (data, isBinary) => {
    const parsed = parseClientFrame(data, isBinary);
    if ('error' in parsed) {
      sendMessage(ws, { type: 'error', code: 'bad_message', message: parsed.error ?? 'invalid message' });
      return;
    }
    if (parsed.message.type === 'input') {
      if (canType()) tap.write(parsed.message.data);
      else sendMessage(ws, { type: 'error', code: 'read_only', message: 'This is a read-only view; the student has not given you control.' });
    } else if (parsed.message.type === 'close') ws.close(1000, 'closed');
    // resize and ack belong to the student's own view.
  });
}
