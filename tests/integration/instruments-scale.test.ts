// The instruments at hundreds of clients: a real playground drives long-polling clients through a
// real sandbox's relay into the comet solution while a page listens. The run must stay correct (about
// one request per message), end on time, and the page must get every exchange or be told how many it
// missed: nothing is queued without bound and nothing is lost silently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadRunState } from '../../server/contracts/instruments.ts';
import { projectRoot, startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { until } from '../helpers/until.ts';
import { openInstruments } from '../helpers/instruments-client.ts';

let playground: RunningPlayground;
beforeAll(async () => {
  playground = await startPlaygroundProcess();
});
afterAll(async () => {
  await playground?.stop();
  if (playground) await rm(playground.dataDir, { recursive: true, force: true });
});

// 500 rather than the 1,000 of the bench: this runs beside every other suite on two cores.
const CLIENTS = 500;

describe(`instruments at ${CLIENTS} clients`, () => {
  it('long polling clients: one request per message, on time, every exchange sent or counted', async () => {
    const api = (path: string, init?: RequestInit) => fetch(`${playground.url}/api/labs/comet/${path}`, init);
    expect((await api('')).status).toBe(200);
    await copyFile(join(projectRoot, 'labs', '04-comet', 'solution', 'server.ts'), join(playground.dataDir, 'learners', 'local', 'home', 'comet', 'server.ts'));
    expect((await api('run', { method: 'POST' })).status).toBe(200);
    await until('the app to listen', async () => ((await (await api('app')).json()).listening ? true : undefined), 10_000);

    const { ws, messages } = await openInstruments(playground.url, 'comet');
    try {
      const started = Date.now();
      const res = await api('instruments/load', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'long', clients: CLIENTS, timeoutS: 30, durationS: 8, publishEveryMs: 2000 }),
      });
      expect(res.status).toBe(200);
      const run = await until('the final run message', () => {
        const last = messages.filter((m) => m.type === 'run').at(-1);
        return last?.type === 'run' && last.run.state !== 'running' ? last.run : undefined;
      }, 60_000) as LoadRunState;
      // Ends on time: the clients' waiting polls are cut, not waited for.
      expect(Date.now() - started).toBeLessThan(8000 + 6000);
      expect(run.state).toBe('finished');
      const [long] = run.groups;
      expect(long!.counters.published).toBe(4);
      // A 2-core machine running other suites at the same time may drop a few; the figures must still hold.
      expect(long!.counters.errors, JSON.stringify(long!.errors)).toBeLessThan(CLIENTS * 0.05);
      expect(long!.counters.deliveries).toBeGreaterThanOrEqual(3 * CLIENTS * 0.95);
      expect(long!.requestsPerMessage!).toBeLessThan(1.3);

      const seen = new Set(messages.flatMap((m) => (m.type === 'traffic' ? m.exchanges.map((e) => e.id) : [])));
      const dropped = messages.reduce((sum, m) => sum + (m.type === 'dropped' ? m.exchanges : 0), 0);
      // Every poll (answered, failed or cut by the end) was sent to the page at least once, or counted as dropped.
      expect(seen.size + dropped).toBeGreaterThanOrEqual(long!.counters.requests + CLIENTS - long!.counters.errors);
      const batches = messages.filter((m) => m.type === 'traffic');
      expect(Math.max(...batches.map((m) => (m.type === 'traffic' ? m.exchanges.length : 0)))).toBeLessThanOrEqual(2000);
      const runMessages = messages.filter((m) => m.type === 'run').length;
      expect(runMessages).toBeGreaterThanOrEqual(8);
      expect(runMessages).toBeLessThanOrEqual(30);
    } finally {
      ws.close();
    }
  }, 120_000);
});
