// The instruments live: the /ws/instruments channel feeds every panel, and the panels' buttons call
// the instruments' routes. Times are the server's; the page keeps the offset to its own clock.
import { listenToInstruments } from './channel.ts';
import { instrumentsApi } from './instruments-api.ts';
import { assembleInstruments } from './parts.ts';

export function startLive(root: HTMLElement, lab: string): void {
  let offset = 0;
  const instruments = assembleInstruments(root, instrumentsApi(lab), () => Date.now() + offset);
  listenToInstruments(lab, (message) => {
    if (message.type === 'hello') {
      offset = message.now - Date.now();
      instruments.note('');
      root.dataset.state = 'live';
    }
    instruments.receive(message);
  }, () => {
    root.dataset.state = 'reconnecting';
    instruments.note('The instruments lost their connection to the playground; reconnecting…');
  });
}
