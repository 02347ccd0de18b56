// The instruments of one lab page, put together: whichever panels the page has, fed from one stream
// of instrument messages, live from the playground or replayed from a recorded run.
import type { InstrumentMessage } from '../../../../server/contracts/instruments.ts';
import { setupTabs } from '../tabs.ts';
import { createChainPanel } from './chain-panel.ts';
import { createClientsPanel, type ClientsPanel } from './clients-panel.ts';
import type { InstrumentsApi } from './instruments-api.ts';
import { createInspector, showHeads } from './inspector-panel.ts';
import { createLagPanel, type LagPanel } from './lag-panel.ts';
import { createNginxPanel, type NginxPanel } from './nginx-panel.ts';
import { createTimeline, type TimelineView } from './timeline-view.ts';

export interface Instruments {
  timeline: TimelineView;
  receive(message: InstrumentMessage): void;
  note(text: string): void;
}

export function assembleInstruments(root: HTMLElement, api: InstrumentsApi | null, now: () => number, recorded = false): Instruments {
  // Each panel's own element (inside its tab panel), where it keeps its state as data attributes.
  const pane = (id: string) => root.querySelector<HTMLElement>(`[data-instrument="${id}"] [data-${id}]`);
  const note = root.querySelector<HTMLElement>('[data-instruments-note]')!;
  const selected = (id: string) => root.querySelector<HTMLElement>(`[data-instrument="${id}"]`)?.hidden === false;
  let nginx: NginxPanel | undefined;
  const openNginx = () => { nginx ??= createNginxPanel(pane('nginx')!, api); };
  setupTabs(root.querySelector<HTMLElement>('[data-instrument-tabs]')!, {
    // The nginx panel reads config and logs when first shown, not on every lab page load.
    onSelect: (tab) => { if (tab.id === 'inst-tab-nginx') openNginx(); },
  });

  const timelinePane = pane('timeline')!;
  const heads = timelinePane.querySelector<HTMLElement>('[data-timeline-heads]')!;
  const timeline = createTimeline(timelinePane, { now, recorded, onPick: (exchange) => void showHeads(heads, api, exchange) });
  const clients: ClientsPanel | undefined = pane('clients') ? createClientsPanel(pane('clients')!, api) : undefined;
  const lag: LagPanel | undefined = pane('lag') ? createLagPanel(pane('lag')!, api) : undefined;
  if (pane('chain')) createChainPanel(pane('chain')!, api);
  if (pane('inspector')) createInspector(pane('inspector')!, timeline.data, api, () => selected('inspector'));

  return {
    timeline,
    note(text) { note.textContent = text; },
    receive(message) {
      switch (message.type) {
        case 'hello':
          timeline.data.clear();
          timeline.data.add(message.exchanges, message.publishes);
          if (message.run) clients?.show(message.run);
          break;
        case 'traffic':
          timeline.data.add(message.exchanges, message.publishes);
          break;
        case 'run':
          clients?.show(message.run);
          break;
        case 'lag':
          lag?.add(message.samples);
          break;
        case 'nginx-log':
          nginx?.log(message.log, message.lines, message.access);
          break;
        case 'dropped':
          note.textContent = `The page fell behind: ${message.exchanges} requests were merged away rather than drawn.`;
          break;
        case 'error':
          note.textContent = message.message;
          break;
      }
    },
  };
}
