// The checks of lab 3 judge behaviour, not shape: waits written as one cleared setInterval, or as an
// async loop over timers/promises, pass every check.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import checks from '../../labs/03-timers/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { startScript, stopAll } from '../helpers/lab-apps.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

afterAll(stopAll);

describe.concurrent('lab 3 checks pass other correct shapes of the wait', () => {
  it.each(['interval-cleared', 'async-loop'])('%s', async (shape) => {
    const app = await startScript(fixtures, `lab-timers/${shape}.ts`);
    const report = await runChecks('timers', checks, createTcpProbe('127.0.0.1', app.port));
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
  }, 20_000);
});
