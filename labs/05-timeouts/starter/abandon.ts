// The experiment: clients that start a long poll and walk away before the answer, as closed tabs,
// aborted fetches and impatient proxies do. Every second it asks GET /stats what the app still holds.
//
//   node abandon.ts --every 20 --after 200 --timeout 600 --duration 10
//
// One client every 20 ms asks to wait 600 s, and leaves after 200 ms. An app that forgets clients who
// left holds almost none of them; one that does not holds all of them.
import { request } from 'node:http';
import { parseArgs } from 'node:util';

export interface Options {
  everyMs: number;
  afterMs: number;
  timeoutS: number;
  durationS: number;
  port: number;
}

export const defaults: Options = { everyMs: 20, afterMs: 200, timeoutS: 600, durationS: 10, port: 8999 };

export function parseOptions(argv: string[], env: Record<string, string | undefined> = {}): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      every: { type: 'string' },
      after: { type: 'string' },
      timeout: { type: 'string' },
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
    everyMs: number(values.every, defaults.everyMs, 'every', 1, 60_000),
    afterMs: number(values.after, defaults.afterMs, 'after', 1, 600_000),
    timeoutS: number(values.timeout, defaults.timeoutS, 'timeout', 0, 9999),
    durationS: number(values.duration, defaults.durationS, 'duration', 1, 3600),
    port: Math.round(number(values.port ?? env.PORT, defaults.port, 'port', 1, 65535)),
  };
}

export interface Stats {
  waiters: number;
  last_id: number;
  timers?: number;
  heap_kb?: number;
}

export interface Sample {
  atS: number;
  /** Clients that have come and gone so far. */
  left: number;
  stats: Stats;
}

export function formatHeader(options: Options): string {
  return [
    `one client every ${options.everyMs} ms asks to wait ${options.timeoutS} s and leaves after ${options.afterMs} ms, for ${options.durationS} s`,
    `${'time'.padStart(6)}${'clients left'.padStart(14)}${'waiters'.padStart(10)}${'timers'.padStart(9)}${'heap'.padStart(11)}`,
  ].join('\n');
}

export function formatSample(sample: Sample): string {
  const { timers, heap_kb: heapKb } = sample.stats;
  return `${`${sample.atS} s`.padStart(6)}${String(sample.left).padStart(14)}${String(sample.stats.waiters).padStart(10)}`
    + `${(timers === undefined ? 'n/a' : String(timers)).padStart(9)}${(heapKb === undefined ? 'n/a' : formatKb(heapKb)).padStart(11)}`;
}

/** What the run left behind, from the first and last samples. */
export function formatVerdict(first: Sample, last: Sample): string {
  const held = last.stats.waiters - first.stats.waiters;
  const lines = [`${last.left} clients came and left; the app still holds ${held} more waiter${held === 1 ? '' : 's'} than at the start.`];
  const { heap_kb: before } = first.stats;
  const { heap_kb: after } = last.stats;
  if (before !== undefined && after !== undefined && held > 0) {
    lines.push(`Its heap grew by ${formatKb(after - before)} meanwhile (garbage collection moves it too: watch the trend).`);
  }
  return lines.join('\n');
}

function formatKb(kb: number): string {
  return kb >= 1024 || kb <= -1024 ? `${(kb / 1024).toFixed(1)} MB` : `${Math.round(kb)} KB`;
}

/** Starts one long poll and closes its connection after `afterMs`, whatever happened by then. */
function abandonOne(port: number, options: Options, onLeft: () => void): void {
  const req = request({ host: '127.0.0.1', port, path: `/poll?since=${lastSeen}&timeout=${options.timeoutS}`, agent: false });
  req.on('error', () => undefined);
  req.on('response', (res) => res.resume());
  setTimeout(() => {
    req.destroy();
    onLeft();
  }, options.afterMs);
  req.end();
}

// Polls ask from the newest id, so each one has to wait.
let lastSeen = 0;

async function readStats(port: number): Promise<Stats> {
  const res = await fetch(`http://127.0.0.1:${port}/stats`, { signal: AbortSignal.timeout(2000) });
  const stats = (await res.json()) as Stats;
  if (!Number.isInteger(stats.waiters) || !Number.isInteger(stats.last_id)) throw new Error(`GET /stats answered ${JSON.stringify(stats)}`);
  return stats;
}

async function run(options: Options): Promise<void> {
  let stats: Stats;
  try {
    stats = await readStats(options.port);
  } catch (error) {
    throw new Error(`could not read GET /stats from the app on port ${options.port}: is it running? (${(error as Error).message})`);
  }
  lastSeen = stats.last_id;
  let left = 0;
  const start = performance.now();
  const first: Sample = { atS: 0, left, stats };
  console.log(formatHeader(options));
  console.log(formatSample(first));
  const opener = setInterval(() => abandonOne(options.port, options, () => { left += 1; }), options.everyMs);
  let last = first;
  for (let second = 1; second <= options.durationS; second += 1) {
    await new Promise((resolve) => setTimeout(resolve, start + second * 1000 - performance.now()));
    if (second === options.durationS) clearInterval(opener);
    last = { atS: second, left, stats: await readStats(options.port) };
    console.log(formatSample(last));
  }
  // Let the last clients leave, then look once more.
  await new Promise((resolve) => setTimeout(resolve, options.afterMs + 200));
  last = { atS: options.durationS, left, stats: await readStats(options.port) };
  console.log(formatVerdict(first, last));
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: node abandon.ts [--every MS] [--after MS] [--timeout S] [--duration S] [--port P]`);
    process.exitCode = 2;
    return;
  }
  try {
    await run(options);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}

if (import.meta.main) await main();
