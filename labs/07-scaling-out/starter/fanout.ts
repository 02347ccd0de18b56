// The experiment: hold some long polls through nginx, publish once, and show which process held each
// waiter and whether the message reached it.
//   node fanout.ts [--waiters 4] [--wait 2] [--short-between] [--port 8888] [--cluster-port 8999]
// --short-between sends a quick GET /stats after each poll, as a page loading other things would.
import { request } from 'node:http';
import { parseArgs } from 'node:util';

export interface Options {
  waiters: number;
  waitS: number;
  shortBetween: boolean;
  port: number;
  clusterPort: number;
}

export interface Outcome {
  backend: string;
  status: number;
  ids: number[];
  ms: number;
}

export const defaults: Options = { waiters: 4, waitS: 2, shortBetween: false, port: 8888, clusterPort: 8999 };

/** The options from the command line; throws a sentence for the learner on anything it does not accept. */
export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      waiters: { type: 'string' }, wait: { type: 'string' }, 'short-between': { type: 'boolean' },
      port: { type: 'string' }, 'cluster-port': { type: 'string' },
    },
  });
  const number = (raw: string | undefined, fallback: number, name: string, max: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`--${name} must be a number from 0 to ${max}, not ${raw}`);
    return value;
  };
  return {
    waiters: Math.round(number(values.waiters, defaults.waiters, 'waiters', 200)),
    waitS: number(values.wait, defaults.waitS, 'wait', 60),
    shortBetween: values['short-between'] ?? false,
    port: Math.round(number(values.port, defaults.port, 'port', 65535)),
    clusterPort: Math.round(number(values['cluster-port'], defaults.clusterPort, 'cluster-port', 65535)),
  };
}

/** One line per waiter and a last line that counts: who held the waiters, and who got the message. */
export function report(outcomes: Outcome[], published: { id: number; backend: string }): string {
  const lines = outcomes.map((o, i) => {
    const what = o.ids.includes(published.id) ? `got message ${published.id}` : o.status === 204 ? `204, missed message ${published.id}` : `status ${o.status}`;
    return `waiter ${String(i + 1).padEnd(3)} held by ${o.backend.padEnd(5)} ${what} after ${o.ms} ms`;
  });
  const held = new Map<string, number>();
  for (const o of outcomes) held.set(o.backend, (held.get(o.backend) ?? 0) + 1);
  const got = outcomes.filter((o) => o.ids.includes(published.id)).length;
  lines.push(`published message ${published.id} through ${published.backend}`);
  lines.push(`${outcomes.length} waiters: ${[...held].map(([backend, n]) => `${n} on ${backend}`).join(', ')}; ` +
    `${got} got the message, ${outcomes.length - got} missed it`);
  return lines.join('\n');
}

function send(port: number, method: string, path: string, body?: string): Promise<{ status: number; backend: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, backend: String(res.headers['x-backend'] ?? '?'), text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function heldWaiters(options: Options): Promise<number | undefined> {
  try {
    const { backends } = JSON.parse((await send(options.clusterPort, 'GET', '/backends')).text) as { backends: { stats: { waiters: number } | null }[] };
    return backends.reduce((sum, b) => sum + (b.stats?.waiters ?? 0), 0);
  } catch {
    return undefined;
  }
}

/** Waits (2 s at most) until the processes hold `count` waiters, or one of `polls` came back early. */
async function untilHeld(options: Options, count: number, polls: Promise<unknown>[]): Promise<void> {
  let answered = false;
  for (const poll of polls) void poll.then(() => { answered = true; }, () => { answered = true; });
  const deadline = Date.now() + 2000;
  while (!answered && Date.now() < deadline) {
    const held = await heldWaiters(options);
    if (held === undefined || held >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(options: Options): Promise<void> {
  const stats = JSON.parse((await send(options.port, 'GET', '/stats')).text) as { last_id: number };
  const started = performance.now();
  const polls: Promise<Outcome>[] = [];
  for (let n = 0; n < options.waiters; n += 1) {
    polls.push(send(options.port, 'GET', `/poll?since=${stats.last_id}&timeout=${options.waitS}`).then((res) => ({
      backend: res.backend,
      status: res.status,
      ids: res.status === 200 ? (JSON.parse(res.text) as { messages: { id: number }[] }).messages.map((m) => m.id) : [],
      ms: Math.round(performance.now() - started),
    })));
    if (options.shortBetween) {
      await untilHeld(options, n + 1, polls);
      await send(options.port, 'GET', '/stats');
    }
  }
  await untilHeld(options, options.waiters, polls);
  const res = await send(options.port, 'POST', '/publish', JSON.stringify({ from: 'fanout.ts' }));
  const published = { id: (JSON.parse(res.text) as { id: number }).id, backend: res.backend };
  console.log(report(await Promise.all(polls), published));
}

if (import.meta.main) {
  try {
    const options = parseOptions(process.argv.slice(2));
    await main(options).catch((error: Error) => {
      throw new Error(`could not reach nginx at http://127.0.0.1:${options.port} (${error.message}): is it running?`);
    });
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
