// The load engine against real reference solutions: short polling wastes requests in proportion to how
// rarely news comes; comet answers about once per message, moments after it is published. A compare run
// shows both on one feed, and a tap sees every exchange the engine makes.
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { Exchange, PublishMark } from '../../server/contracts/instruments.ts';
import { runLoad } from '../../server/instruments/load-engine.ts';
import { TrafficRecorder } from '../../server/instruments/traffic-recorder.ts';
import { startLabApp, stopAll } from '../helpers/lab-apps.ts';

afterAll(stopAll);

describe('load engine', () => {
  it('short polling at 1 s with a publish every 5 s: about 5 requests per delivered message, ~80 % empty', async () => {
    const app = await startLabApp('01-short-polling', 'solution');
    const summary = await runLoad({
      baseUrl: `http://127.0.0.1:${app.port}`, clients: 10, mode: 'short', intervalMs: 1000, durationMs: 10_000, publishEveryMs: 5000,
    });
    const [short] = summary.groups;
    expect(summary.groups).toHaveLength(1);
    expect(short!.errors).toEqual({});
    expect(summary.published).toBe(2);
    expect(short!.counters.deliveries).toBe(20);
    expect(short!.rates.requestsPerDelivery).toBeGreaterThanOrEqual(4);
    expect(short!.rates.requestsPerDelivery).toBeLessThanOrEqual(6);
    expect(short!.rates.emptyShare).toBeGreaterThanOrEqual(0.7);
    expect(short!.rates.emptyShare).toBeLessThanOrEqual(0.85);
    // A message waits for each client's next poll: up to one interval.
    expect(short!.delayMs!.max).toBeLessThan(1500);
    expect(short!.counters.bytesIn).toBeGreaterThan(0);
    expect(short!.counters.bytesOut).toBeGreaterThan(0);
    expect(summary.cost.cpuUsPerDelivery).toBeGreaterThan(0);
  });

  it('long polling: about 1 request per delivered message, delivered within well under 100 ms', async () => {
    const app = await startLabApp('04-comet', 'solution');
    const summary = await runLoad({
      baseUrl: `http://127.0.0.1:${app.port}/`, clients: 10, mode: 'long', timeoutS: 20, durationMs: 4000, publishEveryMs: 1000,
    });
    const [long] = summary.groups;
    expect(long!.errors).toEqual({});
    // Publishes at 0.5, 1.5, 2.5 and 3.5 s; on a busy machine the last may miss the 4 s end.
    expect(summary.published).toBeGreaterThanOrEqual(3);
    expect(long!.counters.deliveries).toBeGreaterThanOrEqual((summary.published - 1) * 10);
    expect(long!.counters.deliveries).toBeLessThanOrEqual(summary.published * 10);
    expect(long!.rates.requestsPerDelivery).toBeGreaterThanOrEqual(0.9);
    expect(long!.rates.requestsPerDelivery).toBeLessThanOrEqual(1.5);
    expect(long!.counters.unfinished).toBe(10);
    expect(long!.counters.open).toBe(0);
    expect(long!.delayMs!.p50).toBeLessThan(100);
  });

  it('compare: half the clients short-poll, half long-poll the same feed, through a custom connect, every exchange tapped', async () => {
    const app = await startLabApp('04-comet', 'solution');
    const traffic: Exchange[] = [];
    const marks: PublishMark[] = [];
    let id = 0;
    const recorder = new TrafficRecorder({
      lab: 'comet',
      nextId: () => ++id,
      emit: (message) => {
        if (message.type === 'traffic') {
          traffic.push(...message.exchanges);
          marks.push(...message.publishes);
        }
      },
    });
    let connections = 0;
    // Asynchronous like the sandbox relay: the socket arrives after a turn of the event loop.
    const relay = async (port: number) => {
      expect(port).toBe(8999);
      connections += 1;
      await new Promise((resolve) => setImmediate(resolve));
      const socket = connect({ host: '127.0.0.1', port: app.port });
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      return socket;
    };
    const summary = await runLoad(
      { baseUrl: 'http://127.0.0.1:8999', clients: 6, mode: 'compare', intervalMs: 500, timeoutS: 20, durationMs: 4000, publishEveryMs: 1000 },
      { connect: relay, tap: recorder },
    );
    recorder.flush();
    expect(summary.groups.map((g) => [g.mode, g.clients])).toEqual([['short', 3], ['long', 3]]);
    const [short, long] = summary.groups;
    for (const g of summary.groups) {
      expect(g.errors).toEqual({});
      expect(g.counters.deliveries).toBeGreaterThanOrEqual((summary.published - 1) * 3);
    }
    expect(short!.rates.requestsPerDelivery!).toBeGreaterThan(long!.rates.requestsPerDelivery! * 1.5);
    // Kept-alive: a connection per client and one for the publisher, not one per request.
    expect(connections).toBeLessThanOrEqual(7);
    expect(marks).toHaveLength(summary.published);
    expect(marks.every((mark) => typeof mark.id === 'number')).toBe(true);
    const last = new Map(traffic.map((exchange) => [exchange.id, exchange]));
    const ended = [...last.values()].filter((exchange) => exchange.outcome !== 'open');
    const lanes = new Set(ended.map((exchange) => exchange.lane));
    expect([...lanes].sort()).toEqual(['l0', 'l1', 'l2', 'publisher', 's0', 's1', 's2']);
    const polls = ended.filter((exchange) => exchange.lane !== 'publisher');
    expect(polls.filter((e) => ['data', 'empty', 'timeout'].includes(e.outcome)).length).toBe(short!.counters.requests + long!.counters.requests);
    // Comet answers a short poll with nothing new by 204, which the timeline shows as empty, not as a timeout.
    expect(polls.filter((e) => e.lane.startsWith('s') && e.outcome === 'empty').length).toBe(short!.counters.empty);
    expect(polls.filter((e) => e.outcome === 'timeout')).toEqual([]);
    expect(polls.filter((e) => e.outcome === 'aborted').length).toBe(short!.counters.unfinished + long!.counters.unfinished);
    const data = polls.find((e) => e.outcome === 'data')!;
    expect(data.status).toBe(200);
    expect(data.messages).toBeGreaterThan(0);
    expect(data.headersMs).not.toBeNull();
    expect(data.endMs!).toBeGreaterThanOrEqual(data.headersMs!);
    expect(data.bytesIn).toBeGreaterThan(100);
    expect(data.bytesOut).toBeGreaterThan(30);
    const detail = recorder.detail(data.id);
    expect(detail?.requestHeaders.host).toBe('127.0.0.1:8999');
    expect(detail?.responseHeaders?.['content-type']).toMatch(/json/);
    expect(detail?.responseBody).toMatch(/"messages":\[\{/);
  });

  it('stops early on an abort signal and counts a dead server\'s refusals as errors', async () => {
    const app = await startLabApp('04-comet', 'solution');
    const port = app.port;
    app.child.kill('SIGKILL');
    await new Promise((resolve) => app.child.once('exit', resolve));
    const controller = new AbortController();
    const started = Date.now();
    const run = runLoad({ baseUrl: `http://127.0.0.1:${port}`, clients: 3, mode: 'long', durationMs: 60_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 1200);
    const summary = await run;
    const [long] = summary.groups;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(long!.errors.refused).toBeGreaterThanOrEqual(3);
    expect(long!.counters.deliveries).toBe(0);
    expect(long!.rates.requestsPerDelivery).toBeNull();
  });
});
