// The /ws/instruments?lab=ID channel: every message checked against the contract and handed on; a
// message that does not parse is dropped rather than drawn wrong.
import { instrumentMessageSchema, type InstrumentMessage } from '../../../../server/contracts/instruments.ts';
import { openSocket, parseMessage, type Socket } from '../socket.ts';

export function listenToInstruments(lab: string, onMessage: (message: InstrumentMessage) => void, onDrop: () => void): Socket {
  return openSocket(`/ws/instruments?lab=${encodeURIComponent(lab)}`, {
    onText(text) {
      const message = parseMessage(instrumentMessageSchema, text);
      if (message?.lab === lab) onMessage(message);
    },
    onDrop,
  });
}
