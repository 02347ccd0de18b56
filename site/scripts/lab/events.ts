// The events channel: the app's state and output as they happen (server/contracts/terminal.ts).
import { eventMessageSchema, type EventMessage } from '../../../server/contracts/terminal.ts';
import { openSocket, parseMessage, type Socket } from './socket.ts';

export function listenToEvents(lab: string, onEvent: (event: EventMessage) => void): Socket {
  return openSocket(`/ws/events?lab=${encodeURIComponent(lab)}`, {
    onText(text) {
      const message = parseMessage(eventMessageSchema, text);
      // Events without a lab (the sandbox ended) concern every lab page.
      if (message && (!('lab' in message) || message.lab === lab)) onEvent(message);
    },
  });
}
