// Each classic way to block a wait, fed to lab 2's checks: every one must fail the concurrency check,
// and say that the requests were served one after another.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import checks from '../../labs/02-blocking-sleep/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { startScript, stopAll } from '../helpers/lab-apps.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

afterAll(stopAll);

describe.concurrent('lab 2 checks catch a wait that blocks the event loop', () => {
  it.each(['busy-loop', 'atomics-wait', 'exec-sleep'])('%s', async (mistake) => {
    const app = await startScript(fixtures, `lab-blocking-sleep/${mistake}.ts`);
    const concurrency = checks.filter((c) => c.id === 'waits-run-concurrently');
    const report = await runChecks('blocking-sleep', concurrency, createTcpProbe('127.0.0.1', app.port));
    expect(report.results[0]).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^requests were served one after another: 3 waits of 1 s took 3\.\d s;/),
      hint: expect.stringMatching(/blocks the event loop/),
    });
  }, 15_000);
});
