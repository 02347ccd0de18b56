// Each classic way to block a wait, fed to lab 2's checks: every one must fail the concurrency check,
// and say that the requests were served one after another. And the other classic slip: a sleep()
// that returns a Promise nobody awaits, so the poll does not wait at all.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import checks from '../../labs/02-blocking-sleep/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { startLabApp, startScript, stopAll } from '../helpers/lab-apps.ts';

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
      hint: expect.stringMatching(/block the event loop/),
    });
  }, 15_000);
});

describe('lab 2 checks catch a sleep() that is not awaited', () => {
  it('says the poll did not wait and points to await', async () => {
    const app = await startLabApp('02-blocking-sleep', 'solution', [{ find: 'await sleep(timeout * 1000);', replace: 'sleep(timeout * 1000);' }]);
    const report = await runChecks('blocking-sleep', checks, createTcpProbe('127.0.0.1', app.port));
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect(byId.get('poll-sees-news-from-the-wait')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^204 No Content with an empty body after \d+ ms, before the publish: the poll did not wait$/),
      hint: expect.stringMatching(/^The poll did not wait: write `await sleep\(timeout \* 1000\);`/),
    });
    expect(byId.get('poll-waits-then-204')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/A 204 at once means handlePoll does not `await` sleep\(\)/) });
    expect(byId.get('waits-run-concurrently')).toMatchObject({ status: 'fail', hint: expect.stringMatching(/`await` it in handlePoll/) });
  }, 15_000);
});
