// The client's side of Server-Sent Events: turns the text of a text/event-stream into events and
// comments, as a browser's EventSource does. Fed with text as it arrives, so it can be tested alone.

export interface SseEvent {
  /** The `id:` field: what the client sends back as Last-Event-ID when it reconnects. */
  id?: string;
  event?: string;
  data: string;
  /** The `retry:` field: how many ms to wait before reconnecting. */
  retry?: number;
}

export type SseItem = { type: 'event'; event: SseEvent } | { type: 'comment'; text: string };

export class SseParser {
  #pending = '';
  #fields: Partial<SseEvent> & { dataLines?: string[] } = {};

  /** Every complete item in `text` (and what came before it); a partial line waits for more. */
  push(text: string): SseItem[] {
    this.#pending += text;
    const items: SseItem[] = [];
    // Lines end in \n, \r\n or \r; the last piece may be a line still arriving.
    const lines = this.#pending.split(/\r\n|\r(?!$)|\n/);
    this.#pending = lines.pop() ?? '';
    for (const line of lines) {
      const item = this.#line(line);
      if (item) items.push(item);
    }
    return items;
  }

  #line(line: string): SseItem | undefined {
    if (line === '') {
      const { dataLines, ...rest } = this.#fields;
      this.#fields = {};
      if (dataLines === undefined && rest.id === undefined && rest.retry === undefined) return undefined;
      return { type: 'event', event: { ...rest, data: (dataLines ?? []).join('\n') } };
    }
    if (line.startsWith(':')) return { type: 'comment', text: line.slice(1).trimStart() };
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.#fields.dataLines = [...(this.#fields.dataLines ?? []), value];
    else if (field === 'id' && !value.includes('\0')) this.#fields.id = value;
    else if (field === 'event') this.#fields.event = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.#fields.retry = Number(value);
    return undefined;
  }
}
