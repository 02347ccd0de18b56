// The events channel: the app's state and output as they happen (server/contracts/terminal.ts).
import { eventMessageSchema, type EventMessage } from '../../../server/contracts/terminal.ts';
import { openSocket, type Socket } from './socket.ts';

export function listenToEvents(lab: string, onEvent: (event: EventMessage) => void): Socket {
  return openSocket(`/ws/events?lab=${encodeURIComponent(lab)}`, {
    onText(text) {
      let message;
      try { message = eventMessageSchema.safeParse(JSON.parse(text)); } catch { return; }
      // Events without a lab (the sandbox ended) concern every lab page.
      if (message.success && (!('lab' in message.data) || message.data.lab === lab)) onEvent(message.data);
    },
  });
}
