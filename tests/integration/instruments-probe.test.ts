// The checks' probe, recorded: each request a check makes shows on the timeline with the same outcome
// names as the simulated clients' (against the real comet solution over TCP).
import { afterAll, describe, expect, it } from 'vitest';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { recordedProbe } from '../../server/instruments/recorded-probe.ts';
import { TrafficRecorder } from '../../server/instruments/traffic-recorder.ts';
import { freePort } from '../helpers/ports.ts';
import { startLabApp, stopAll } from '../helpers/lab-apps.ts';

afterAll(stopAll);

describe('recorded probe', () => {
  it('records data, empty, timeout, aborted and error exchanges as the checks see them', async () => {
    const app = await startLabApp('04-comet', 'solution');
    let id = 0;
    const recorder = new TrafficRecorder({ lab: 'comet', nextId: () => ++id, emit: () => {} });
    const probe = recordedProbe(createTcpProbe('127.0.0.1', app.port), recorder);
    await probe.request({ method: 'POST', path: '/publish', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
    await probe.request({ path: '/poll?since=0&timeout=0' });
    await probe.request({ path: '/poll?since=1&timeout=0' });
    await probe.request({ path: '/poll?since=1&timeout=0.3' });
    expect((await probe.request({ path: '/poll?since=1&timeout=5', timeoutMs: 300 })).timedOut).toBe(true);
    await probe.request({ path: '/nowhere' });
    const dead = recordedProbe(createTcpProbe('127.0.0.1', await freePort()), recorder);
    await expect(dead.request({ path: '/poll?since=0' })).rejects.toThrow(/nothing answered/);

    const seen = recorder.recent().map((e) => [e.method, e.path, e.outcome, e.source, e.lane]);
    expect(seen).toEqual([
      ['POST', '/publish', 'data', 'check', 'check'],
      ['GET', '/poll?since=0&timeout=0', 'data', 'check', 'check'],
      ['GET', '/poll?since=1&timeout=0', 'empty', 'check', 'check'],
      ['GET', '/poll?since=1&timeout=0.3', 'timeout', 'check', 'check'],
      ['GET', '/poll?since=1&timeout=5', 'aborted', 'check', 'check'],
      ['GET', '/nowhere', 'error', 'check', 'check'],
      ['GET', '/poll?since=0', 'error', 'check', 'check'],
    ]);
    const [publish, first] = recorder.recent();
    expect(publish!.status).toBe(200);
    expect(first!.messages).toBe(1);
    expect(recorder.detail(publish!.id)!.requestBody).toBe('{"n":1}');
    expect(recorder.recent().at(-1)!.error).toMatch(/nothing answered/);
  });
});
