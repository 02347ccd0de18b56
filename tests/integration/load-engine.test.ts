// The load engine against real reference solutions: short polling wastes requests in proportion to how
// rarely news comes; comet answers about once per message, moments after it is published.
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../server/instruments/load-engine.ts';
import { startLabApp, stopAll } from '../helpers/lab-apps.ts';

afterAll(stopAll);

describe('load engine', () => {
  it('short polling at 1 s with a publish every 5 s: about 5 requests per delivered message, ~80 % empty', async () => {
    const app = await startLabApp('01-short-polling', 'solution');
    const summary = await runLoad({
      baseUrl: `http://127.0.0.1:${app.port}`, clients: 10, mode: 'short', intervalMs: 1000, durationMs: 10_000, publishEveryMs: 5000,
    });
    expect(summary.errors).toEqual({});
    expect(summary.counters.published).toBe(2);
    expect(summary.counters.deliveries).toBe(20);
    expect(summary.rates.requestsPerDelivery).toBeGreaterThanOrEqual(4);
    expect(summary.rates.requestsPerDelivery).toBeLessThanOrEqual(6);
    expect(summary.rates.emptyShare).toBeGreaterThanOrEqual(0.7);
    expect(summary.rates.emptyShare).toBeLessThanOrEqual(0.85);
    // A message waits for each client's next poll: up to one interval.
    expect(summary.delayMs!.max).toBeLessThan(1500);
    expect(summary.counters.bytesIn).toBeGreaterThan(0);
    expect(summary.cost.cpuUsPerDelivery).toBeGreaterThan(0);
  });

  it('long polling: about 1 request per delivered message, delivered within well under 100 ms', async () => {
    const app = await startLabApp('04-comet', 'solution');
    const summary = await runLoad({
      baseUrl: `http://127.0.0.1:${app.port}/`, clients: 10, mode: 'long', timeoutS: 20, durationMs: 4000, publishEveryMs: 1000,
    });
    expect(summary.errors).toEqual({});
    // Publishes at 0.5, 1.5, 2.5 and 3.5 s; on a busy machine the last may miss the 4 s end.
    expect(summary.counters.published).toBeGreaterThanOrEqual(3);
    expect(summary.counters.deliveries).toBeGreaterThanOrEqual((summary.counters.published - 1) * 10);
    expect(summary.counters.deliveries).toBeLessThanOrEqual(summary.counters.published * 10);
    expect(summary.rates.requestsPerDelivery).toBeGreaterThanOrEqual(0.9);
    expect(summary.rates.requestsPerDelivery).toBeLessThanOrEqual(1.5);
    expect(summary.counters.unfinished).toBe(10);
    expect(summary.delayMs!.p50).toBeLessThan(100);
  });

  it('stops early on an abort signal and counts a dead server\'s refusals as errors', async () => {
    const app = await startLabApp('04-comet', 'solution');
    const port = app.port;
    app.child.kill('SIGKILL');
    await new Promise((resolve) => app.child.once('exit', resolve));
    const controller = new AbortController();
    const started = Date.now();
    const run = runLoad({ baseUrl: `http://127.0.0.1:${port}`, clients: 3, mode: 'long', durationMs: 60_000 }, controller.signal);
    setTimeout(() => controller.abort(), 1200);
    const summary = await run;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(summary.errors.refused).toBeGreaterThanOrEqual(3);
    expect(summary.counters.deliveries).toBe(0);
    expect(summary.rates.requestsPerDelivery).toBeNull();
  });
});
