// The author's contract for lab 4, against real processes: the starter fails for a real reason, the
// solution passes every check, and each classic comet mistake, made in the solution, fails the check
// that names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/04-comet/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { RUN_HINT, runChecks } from '../../server/checks/run-checks.ts';
import { exited, type RunningApp as LabApp, startLabApp, stopAll } from '../helpers/lab-apps.ts';
import { cometMistakes } from '../fixtures/lab-comet/mistakes.ts';

const LAB = '04-comet';
const probeOf = (app: LabApp) => createTcpProbe('127.0.0.1', app.port);

let starter: LabApp;
let solution: LabApp;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startLabApp(LAB, 'starter'), startLabApp(LAB, 'solution')]);
}, 30_000);

afterAll(stopAll);

describe('lab 4 checks against the real apps', () => {
  it.concurrent('the solution passes every check', async () => {
    const report = await runChecks('comet', checks, probeOf(solution));
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.passed).toBe(checks.length);
  }, 25_000);

  it.concurrent('the starter, which looks for news every half second, fails on the delay and the count', async () => {
    const report = await runChecks('comet', checks, probeOf(starter));
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect(report.results.filter((r) => r.status === 'error')).toEqual([]);
    const delay = byId.get('publish-wakes-at-once')!;
    expect(delay.status).toBe('fail');
    expect(Number.parseInt(delay.seen!)).toBeGreaterThanOrEqual(300);
    expect(byId.get('publish-counts-woken')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/"waiters":0/) });
    expect(byId.get('publish-wakes-every-waiter')!.status).toBe('pass');
    expect(byId.get('cursor-loses-nothing')!.status).toBe('pass');
  }, 25_000);
});

describe.concurrent.each(cometMistakes)('the solution with $name', (mistake) => {
  it(`fails ${mistake.check}, saying so`, async () => {
    const app = await startLabApp(LAB, 'solution', mistake.edits);
    const check = checks.find((c) => c.id === mistake.check)!;
    const report = await runChecks('comet', [check], probeOf(app));
    expect(report.results[0]).toMatchObject({ id: mistake.check, status: 'fail', seen: expect.stringMatching(mistake.seen) });
    if (mistake.crashes) {
      // The exception killed the app; the runner's reachability test tells the learner to run it again.
      expect(await exited(app.child, 2_000)).toBe(true);
      expect(app.output()).toMatch(/ERR_HTTP_HEADERS_SENT/);
      const after = await runChecks('comet', checks, probeOf(app));
      for (const result of after.results) expect(result).toMatchObject({ status: 'error', hint: RUN_HINT });
    }
  }, 20_000);
});
