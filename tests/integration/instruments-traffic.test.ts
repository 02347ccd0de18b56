// The traffic instruments of a real playground process against reference solutions in a real sandbox:
// simulated clients through the relay (short polling wastes about five requests per message, comet about
// one), the live /ws/instruments channel, the inspector's routes, `lab load` in a real terminal, and the
// refusals of bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Exchange, LoadRunState } from '../../server/contracts/instruments.ts';
import { projectRoot, startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { openTerminal } from '../helpers/terminal-client.ts';
import { until } from '../helpers/until.ts';
import { openInstruments, type InstrumentsChannel } from '../helpers/instruments-client.ts';

let playground: RunningPlayground;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  playground = await startPlaygroundProcess();
});
afterAll(async () => {
  for (const ws of sockets) ws.close();
  await playground?.stop();
  if (playground) await rm(playground.dataDir, { recursive: true, force: true });
});

const api = (path: string, init?: RequestInit) => fetch(`${playground.url}/api/labs/${path}`, init);
const post = (path: string, body: unknown, type = 'application/json') =>
  api(path, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });


/** Opens the lab with the reference solution in place of the starter, and runs it. */
async function runSolution(lab: string, folder: string): Promise<void> {
  expect((await api(lab)).status).toBe(200);
  await copyFile(join(projectRoot, 'labs', folder, 'solution', 'server.ts'), join(playground.dataDir, 'learners', 'local', 'home', lab, 'server.ts'));
  expect((await post(`${lab}/run`, '')).status).toBe(200);
  await until(`${lab}'s app to listen`, async () => ((await (await api(`${lab}/app`)).json()).listening ? true : undefined));
}

async function instruments(lab: string): Promise<InstrumentsChannel> {
  const channel = await openInstruments(playground.url, lab);
  sockets.push(channel.ws);
  return channel;
}

const finalRun = (channel: InstrumentsChannel, timeoutMs = 40_000) => until('the final run message', () => {
  const last = channel.messages.filter((m) => m.type === 'run').at(-1);
  return last?.type === 'run' && last.run.state !== 'running' ? last.run : undefined;
}, timeoutMs);

describe('traffic instruments', () => {
  it('short polling at 1 s with a publish every 5 s: about 5 requests per delivered message, drawn live', async () => {
    await runSolution('short-polling', '01-short-polling');
    const channel = await instruments('short-polling');
    expect(channel.messages[0]).toMatchObject({ type: 'hello', lab: 'short-polling', run: null });

    const started = await post('short-polling/instruments/load', { mode: 'short', clients: 10, intervalMs: 1000, durationS: 10, publishEveryMs: 5000 });
    expect(started.status).toBe(200);
    expect((await started.json()).run).toMatchObject({ state: 'running', mode: 'short', target: 'app' });
    const busy = await post('short-polling/instruments/load', { mode: 'long', clients: 1 });
    expect(busy.status).toBe(409);
    expect((await busy.json()).error.code).toBe('load_running');
    expect((await (await api('short-polling/instruments/load')).json()).run.state).toBe('running');

    const run: LoadRunState = await finalRun(channel);
    expect(run.state).toBe('finished');
    const [short] = run.groups;
    expect(short!.counters.published).toBe(2);
    expect(short!.errors).toEqual({});
    expect(short!.requestsPerMessage!).toBeGreaterThanOrEqual(4);
    expect(short!.requestsPerMessage!).toBeLessThanOrEqual(6);
    expect(short!.emptyShare!).toBeGreaterThan(0.6);
    expect(channel.messages.filter((m) => m.type === 'run').length).toBeGreaterThanOrEqual(10);

    const polls = [...channel.exchanges().values()].filter((e) => e.path.startsWith('/poll'));
    const outcomes = new Set(polls.map((e) => e.outcome));
    expect(outcomes.has('empty')).toBe(true);
    expect(outcomes.has('data')).toBe(true);
    expect(new Set(polls.map((e) => e.lane)).size).toBe(10);
    expect(polls.filter((e) => e.outcome === 'data').reduce((sum, e) => sum + e.messages, 0)).toBe(short!.counters.deliveries);
    const marks = channel.messages.flatMap((m) => (m.type === 'traffic' ? m.publishes : []));
    expect(marks).toHaveLength(2);

    // The inspector: newest first, with heads and bodies; gone ones are 404.
    const listed = await (await api('short-polling/instruments/exchanges?limit=5')).json();
    expect(listed.exchanges).toHaveLength(5);
    const ids = listed.exchanges.map((e: Exchange) => e.id);
    expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids);
    // The newest may be polls the run's end cut short; take one that was answered.
    const answered = listed.exchanges.find((e: Exchange) => e.status !== null) ?? (await (await api('short-polling/instruments/exchanges?limit=300')).json()).exchanges.find((e: Exchange) => e.status !== null);
    const one = await (await api(`short-polling/instruments/exchange?id=${answered.id}`)).json();
    expect(one.exchange).toMatchObject({ id: answered.id, requestHeaders: { host: '127.0.0.1:8999' } });
    expect(one.exchange.responseHeaders).not.toBeNull();
    expect((await api('short-polling/instruments/exchange?id=99999999')).status).toBe(404);
  }, 90_000);

  it('long polling: about 1 request per delivered message; a run can be stopped', async () => {
    await runSolution('comet', '04-comet');
    const channel = await instruments('comet');
    expect((await post('comet/instruments/load', { mode: 'long', clients: 20, timeoutS: 20, durationS: 6, publishEveryMs: 1000 })).status).toBe(200);
    const run = await finalRun(channel);
    const [long] = run.groups;
    expect(long!.errors).toEqual({});
    expect(long!.counters.published).toBeGreaterThanOrEqual(5);
    expect(long!.requestsPerMessage!).toBeGreaterThanOrEqual(0.9);
    expect(long!.requestsPerMessage!).toBeLessThanOrEqual(1.5);
    expect(long!.delayMs!.p50).toBeLessThan(200);
    expect(run.cost!.cpuUsPerDelivery).toBeGreaterThan(0);
    const ended = [...channel.exchanges().values()].filter((e) => e.path.startsWith('/poll') && e.outcome !== 'open');
    expect(ended.some((e) => e.outcome === 'data')).toBe(true);
    // The run's end cut the waiting polls: the page sees them as aborted, not as errors.
    expect(ended.filter((e) => e.outcome === 'aborted').length).toBeGreaterThanOrEqual(20);
    expect(ended.filter((e) => e.outcome === 'error')).toEqual([]);

    const before = channel.messages.length;
    expect((await post('comet/instruments/load', { mode: 'compare', clients: 4, durationS: 60 })).status).toBe(200);
    await until('a run message', () => (channel.messages.slice(before).some((m) => m.type === 'run') ? true : undefined));
    // A page opened during the run learns of it in its hello.
    const late = await instruments('comet');
    expect(late.messages[0]).toMatchObject({ type: 'hello', run: { state: 'running', mode: 'compare' } });
    expect(late.messages[0]!.type === 'hello' && late.messages[0].exchanges.length).toBeGreaterThan(20);
    const stopped = await post('comet/instruments/load/stop', '');
    expect((await stopped.json()).run).toMatchObject({ state: 'stopped', mode: 'compare' });
    expect((await finalRun(channel, 5000)).groups.map((g) => g.mode)).toEqual(['short', 'long']);
    expect((await post('comet/instruments/load/stop', '')).status).toBe(200);
  }, 90_000);

  it('`lab load` in the terminal runs on the host, draws on the page\'s timeline, and prints a summary', async () => {
    await runSolution('comet', '04-comet');
    const channel = await instruments('comet');
    const shell = await openTerminal(playground.url, 'comet');
    try {
      await shell.waitFor(/learner@lab/);
      shell.type('lab load --clients 0; echo "usage=$?"\r');
      await shell.waitFor(/usage=2/);
      expect(shell.screen()).toMatch(/--clients takes a number from 1 to 10000/);
      const from = shell.screen().length;
      shell.type('lab load --clients 30 --mode long --duration 3s --publish-every 1s; echo "load=$?"\r');
      await shell.waitFor(/load=\d/, { from, timeoutMs: 30_000 });
      const out = shell.screen().slice(from);
      expect(out).toMatch(/load=0/);
      expect(out).toMatch(/\[#+\] 3\.\d\/3 s\s+30 clients long/);
      expect(out).toMatch(/Finished after 3\.\d s: long polling against your app \(8999\), 3 messages published/);
      expect(out).toMatch(/requests per message\s+1\.\d\d/);
      expect(out).toMatch(/delivery p99\s+[\d.,]+ ms/);
      expect(out).toMatch(/µs per delivery/);
      expect([...channel.exchanges().values()].filter((e) => e.source === 'load' && e.outcome === 'data').length).toBeGreaterThanOrEqual(60);

      // Ctrl-C asks the host to stop the run, and the summary still comes.
      const again = shell.screen().length;
      shell.type('lab load --clients 5 --mode short --duration 60s; echo "stopped=$?"\r');
      await shell.waitFor(/\[#*\.+\] \d+\.\d\/60 s/, { from: again, timeoutMs: 15_000 });
      shell.type('\x03');
      await shell.waitFor(/stopped=\d/, { from: again, timeoutMs: 15_000 });
      expect(shell.screen().slice(again)).toMatch(/Stopped early after \d+\.\d s: short polling/);
      expect(shell.screen().slice(again)).toMatch(/stopped=0/);
    } finally {
      shell.ws.close();
    }
  }, 60_000);

  it('through nginx: the starter\'s short proxy_read_timeout shows as 504s on the timeline', async () => {
    expect((await api('nginx')).status).toBe(200);
    expect((await post('nginx/run', '')).status).toBe(200);
    await until('the app to listen', async () => ((await (await api('nginx/app')).json()).listening ? true : undefined));
    const body = { target: 'nginx', mode: 'long', clients: 3, timeoutS: 10, durationS: 5, publishEveryMs: 0 };
    const early = await post('nginx/instruments/load', body);
    expect(early.status).toBe(409);
    expect((await early.json()).error.message).toMatch(/nginx is not running/);
    const shell = await openTerminal(playground.url, 'nginx');
    try {
      await shell.waitFor(/learner@lab/);
      shell.type('lab nginx start; echo "nginx=$?"\r');
      await shell.waitFor(/nginx=0/, { timeoutMs: 20_000 });
    } finally {
      shell.ws.close();
    }
    const channel = await instruments('nginx');
    expect((await post('nginx/instruments/load', body)).status).toBe(200);
    const run = await finalRun(channel);
    expect(run.target).toBe('nginx');
    expect(run.groups[0]!.errors['http-504']).toBeGreaterThanOrEqual(3);
    const polls = [...channel.exchanges().values()].filter((e) => e.port === 8888 && e.path.startsWith('/poll'));
    expect(polls.filter((e) => e.outcome === 'gateway-timeout').length).toBe(run.groups[0]!.errors['http-504']);
    expect(polls.find((e) => e.outcome === 'gateway-timeout')!.endMs!).toBeGreaterThan(1500);
  }, 60_000);

  it('refuses bad bodies and queries with clear messages, and messages from the page', async () => {
    const cases: Array<[unknown, string, number, RegExp]> = [
      [{ mode: 'sometimes', clients: 1 }, 'application/json', 400, /mode/],
      [{ mode: 'long', clients: 0 }, 'application/json', 400, /clients/],
      [{ mode: 'long', clients: 1, extra: true }, 'application/json', 400, /extra/],
      [{ mode: 'long', clients: 1, publishEveryMs: 5 }, 'application/json', 400, /publish never/],
      ['{not json', 'application/json', 400, /not valid JSON/],
      [{ mode: 'long', clients: 1 }, 'text/plain', 415, /application\/json/],
    ];
    for (const [body, type, status, message] of cases) {
      const res = await post('comet/instruments/load', body, type);
      expect(res.status).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
    }
    expect((await api('comet/instruments/exchanges?limit=0')).status).toBe(400);
    expect((await api('comet/instruments/exchanges?limit=many')).status).toBe(400);
    expect((await api('comet/instruments/exchange?id=abc')).status).toBe(400);
    expect((await api('comet/instruments/exchange')).status).toBe(400);
    expect((await api('comet/instruments/nothing')).status).toBe(404);
    expect((await api('comet/instruments/load', { method: 'DELETE' })).status).toBe(405);
    const crossSite = await api('comet/instruments/load', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{"mode":"long","clients":1}' });
    expect(crossSite.status).toBe(403);

    const channel = await instruments('comet');
    channel.ws.send('hello?');
    await until('an error message', () => (channel.messages.some((m) => m.type === 'error') ? true : undefined));
    expect(channel.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'bad_message' });
    const refused = new WebSocket(`${playground.url.replace(/^http/, 'ws')}/ws/instruments?lab=comet`, { headers: { origin: 'http://evil.example' } });
    const status = await new Promise((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode)).once('open', () => resolve('open')));
    expect(status).toBe(403);
  });
});
