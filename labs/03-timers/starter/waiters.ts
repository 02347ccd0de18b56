// The experiment: clients that wait for news (each re-polls as soon as it gets an answer) and a
// publisher that adds a message now and then, at uneven moments. At the end it prints how late the
// messages arrived and how often the app looked for news to get them there.
//
//   node waiters.ts --waiters 10 --timeout 5 --publish-every 2000 --duration 10
import { parseArgs } from 'node:util';

export interface Options {
  waiters: number;
  timeoutS: number;
  publishEveryMs: number;
  durationS: number;
  port: number;
}

export const defaults: Options = { waiters: 10, timeoutS: 5, publishEveryMs: 2000, durationS: 10, port: 8999 };

export function parseOptions(argv: string[], env: Record<string, string | undefined> = {}): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      waiters: { type: 'string' },
      timeout: { type: 'string' },
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
    waiters: Math.round(number(values.waiters, defaults.waiters, 'waiters', 1, 1000)),
    timeoutS: number(values.timeout, defaults.timeoutS, 'timeout', 0, 60),
    publishEveryMs: number(values['publish-every'], defaults.publishEveryMs, 'publish-every', 0, 600_000),
    durationS: number(values.duration, defaults.durationS, 'duration', 0.5, 3600),
    port: Math.round(number(values.port ?? env.PORT, defaults.port, 'port', 1, 65535)),
  };
}

export interface Tally {
  polls: number;
  withNews: number;
  timedOut: number;
  published: number;
  /** One per message per client that received it. */
  delivered: number;
  errors: number;
  delaysMs: number[];
  /** How many times the app looked for news during the run, from /stats `lookups`; undefined when it does not say. */
  lookups: number | undefined;
}

export function newTally(): Tally {
  return { polls: 0, withNews: 0, timedOut: 0, published: 0, delivered: 0, errors: 0, delaysMs: [], lookups: undefined };
}

/** Counts one poll answer for a client at `cursor` and returns its next cursor. */
export function countAnswer(tally: Tally, cursor: number, status: number, body: string, receivedAt: number): number {
  tally.polls += 1;
  if (status === 204) {
    tally.timedOut += 1;
    return cursor;
  }
  let messages: { id: number; data: unknown }[];
  try {
    const answer = JSON.parse(body) as { messages?: unknown };
    if (status !== 200 || !Array.isArray(answer.messages) || !answer.messages.every((m) => Number.isInteger(m?.id))) throw new Error('not a poll answer');
    messages = answer.messages;
  } catch {
    tally.errors += 1;
    return cursor;
  }
  tally.withNews += 1;
  let next = cursor;
  for (const message of messages) {
    if (message.id <= cursor) continue;
    tally.delivered += 1;
    next = Math.max(next, message.id);
    const sentAt = (message.data as { sentAt?: unknown } | null)?.sentAt;
    if (typeof sentAt === 'number') tally.delaysMs.push(Math.max(0, receivedAt - sentAt));
  }
  return next;
}

export function formatSummary(tally: Tally, options: Options): string {
  const delays = [...tally.delaysMs].sort((a, b) => a - b);
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value)} ms`);
  const average = delays.length === 0 ? undefined : delays.reduce((sum, d) => sum + d, 0) / delays.length;
  const median = delays.length === 0 ? undefined : delays[Math.ceil(delays.length / 2) - 1];
  const perWaiterSecond = tally.lookups === undefined ? 'n/a (no lookups in /stats)' : (tally.lookups / options.waiters / options.durationS).toFixed(1);
  const rows: [string, string | number][] = [
    ['polls answered', tally.polls],
    ['  with news', tally.withNews],
    ['  204 at the timeout', tally.timedOut],
    ['messages published', tally.published],
    ['messages delivered', `${tally.delivered} (counted once per waiter)`],
    ['delivery delay average', ms(average)],
    ['delivery delay p50', ms(median)],
    ['delivery delay max', ms(delays.at(-1))],
    ['lookups by the app', tally.lookups ?? 'n/a'],
    ['lookups per waiter per second', perWaiterSecond],
    ['errors', tally.errors],
  ];
  return rows.map(([label, value]) => `${label.padEnd(31)} ${value}`).join('\n');
}

export async function run(options: Options): Promise<Tally> {
  const base = `http://127.0.0.1:${options.port}`;
  const before = await readStats(base);
  const tally = newTally();
  const stop = AbortSignal.timeout(options.durationS * 1000);
  const stopped = new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  const requestLimitMs = options.timeoutS * 1000 + 5_000;

  const client = async (startAfterMs: number): Promise<void> => {
    await sleep(startAfterMs);
    let cursor = before.lastId;
    while (!stop.aborted) {
      try {
        const res = await fetch(`${base}/poll?since=${cursor}&timeout=${options.timeoutS}`, {
          signal: AbortSignal.any([stop, AbortSignal.timeout(requestLimitMs)]),
        });
        const body = await res.text();
        cursor = countAnswer(tally, cursor, res.status, body, Date.now());
      } catch {
        // A poll cut short by the end of the run is not an error; anything else is.
        if (!stop.aborted) {
          tally.errors += 1;
          await sleep(100);
        }
      }
    }
  };

  // Uneven gaps (half to one and a half times --publish-every), so publishes do not fall into step
  // with the app's re-checks and the delays show their whole spread.
  const publisher = async (): Promise<void> => {
    if (options.publishEveryMs === 0) return;
    for (;;) {
      await Promise.race([sleep(options.publishEveryMs * (0.5 + Math.random())), stopped]);
      if (stop.aborted) return;
      try {
        const res = await fetch(`${base}/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sentAt: Date.now(), text: `message ${tally.published + 1}` }),
          signal: AbortSignal.timeout(5_000),
        });
        await res.arrayBuffer();
        if (res.ok) tally.published += 1;
        else tally.errors += 1;
      } catch {
        tally.errors += 1;
      }
    }
  };

  // Clients arrive spread over a second, as visitors do, so their looks are not all in step.
  const clients = Array.from({ length: options.waiters }, (_, i) => client((i * 1000) / options.waiters));
  await Promise.all([...clients, publisher()]);
  const after = await readStats(base);
  if (before.lookups !== undefined && after.lookups !== undefined) tally.lookups = after.lookups - before.lookups;
  return tally;
}

async function readStats(base: string): Promise<{ lastId: number; lookups: number | undefined }> {
  let res: Response;
  try {
    res = await fetch(`${base}/stats`, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    throw new Error(`could not reach the app at ${base}: is it running? (${(error as Error).message})`);
  }
  const body = await res.text();
  try {
    const stats = JSON.parse(body) as { last_id?: unknown; lookups?: unknown };
    if (Number.isInteger(stats.last_id)) {
      return { lastId: stats.last_id as number, lookups: Number.isInteger(stats.lookups) ? stats.lookups as number : undefined };
    }
  } catch {
    // reported below, with the body
  }
  throw new Error(`GET /stats answered ${res.status} ${body.slice(0, 80)}, not {"waiters":W,"last_id":N,...}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: node waiters.ts [--waiters N] [--timeout S] [--publish-every MS] [--duration S] [--port P]`);
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
