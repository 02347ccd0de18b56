// The HTTP inspector: the last exchanges the playground drove through the relay (from the timeline's
// data), and for a picked one both heads and the first bytes of both bodies, fetched on demand.
import type { Exchange, ExchangeDetail } from '../../../../server/contracts/instruments.ts';
import type { InstrumentsApi } from './instruments-api.ts';
import { outcomeLabel } from './outcomes.ts';
import type { TimelineData } from './timeline-data.ts';

const LIST_SIZE = 50;
const REFRESH_MS = 1000;

function headsText(firstLine: string, headers: Record<string, string> | null): string {
  if (!headers) return `${firstLine}\n(no answer yet)`;
  return [firstLine, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\n');
}

function block(title: string, text: string): HTMLElement {
  const section = document.createElement('section');
  const heading = document.createElement('h4');
  heading.textContent = title;
  const pre = document.createElement('pre');
  pre.tabIndex = 0;
  pre.textContent = text;
  section.append(heading, pre);
  return section;
}

export function renderDetail(host: HTMLElement, detail: ExchangeDetail): void {
  const took = detail.endMs === null ? 'still waiting' : `${Math.round(detail.endMs)} ms`;
  const summary = document.createElement('p');
  summary.textContent = `#${detail.id} from ${detail.source} (${detail.lane}) to :${detail.port}: ${outcomeLabel[detail.outcome]}, ${took}`
    + `${detail.headersMs === null ? '' : `, heads after ${Math.round(detail.headersMs)} ms`}${detail.error ? `. ${detail.error}` : ''}.`;
  const parts: HTMLElement[] = [summary, block('Request', headsText(`${detail.method} ${detail.path} HTTP/1.1`, detail.requestHeaders))];
  if (detail.requestBody) parts.push(block('Request body', detail.requestBody));
  parts.push(block('Response', headsText(detail.status === null ? '(no status line)' : `HTTP/1.1 ${detail.status}`, detail.responseHeaders)));
  if (detail.responseBody) parts.push(block('Response body', detail.responseBody));
  host.replaceChildren(...parts);
  host.dataset.exchange = String(detail.id);
}

export async function showHeads(host: HTMLElement, api: InstrumentsApi | null, exchange: Exchange): Promise<void> {
  if (!api) {
    host.textContent = 'Heads are kept only while the playground runs; this recorded run has timings only.';
    return;
  }
  host.textContent = `Fetching the heads of #${exchange.id}…`;
  try {
    renderDetail(host, await api.exchange(exchange.id));
  } catch (error) {
    host.textContent = `Could not fetch #${exchange.id}: ${(error as Error).message}`;
  }
}

export function createInspector(root: HTMLElement, data: TimelineData, api: InstrumentsApi | null, visible: () => boolean): () => void {
  const body = root.querySelector<HTMLTableElement>('[data-inspector-list]')!.tBodies[0]!;
  const detail = root.querySelector<HTMLElement>('[data-inspector-detail]')!;
  let shownVersion = -1;

  function refresh(): void {
    if (!visible() || shownVersion === data.version) return;
    shownVersion = data.version;
    const latest = [...data.exchanges.values()].sort((a, b) => b.id - a.id).slice(0, LIST_SIZE);
    body.replaceChildren(...latest.map((exchange) => {
      const row = document.createElement('tr');
      row.dataset.outcome = exchange.outcome;
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'link-button';
      pick.textContent = `#${exchange.id}`;
      pick.setAttribute('aria-label', `Show the heads of request ${exchange.id}`);
      pick.addEventListener('click', () => void showHeads(detail, api, exchange));
      row.insertCell().append(pick);
      for (const text of [
        `${exchange.method} ${exchange.path}`, exchange.status === null ? '–' : String(exchange.status), outcomeLabel[exchange.outcome],
        exchange.endMs === null ? '…' : String(Math.round(exchange.endMs)), exchange.source,
      ]) row.insertCell().textContent = text;
      return row;
    }));
  }
  const timer = setInterval(refresh, REFRESH_MS);
  refresh();
  return () => clearInterval(timer);
}
