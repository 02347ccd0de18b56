// The author's contract for lab 2, against real processes: the starter's blocking wait fails the
// concurrency checks for that reason, the solution passes every check, and clients.ts tells the two apart.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/02-blocking-sleep/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { runTool, startLabApp, stopAll, type RunningApp } from '../helpers/lab-apps.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '02-blocking-sleep');
let starter: RunningApp;
let solution: RunningApp;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startLabApp(labDir, 'starter'), startLabApp(labDir, 'solution')]);
}, 30_000);

afterAll(stopAll);

describe('lab 2 checks against the real apps', () => {
  it('the solution passes every check and the starter fails the concurrency ones for blocking', async () => {
    const [good, bad] = await Promise.all([
      runChecks('blocking-sleep', checks, createTcpProbe('127.0.0.1', solution.port)),
      runChecks('blocking-sleep', checks, createTcpProbe('127.0.0.1', starter.port)),
    ]);
    expect(good.results.filter((r) => r.status !== 'pass')).toEqual([]);

    const byId = new Map(bad.results.map((r) => [r.id, r]));
    expect(bad.results.filter((r) => r.status === 'error')).toEqual([]);
    expect(byId.get('waits-run-concurrently')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^requests were served one after another: 3 waits of 1 s took 3\.\d s; GET \/stats, sent during them, waited \d+ ms for its answer, so the event loop was blocked$/),
    });
    expect(byId.get('poll-sees-news-from-the-wait')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^204 No Content .*could not get in/) });
    expect(byId.get('poll-waits-then-204')!.status).toBe('pass');
    expect(bad.passed).toBe(bad.total - 2);
  }, 20_000);
});

describe('clients.ts, the lesson experiment', () => {
  it('shows the starter answering the waits one after another, and the solution together', async () => {
    const args = ['--waiters', '3', '--timeout', '0.5'];
    const [blocked, free] = await Promise.all([runTool(starter, 'clients.ts', args), runTool(solution, 'clients.ts', args)]);
    expect(blocked.code, blocked.output).toBe(0);
    expect(free.code, free.output).toBe(0);
    const last = (output: string) => Number(/all 3 waiters answered after (\d+) ms/.exec(output)?.[1]);
    const stall = (output: string) => Number(/slowest answer (\d+) ms/.exec(output)?.[1]);
    expect(last(blocked.output)).toBeGreaterThanOrEqual(1500);
    expect(stall(blocked.output)).toBeGreaterThanOrEqual(400);
    expect(blocked.output).toMatch(/the waits ran one after another/);
    expect(last(free.output)).toBeGreaterThanOrEqual(500);
    expect(last(free.output)).toBeLessThan(1000);
    expect(stall(free.output)).toBeLessThan(400);
    expect(free.output).toMatch(/the waits overlapped/);
    expect(free.output.match(/^waiter \d +204 after \d+ ms$/gm)).toHaveLength(3);
  }, 20_000);

  it('says so when no app is running', async () => {
    const { freePort } = await import('../helpers/ports.ts');
    const { code, output } = await runTool({ ...solution, port: await freePort() }, 'clients.ts', []);
    expect(code).toBe(1);
    expect(output).toMatch(/could not reach the app at http:\/\/127\.0\.0\.1:\d+: is it running\?/);
  });
});
