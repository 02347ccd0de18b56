// The instruments WebSocket of one lab: first what the host still holds (recent exchanges, publishes, the
// run in progress), then everything the learner's instruments emit for that lab. It only sends. A page
// that reads too slowly is not queued for without bound: while the socket's send buffer is full, traffic
// batches are skipped and counted, and the page is told how many with a `dropped` message once it
// catches up; one that stops reading altogether is closed.
import type { WebSocket } from 'ws';
import type { InstrumentMessage } from '../contracts/instruments.ts';
import { instrumentsFor } from '../instruments/hub.ts';
import type { Lab } from '../labs/registry.ts';
import type { Learner } from '../learners/learner.ts';

/** Above this many unsent bytes, traffic batches are skipped. */
export const SKIP_TRAFFIC_BYTES = 1024 * 1024;
/** Above this, the page has stopped reading: the socket is closed. */
export const CLOSE_BYTES = 16 * 1024 * 1024;
export const SLOW_READER_CLOSE = 1013;

export function streamInstruments(ws: WebSocket, lab: Lab, learner: Learner): void {
  const id = lab.meta.id;
  const hub = instrumentsFor(learner);
  const recorder = hub.traffic(id);
  let dropped = 0;
  const send = (message: InstrumentMessage) => ws.send(JSON.stringify(message));

  // Pending changes go to the other pages first: this one reads them in the hello, and then only what follows.
  recorder.flush();
  send({ type: 'hello', lab: id, now: Date.now(), exchanges: recorder.recent(), publishes: recorder.marks(), run: hub.loads.running(id) });
  const unsubscribe = hub.subscribe(id, (message) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > CLOSE_BYTES) {
      ws.close(SLOW_READER_CLOSE, 'the page reads too slowly');
      return;
    }
    if (message.type === 'traffic' || message.type === 'dropped') {
      dropped += message.type === 'dropped' ? message.exchanges : 0;
      if (ws.bufferedAmount > SKIP_TRAFFIC_BYTES) {
        if (message.type === 'traffic') dropped += message.exchanges.length;
        return;
      }
      if (dropped > 0) {
        send({ type: 'dropped', lab: id, exchanges: dropped });
        dropped = 0;
      }
      if (message.type === 'dropped') return;
    }
    send(message);
  });
  ws.on('close', unsubscribe);
  ws.on('message', () => send({ type: 'error', lab: id, code: 'bad_message', message: 'This channel only sends.' }));
}