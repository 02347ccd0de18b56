// The instructor's view of a student's shell over /ws/terminal: the same wire messages as the student's
// own socket (ready, screen, binary output, exit/ended), but it never takes the shell from the student,
// never resizes it, and refuses input unless the student has given control for that lab (asked on every
// keystroke, so taking control back works at once).
//
// It starts from the exact screen: the session's mirror is serialized once every byte printed so far is
// on it, and the bytes printed after that moment are held and sent right after the screen. Both the
// mirror and the tap hear each chunk in the same synchronous emit, and the snapshot is asked for in the
// same turn as the tap starts holding, so every byte is in exactly one of the two.
import type { WebSocket } from 'ws';
import type { WatchSizeMessage } from '../contracts/workshop.ts';
import { parseClientFrame, sendMessage } from '../ws/terminal-socket.ts';
import type { TerminalTap } from './terminal-tap.ts';

/** A watcher that cannot keep up is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** What the watcher needs of the student's TerminalSession. */
export interface WatchedSession {
  id: string;
  name: string;
  /** The screen once every byte so far is parsed, at the terminal's size. */
  peek(take: (screen: string, size: { cols: number; rows: number }) => void): void;
}

export function bridgeWatcher(ws: WebSocket, tap: TerminalTap, session: WatchedSession, canType: () => boolean): void {
  const send = (chunk: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'too slow to follow this terminal');
      return;
    }
    ws.send(chunk, { binary: true });
  };
  sendMessage(ws, { type: 'ready', terminal: session.id, name: session.name });
  let held: Buffer[] | null = [];
  const watching = tap.watch((chunk) => {
    if (held) held.push(chunk);
    else send(chunk);
  }, (reason) => {
    sendMessage(ws, { type: 'ended', reason });
    ws.close(1000, 'the terminal ended');
  });
  session.peek((screen, { cols, rows }) => {
    if (ws.readyState !== ws.OPEN) return;
    const size: WatchSizeMessage = { type: 'size', cols, rows };
    ws.send(JSON.stringify(size));
    sendMessage(ws, { type: 'screen', data: screen });
    for (const chunk of held ?? []) send(chunk);
    held = null;
  });
  ws.on('close', () => {
    watching.stop();
    held = null;
  });
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
