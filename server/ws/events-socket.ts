// The events WebSocket: the app's state and output, and saves, for one lab, as they happen.
import type { WebSocket } from 'ws';
import type { Lab } from '../labs/registry.ts';
import type { Learner } from '../learners/learner.ts';
import { sendMessage } from './terminal-socket.ts';

export async function streamEvents(ws: WebSocket, lab: Lab, learner: Learner): Promise<void> {
  const unsubscribe = learner.subscribe((event) => {
    if (event.lab === lab.meta.id && ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
  });
  ws.on('close', unsubscribe);
  ws.on('message', () => sendMessage(ws, { type: 'error', code: 'bad_message', message: 'This channel only sends.' }));
  const state = await learner.appState(lab);
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'app-state', lab: lab.meta.id, ...state }));
}
