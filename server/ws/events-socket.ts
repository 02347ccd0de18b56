// The events WebSocket: for one lab, its open terminals (first), then the app's and services' state and
// output, and saves, as they happen; and, for every lab, news that the sandbox ended.
import type { WebSocket } from 'ws';
import type { EventMessage } from '../contracts/terminal.ts';
import type { Lab } from '../labs/registry.ts';
import type { Learner } from '../learners/learner.ts';
import { sendMessage } from './terminal-socket.ts';

export async function streamEvents(ws: WebSocket, lab: Lab, learner: Learner): Promise<void> {
  const send = (event: EventMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
  };
  const unsubscribe = learner.subscribe((event) => {
    if (!('lab' in event) || event.lab === lab.meta.id) send(event);
  });
  ws.on('close', unsubscribe);
  ws.on('message', () => sendMessage(ws, { type: 'error', code: 'bad_message', message: 'This channel only sends.' }));
  send({ type: 'terminals', lab: lab.meta.id, terminals: learner.terminals.list(lab.meta.id) });
  const state = await learner.appState(lab);
  send({ type: 'app-state', lab: lab.meta.id, ...state });
  for (const service of lab.meta.services) {
    send({ type: 'service-state', lab: lab.meta.id, service, ...(await learner.labServiceState(lab, service)) });
  }
}
