// The author's contract for lab 5, against real processes: the starter fails for a real reason, the
// solution passes every check, and each classic mistake of ending waits, made in the solution, fails
// the check that names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/05-timeouts/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { RUN_HINT, runChecks } from '../../server/checks/run-checks.ts';
import { exited, type RunningApp as LabApp, startLabApp, stopAll } from '../helpers/lab-apps.ts';
import { timeoutsMistakes } from '../fixtures/lab-timeouts/mistakes.ts';

const LAB = '05-timeouts';
const probeOf = (app: LabApp) => createTcpProbe('127.0.0.1', app.port);

let starter: LabApp;
let solution: LabApp;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startLabApp(LAB, 'starter'), startLabApp(LAB, 'solution')]);
}, 30_000);

afterAll(stopAll);

describe('lab 5 checks against the real apps', () => {
  it.concurrent('the solution passes every check', async () => {
    const report = await runChecks('timeouts', checks, probeOf(solution));
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.passed).toBe(checks.length);
  }, 25_000);

  it.concurrent('the starter fails on the uncapped timeout and the leaked waiters', async () => {
    const report = await runChecks('timeouts', checks, probeOf(starter));
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect(report.results.filter((r) => r.status === 'error')).toEqual([]);
    expect(byId.get('timeout-capped')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/the app meant to wait the 600 s/) });
    expect(byId.get('client-gone-forgotten')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/their waiters leaked$/) });
    expect(byId.get('poll-times-out-204')!.status).toBe('pass');
  }, 25_000);
});

describe.concurrent.each(timeoutsMistakes)('the solution with $name', (mistake) => {
  it(`fails ${mistake.check}, saying so`, async () => {
    const app = await startLabApp(LAB, 'solution', mistake.edits);
    const check = checks.find((c) => c.id === mistake.check)!;
    const report = await runChecks('timeouts', [check], probeOf(app));
    expect(report.results[0]).toMatchObject({ id: mistake.check, status: 'fail', seen: expect.stringMatching(mistake.seen) });
    if (mistake.crashes) {
      expect(await exited(app.child, 2_000)).toBe(true);
      expect(app.output()).toMatch(/ERR_HTTP_HEADERS_SENT/);
      const after = await runChecks('timeouts', checks, probeOf(app));
      for (const result of after.results) expect(result).toMatchObject({ status: 'error', hint: RUN_HINT });
    }
  }, 20_000);
});
