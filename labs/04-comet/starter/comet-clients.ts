// The experiment: many clients long-poll your feed while a publisher adds a message now and then.
// At the end it prints what that cost (requests, answers with nothing new) and how fast messages
// arrived, in the same rows as lab 1's poller, so you can put the two side by side.
//
//   node comet-clients.ts --clients 10 --publish-every 2000 --timeout 3 --duration 15
//
// --size adds that many bytes of text to each message, to make every answer heavier.
import { parseArgs } from 'node:util';

export interface Options {
  clients: number;
  publishEveryMs: number;
  timeoutS: number;
  durationS: number;
  sizeBytes: number;
  port: number;
}

export const defaults: Options = { clients: 10, publishEveryMs: 2000, timeoutS: 3, durationS: 15, sizeBytes: 0, port: 8999 };

export function parseOptions(argv: string[], env: Record<string, string | undefined> = {}): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string' },
      'publish-every': { type: 'string' },
      timeout: { type: 'string' },
      duration: { type: 'string' },
      size: { type: 'string' },
      port: { type: 'string' },
    },
  });
  const number = (raw: string | undefined, fallback: number, name: string, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}, not ${raw}`);
    return value;
  };
  return {
    clients: Math.round(number(values.clients, defaults.clients, 'clients', 1, 2000)),
    publishEveryMs: number(values['publish-every'], defaults.publishEveryMs, 'publish-every', 0, 600_000),
    timeoutS: number(values.timeout, defaults.timeoutS, 'timeout', 0, 60),
    durationS: number(values.duration, defaults.durationS, 'duration', 0.1, 3600),
    sizeBytes: Math.round(number(values.size, defaults.sizeBytes, 'size', 0, 60_000)),
    port: Math.round(number(values.port ?? env.PORT, defaults.port, 'port', 1, 65535)),
  };
}

/** What all clients saw together. */
export interface Tally {
  requests: number;
  /** Answers that brought nothing new: the 204 of a poll that timed out. */
  empty: number;
  published: number;
  /** One per message per client that received it. */
  delivered: number;
  /** Messages sent again to a client that already had them. */
  duplicates: number;
  errors: number;
  /** Publish-to-receive time of each delivery, in ms. */
  delaysMs: number[];
  /** How long each POST /publish took to answer, in ms: the server wakes every waiter before it answers. */
  publishMs: number[];
}

export function newTally(): Tally {
  return { requests: 0, empty: 0, published: 0, delivered: 0, duplicates: 0, errors: 0, delaysMs: [], publishMs: [] };
}

/** One client's view: the ids it received, so a lost message shows up at the end. */
export type Received = Set<number>;

/**
 * Counts one poll answer for a client whose newest message so far is `cursor`, and returns the
 * client's next cursor. A broken answer counts as an error and leaves the cursor where it was.
 */
export function countAnswer(tally: Tally, received: Received, cursor: number, status: number, body: string, receivedAt: number): number {
  tally.requests += 1;
  if (status === 204) {
    tally.empty += 1;
    return cursor;
  }
  const answer = status === 200 ? readAnswer(body) : undefined;
  if (answer === undefined) {
    tally.errors += 1;
    return cursor;
  }
  for (const message of answer.messages) {
    if (message.id <= cursor || received.has(message.id)) {
      tally.duplicates += 1;
      continue;
    }
    received.add(message.id);
    tally.delivered += 1;
    const sentAt = (message.data as { sentAt?: unknown } | null)?.sentAt;
    if (typeof sentAt === 'number') tally.delaysMs.push(Math.max(0, receivedAt - sentAt));
  }
  return Math.max(cursor, answer.cursor);
}

function readAnswer(body: string): { cursor: number; messages: { id: number; data: unknown }[] } | undefined {
  try {
    const answer = JSON.parse(body) as { cursor?: unknown; messages?: unknown };
    if (!Number.isInteger(answer.cursor) || !Array.isArray(answer.messages)) return undefined;
    const valid = answer.messages.every((m) => typeof m === 'object' && m !== null && Number.isInteger(m.id));
    return valid ? { cursor: answer.cursor as number, messages: answer.messages } : undefined;
  } catch {
    return undefined;
  }
}

/** How many of the published ids each client never received, added up over the clients. */
export function countMissed(publishedIds: number[], clients: Received[]): number {
  return clients.reduce((sum, received) => sum + publishedIds.filter((id) => !received.has(id)).length, 0);
}

/** Nearest-rank percentile of ascending `sorted`; undefined when there is nothing to rank. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function formatSummary(tally: Tally, missed: number, options: Options): string {
  const delays = [...tally.delaysMs].sort((a, b) => a - b);
  const publishes = [...tally.publishMs].sort((a, b) => a - b);
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);
  const share = tally.requests === 0 ? 'n/a' : `${Math.round((100 * tally.empty) / tally.requests)}%`;
  const perDelivery = tally.delivered === 0 ? 'n/a' : (tally.requests / tally.delivered).toFixed(2);
  const average = delays.length === 0 ? undefined : delays.reduce((a, b) => a + b, 0) / delays.length;
  const publishing = options.publishEveryMs > 0 ? `a message published every ${options.publishEveryMs} ms` : 'no publisher';
  const size = options.sizeBytes > 0 ? `, ${options.sizeBytes} extra bytes each` : '';
  const rows: [string, string][] = [
    ['requests', String(tally.requests)],
    ['answers with nothing new', `${tally.empty} (${share})`],
    ['messages published', String(tally.published)],
    ['messages delivered', `${tally.delivered} (counted once per client)`],
    ['requests per delivered message', perDelivery],
    ['delivery delay average', ms(average)],
    ['delivery delay p50', ms(percentile(delays, 50))],
    ['delivery delay p99', ms(percentile(delays, 99))],
    ['publish answered in p50', ms(percentile(publishes, 50))],
    ['messages missed', String(missed)],
    ['old messages sent again', String(tally.duplicates)],
    ['errors', String(tally.errors)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [
    `long polling: ${options.clients} clients waiting up to ${options.timeoutS} s for ${options.durationS} s, ${publishing}${size}`,
    ...rows.map(([label, value]) => label.padEnd(width) + value),
  ].join('\n');
}

/**
 * When the publisher sends, in ms after the start: mid-period, shifted a quarter second off the
 * half-second grid (a server that looks every 500 ms would otherwise always look just after a
 * publish, or just before), and at least a second before the end.
 */
export function publishTimes(options: Options): number[] {
  const times: number[] = [];
  if (options.publishEveryMs <= 0) return times;
  const offGrid = 250;
  for (let at = options.publishEveryMs / 2 + offGrid; at <= options.durationS * 1000 - 1000; at += options.publishEveryMs) times.push(at);
  return times;
}

async function run(options: Options): Promise<{ tally: Tally; missed: number }> {
  const base = `http://127.0.0.1:${options.port}`;
  const startCursor = await newestId(base);
  const start = performance.now();
  const tally = newTally();
  const publishedIds: number[] = [];
  const clients: Received[] = Array.from({ length: options.clients }, () => new Set<number>());
  // Polls still waiting when the time is up are cut off, and not counted.
  const stop = new AbortController();
  const stopTimer = setTimeout(() => stop.abort(), options.durationS * 1000);

  const client = async (received: Received) => {
    let cursor = startCursor;
    while (!stop.signal.aborted) {
      try {
        const signal = AbortSignal.any([stop.signal, AbortSignal.timeout(options.timeoutS * 1000 + 5000)]);
        const res = await fetch(`${base}/poll?since=${cursor}&timeout=${options.timeoutS}`, { signal });
        const body = await res.text();
        cursor = countAnswer(tally, received, cursor, res.status, body, Date.now());
        if (res.status !== 200 && res.status !== 204) await sleep(500);
      } catch {
        if (stop.signal.aborted) break;
        tally.requests += 1;
        tally.errors += 1;
        await sleep(500);
      }
    }
  };

  const publisher = async () => {
    const padding = 'x'.repeat(options.sizeBytes);
    for (const at of publishTimes(options)) {
      await sleep(start + at - performance.now());
      const sent = performance.now();
      try {
        const res = await fetch(`${base}/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sentAt: Date.now(), text: `message ${tally.published + 1}`, padding }),
          signal: AbortSignal.timeout(10_000),
        });
        const answer = (await res.json()) as { id?: unknown };
        if (!res.ok || !Number.isInteger(answer.id)) throw new Error(`publish answered ${res.status}`);
        tally.publishMs.push(performance.now() - sent);
        tally.published += 1;
        publishedIds.push(answer.id as number);
      } catch {
        tally.errors += 1;
      }
    }
  };

  await Promise.all([...clients.map(client), publisher()]);
  clearTimeout(stopTimer);
  return { tally, missed: countMissed(publishedIds, clients) };
}

/** Where clients start: after the newest message, as a page that just loaded would. */
async function newestId(base: string): Promise<number> {
  let res: Response;
  try {
    res = await fetch(`${base}/stats`, { signal: AbortSignal.timeout(2000) });
  } catch (error) {
    throw new Error(`could not reach the app at ${base}: is it running? (${(error as Error).message})`);
  }
  const body = await res.text();
  try {
    const { last_id: lastId } = JSON.parse(body) as { last_id?: unknown };
    if (Number.isInteger(lastId)) return lastId as number;
  } catch {
    // reported below, with the body
  }
  throw new Error(`GET /stats answered ${res.status} ${body.slice(0, 80)}, not {"waiters":W,"last_id":N}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: node comet-clients.ts [--clients N] [--publish-every MS] [--timeout S] [--duration S] [--size BYTES] [--port P]`);
    process.exitCode = 2;
    return;
  }
  try {
    const { tally, missed } = await run(options);
    console.log(formatSummary(tally, missed, options));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}

if (import.meta.main) await main();
