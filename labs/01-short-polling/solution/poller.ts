// The experiment: many clients short-poll your feed while a publisher adds a message now and then.
// At the end it prints what that cost: requests, empty answers, and how late messages arrived.
//
//   node poller.ts --clients 10 --interval 1000 --publish-every 5000 --duration 15
//
// --publish-every 0 publishes nothing (publish yourself with curl; delays are then not measured).
import { parseArgs } from 'node:util';

export interface Options {
  clients: number;
  intervalMs: number;
  publishEveryMs: number;
  durationS: number;
  port: number;
}

export const defaults: Options = { clients: 10, intervalMs: 1000, publishEveryMs: 5000, durationS: 15, port: 8999 };

export function parseOptions(argv: string[], env: Record<string, string | undefined> = {}): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string' },
      interval: { type: 'string' },
      'publish-every': { type: 'string' },
      duration: { type: 'string' },
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
    clients: Math.round(number(values.clients, defaults.clients, 'clients', 1, 1000)),
    intervalMs: number(values.interval, defaults.intervalMs, 'interval', 10, 60_000),
    publishEveryMs: number(values['publish-every'], defaults.publishEveryMs, 'publish-every', 0, 600_000),
    durationS: number(values.duration, defaults.durationS, 'duration', 0.1, 3600),
    port: Math.round(number(values.port ?? env.PORT, defaults.port, 'port', 1, 65535)),
  };
}

/** What all clients saw together. */
export interface Tally {
  requests: number;
  /** Answers that brought nothing new: 204, or 200 with only messages the client already had. */
  empty: number;
  published: number;
  /** One per message per client that received it. */
  delivered: number;
  /** Messages sent again to a client that already had them. */
  duplicates: number;
  errors: number;
  /** Publish-to-receive time of each delivery, in ms, when the message says when it was sent. */
  delaysMs: number[];
}

export function newTally(): Tally {
  return { requests: 0, empty: 0, published: 0, delivered: 0, duplicates: 0, errors: 0, delaysMs: [] };
}

/**
 * Counts one poll answer for a client whose newest message so far is `cursor`, and returns the
 * client's next cursor. A broken answer counts as an error and leaves the cursor where it was.
 */
export function countAnswer(tally: Tally, cursor: number, status: number, body: string, receivedAt: number): number {
  tally.requests += 1;
  if (status === 204) {
    tally.empty += 1;
    return cursor;
  }
  const messages = status === 200 ? readMessages(body) : undefined;
  if (messages === undefined) {
    tally.errors += 1;
    return cursor;
  }
  let next = cursor;
  for (const message of messages) {
    if (message.id <= cursor) {
      tally.duplicates += 1;
      continue;
    }
    tally.delivered += 1;
    next = Math.max(next, message.id);
    const sentAt = (message.data as { sentAt?: unknown } | null)?.sentAt;
    if (typeof sentAt === 'number') tally.delaysMs.push(Math.max(0, receivedAt - sentAt));
  }
  if (next === cursor) tally.empty += 1;
  return next;
}

function readMessages(body: string): { id: number; data: unknown }[] | undefined {
  try {
    const answer = JSON.parse(body) as { messages?: unknown };
    if (!Array.isArray(answer.messages)) return undefined;
    const valid = answer.messages.every((m) => typeof m === 'object' && m !== null && Number.isInteger(m.id));
    return valid ? answer.messages : undefined;
  } catch {
    return undefined;
  }
}

/** Nearest-rank percentile of ascending `sorted`; undefined when there is nothing to rank. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function formatSummary(tally: Tally, options: Options): string {
  const delays = [...tally.delaysMs].sort((a, b) => a - b);
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);
  const share = tally.requests === 0 ? 'n/a' : `${Math.round((100 * tally.empty) / tally.requests)}%`;
  const perDelivery = tally.delivered === 0 ? 'n/a' : (tally.requests / tally.delivered).toFixed(2);
  const publishing = options.publishEveryMs > 0 ? `a message published every ${options.publishEveryMs} ms` : 'no publisher';
  const rows: [string, string][] = [
    ['requests', String(tally.requests)],
    ['answers with nothing new', `${tally.empty} (${share})`],
    ['messages published', String(tally.published)],
    ['messages delivered', `${tally.delivered} (counted once per client)`],
    ['requests per delivered message', perDelivery],
    ['delivery delay average', ms(delays.length === 0 ? undefined : delays.reduce((a, b) => a + b, 0) / delays.length)],
    ['delivery delay p50', ms(percentile(delays, 50))],
    ['delivery delay p99', ms(percentile(delays, 99))],
    ['old messages sent again', String(tally.duplicates)],
    ['errors', String(tally.errors)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [
    `short polling: ${options.clients} clients asking every ${options.intervalMs} ms for ${options.durationS} s, ${publishing}`,
    ...rows.map(([label, value]) => label.padEnd(width) + value),
  ].join('\n');
}

/**
 * When the publisher sends, in ms after the start: in the middle of each period, and never so late
 * that the clients have no interval left to pick the message up.
 */
export function publishTimes(options: Options): number[] {
  const times: number[] = [];
  if (options.publishEveryMs <= 0) return times;
  const last = options.durationS * 1000 - options.intervalMs;
  for (let at = options.publishEveryMs / 2; at <= last; at += options.publishEveryMs) times.push(at);
  return times;
}

async function run(options: Options): Promise<Tally> {
  const base = `http://127.0.0.1:${options.port}`;
  const timeout = () => AbortSignal.timeout(Math.max(2000, options.intervalMs));
  const startCursor = await newestId(base, timeout());
  const start = performance.now();
  const stopAt = start + options.durationS * 1000;
  const tally = newTally();

  const client = async (offsetMs: number) => {
    let cursor = startCursor;
    for (let next = start + offsetMs; next < stopAt; next = Math.max(next + options.intervalMs, performance.now())) {
      await sleep(next - performance.now());
      try {
        const res = await fetch(`${base}/poll?since=${cursor}`, { signal: timeout() });
        cursor = countAnswer(tally, cursor, res.status, await res.text(), Date.now());
      } catch {
        tally.requests += 1;
        tally.errors += 1;
      }
    }
  };

  const publisher = async () => {
    for (const at of publishTimes(options)) {
      await sleep(start + at - performance.now());
      try {
        const res = await fetch(`${base}/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sentAt: Date.now(), text: `message ${tally.published + 1}` }),
          signal: timeout(),
        });
        await res.arrayBuffer();
        if (res.ok) tally.published += 1;
        else tally.errors += 1;
      } catch {
        tally.errors += 1;
      }
    }
  };

  // Spread the clients evenly over one interval, as visitors who arrived at different moments would
  // be, and off the publisher's beat so no poll races a publish to the same millisecond.
  const slot = options.intervalMs / options.clients;
  const clients = Array.from({ length: options.clients }, (_, i) => client((i + 0.5) * slot));
  await Promise.all([...clients, publisher()]);
  return tally;
}

/** Where clients start: after the newest message, as a page that just loaded would. */
async function newestId(base: string, signal: AbortSignal): Promise<number> {
  let res: Response;
  try {
    res = await fetch(`${base}/stats`, { signal });
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
  throw new Error(`GET /stats answered ${res.status} ${body.slice(0, 80)}, not {"waiters":0,"last_id":N}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: node poller.ts [--clients N] [--interval MS] [--publish-every MS] [--duration S] [--port P]`);
    process.exitCode = 2;
    return;
  }
  try {
    console.log(formatSummary(await run(options), options));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}

if (import.meta.main) await main();
