// The classic mistakes of lab 3, each a small server that makes exactly one of them, fed to lab 3's
// checks: the check for that mistake must fail and say what it saw.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import checks from '../../labs/03-timers/checks.ts';
import type { CheckResult } from '../../server/contracts/check.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { startScript, stopAll } from '../helpers/lab-apps.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

afterAll(stopAll);

async function checkFixture(mistake: string, checkId: string): Promise<CheckResult> {
  const app = await startScript(fixtures, `lab-timers/${mistake}.ts`);
  const report = await runChecks('timers', checks.filter((c) => c.id === checkId), createTcpProbe('127.0.0.1', app.port));
  return report.results[0]!;
}

describe.concurrent('lab 3 checks catch the classic mistakes', () => {
  it('a wait that blocks the event loop', async () => {
    expect(await checkFixture('blocking-recheck', 'waits-run-concurrently')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^requests were served one after another: 3 waits of 1 s took 3\.\d s;/),
    });
  }, 15_000);

  it('a poll that never times out', async () => {
    expect(await checkFixture('never-times-out', 'poll-times-out-204')).toMatchObject({
      status: 'fail',
      expected: expect.stringMatching(/^204 No Content once the 1 s timeout is over/),
      seen: expect.stringMatching(/^no answer within \d+ ms$/),
    });
  }, 15_000);

  it('a timer left running after the response: an interval never cleared', async () => {
    expect(await checkFixture('interval-left-running', 'timers-stop-after-answer')).toMatchObject({
      status: 'fail',
      expected: expect.stringMatching(/answered with 204$/),
      seen: expect.stringMatching(/^timers 1, \d+ ms after that answer: a timer is still running$/),
    });
  }, 15_000);

  it('a timer left running after the response: a deadline not cleared when news came first', async () => {
    expect(await checkFixture('deadline-left-booked', 'timers-stop-after-answer')).toMatchObject({
      status: 'fail',
      expected: expect.stringMatching(/answered with news$/),
      seen: expect.stringMatching(/^timers 1, \d+ ms after that answer, long before the 2 s timeout: a timer is still running$/),
    });
  }, 15_000);
});
