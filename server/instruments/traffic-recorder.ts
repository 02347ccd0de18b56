// What the host keeps of the traffic it drives through one lab's relay, and how it tells the pages.
// Every client (the load engine, the checks' probe, the chain's Try it) reports an exchange as it starts,
// when its head comes and when it ends; the recorder turns that into the timeline's records, batches them
// (updates of one exchange within a batch merge into one), and keeps bounded history: the newest records
// for a page that connects later, and for the newest few also heads and first body bytes (the inspector).
import type { Exchange, ExchangeDetail, InstrumentMessage, PublishMark } from '../contracts/instruments.ts';
import { classifyOutcome, isLongPoll, type ExchangeEnding } from './exchange-outcome.ts';
import { Ring } from './ring.ts';

export interface ExchangeStart {
  source: Exchange['source'];
  lane: string;
  port: Exchange['port'];
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
}

export interface ExchangeEnd extends ExchangeEnding {
  bytesIn: number;
  bytesOut: number;
  responseBody: string | null;
}

export interface ExchangeHandle {
  readonly id: number;
  /** The status line and headers came. */
  head(status: number, headers: Record<string, string>): void;
  /** The exchange is over; later calls are ignored. */
  end(end: ExchangeEnd): void;
}

/** Where clients report their exchanges and publishes; the load engine knows only this. */
export interface TrafficTap {
  begin(start: ExchangeStart): ExchangeHandle;
  published(mark: PublishMark): void;
}

export interface TrafficRecorderOptions {
  lab: string;
  nextId(): number;
  emit(message: InstrumentMessage): void;
  batchMs?: number;
  /** Compact records kept for pages that connect later. */
  keepExchanges?: number;
  /** Exchanges kept with heads and bodies for the inspector. */
  keepDetails?: number;
  keepMarks?: number;
  /** Distinct exchanges in one batch; beyond it they are counted in a `dropped` message instead. */
  maxBatch?: number;
}

interface Detail {
  exchange: Exchange;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string> | null;
  requestBody: string | null;
  responseBody: string | null;
}

export const BODY_KEPT_CHARS = 4096;
const PATH_KEPT_CHARS = 2048;
const ERROR_KEPT_CHARS = 500;

const now = () => performance.timeOrigin + performance.now();
const tenths = (ms: number) => Math.round(ms * 10) / 10;
const cut = (text: string | null, max: number) => (text !== null && text.length > max ? text.slice(0, max) : text);

export class TrafficRecorder implements TrafficTap {
  readonly lab: string;
  readonly #options: TrafficRecorderOptions;
  readonly #exchanges: Ring<Exchange>;
  readonly #details: Ring<Detail>;
  readonly #detailsById = new Map<number, Detail>();
  readonly #marks: Ring<PublishMark>;
  readonly #pending = new Map<number, Exchange>();
  #pendingMarks: PublishMark[] = [];
  #overflow = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #batchMs: number;
  readonly #maxBatch: number;

  constructor(options: TrafficRecorderOptions) {
    this.lab = options.lab;
    this.#options = options;
    this.#exchanges = new Ring(options.keepExchanges ?? 2000);
    this.#details = new Ring(options.keepDetails ?? 300);
    this.#marks = new Ring(options.keepMarks ?? 200);
    this.#batchMs = options.batchMs ?? 100;
    this.#maxBatch = options.maxBatch ?? 2000;
  }

  begin(start: ExchangeStart): ExchangeHandle {
    const at = now();
    const exchange: Exchange = {
      id: this.#options.nextId(),
      source: start.source,
      lane: start.lane.slice(0, 64),
      port: start.port,
      method: start.method.slice(0, 16),
      path: start.path.slice(0, PATH_KEPT_CHARS),
      at: tenths(at),
      headersMs: null,
      endMs: null,
      status: null,
      outcome: 'open',
      messages: 0,
      bytesIn: 0,
      bytesOut: 0,
      error: null,
    };
    this.#exchanges.push(exchange);
    const detail: Detail = {
      exchange,
      requestHeaders: start.requestHeaders,
      responseHeaders: null,
      requestBody: cut(start.requestBody, BODY_KEPT_CHARS),
      responseBody: null,
    };
    const evicted = this.#details.push(detail);
    if (evicted) this.#detailsById.delete(evicted.exchange.id);
    this.#detailsById.set(exchange.id, detail);
    this.#changed(exchange);
    let ended = false;
    return {
      id: exchange.id,
      head: (status, headers) => {
        if (ended) return;
        exchange.status = status;
        exchange.headersMs = tenths(now() - at);
        detail.responseHeaders = headers;
      },
      end: (end) => {
        if (ended) return;
        ended = true;
        exchange.endMs = tenths(now() - at);
        if (end.status !== null) exchange.status = end.status;
        exchange.outcome = classifyOutcome(end, isLongPoll(start.path));
        exchange.messages = end.messages ?? 0;
        exchange.bytesIn = end.bytesIn;
        exchange.bytesOut = end.bytesOut;
        exchange.error = end.failure ? end.failure.reason.slice(0, ERROR_KEPT_CHARS) : null;
        detail.responseBody = cut(end.responseBody, BODY_KEPT_CHARS);
        this.#changed(exchange);
      },
    };
  }

  published(mark: PublishMark): void {
    this.#marks.push(mark);
    if (this.#pendingMarks.length < this.#maxBatch) this.#pendingMarks.push(mark);
    this.#schedule();
  }

  /** The kept records, oldest first, as they are now. */
  recent(): Exchange[] {
    return this.#exchanges.toArray().map((exchange) => ({ ...exchange }));
  }

  marks(): PublishMark[] {
    return this.#marks.toArray();
  }

  /** The exchanges kept with heads and bodies, newest first. */
  details(limit = Infinity): ExchangeDetail[] {
    return this.#details.toArray().reverse().slice(0, limit).map(toDetail);
  }

  detail(id: number): ExchangeDetail | undefined {
    const detail = this.#detailsById.get(id);
    return detail && toDetail(detail);
  }

  /** Sends what changed since the last batch (the timer calls it; tests may too). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size > 0 || this.#pendingMarks.length > 0) {
      const exchanges = [...this.#pending.values()].map((exchange) => ({ ...exchange }));
      this.#pending.clear();
      const publishes = this.#pendingMarks;
      this.#pendingMarks = [];
      this.#options.emit({ type: 'traffic', lab: this.lab, exchanges, publishes });
    }
    if (this.#overflow > 0) {
      this.#options.emit({ type: 'dropped', lab: this.lab, exchanges: this.#overflow });
      this.#overflow = 0;
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #changed(exchange: Exchange): void {
    // The map holds the live record, so a later change in the same batch is sent with it, once.
    if (this.#pending.has(exchange.id)) return;
    if (this.#pending.size >= this.#maxBatch) this.#overflow += 1;
    else this.#pending.set(exchange.id, exchange);
    this.#schedule();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => this.flush(), this.#batchMs).unref();
  }
}

function toDetail({ exchange, requestHeaders, responseHeaders, requestBody, responseBody }: Detail): ExchangeDetail {
  return { ...exchange, requestHeaders, responseHeaders, requestBody, responseBody };
}
