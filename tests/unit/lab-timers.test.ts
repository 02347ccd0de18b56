// The author's contract for lab 3, against real processes: the starter (which looks only once) fails
// the waiting checks for that reason, the solution passes every check, and waiters.ts measures the
// delay and the lookups the lesson quotes.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/03-timers/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { runTool, startLabApp, stopAll, type RunningApp } from '../helpers/lab-apps.ts';
import { freePort } from '../helpers/ports.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '03-timers');
let starter: RunningApp;
let solution: RunningApp;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startLabApp(labDir, 'starter'), startLabApp(labDir, 'solution')]);
}, 30_000);

afterAll(stopAll);

function row(output: string, label: string): number {
  const match = new RegExp(`^${label}\\s+([\\d.]+)`, 'm').exec(output);
  if (!match) throw new Error(`no "${label}" row in:\n${output}`);
  return Number(match[1]);
}

describe('lab 3 checks against the real apps', () => {
  it('the solution passes every check, the starter (one look, then 204) fails the waiting ones', async () => {
    const [good, bad] = await Promise.all([
      runChecks('timers', checks, createTcpProbe('127.0.0.1', solution.port)),
      runChecks('timers', checks, createTcpProbe('127.0.0.1', starter.port)),
    ]);
    expect(good.results.filter((r) => r.status !== 'pass')).toEqual([]);

    const byId = new Map(bad.results.map((r) => [r.id, r]));
    expect(bad.results.filter((r) => r.status === 'error')).toEqual([]);
    expect(byId.get('poll-times-out-204')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^204 No Content with an empty body after \d+ ms$/) });
    expect(byId.get('publish-during-wait-delivered')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^204 No Content/) });
    expect(byId.get('stats-counts-waiters')).toMatchObject({ status: 'fail', seen: 'waiters 0' });
    expect(byId.get('waits-run-concurrently')!.status).toBe('fail');
    expect(byId.get('poll-news-at-once')!.status).toBe('pass');
  }, 20_000);
});

describe('waiters.ts, the lesson experiment', () => {
  it('measures deliveries within one re-check and about two lookups per waiter per second', async () => {
    const { code, output } = await runTool(solution, 'waiters.ts', ['--waiters', '4', '--timeout', '5', '--publish-every', '700', '--duration', '4']);
    expect(code, output).toBe(0);
    const published = row(output, 'messages published');
    expect(published).toBeGreaterThanOrEqual(3);
    // A message published in the run's last moments may still be on its way when the clients stop.
    expect(row(output, 'messages delivered')).toBeGreaterThanOrEqual((published - 1) * 4);
    expect(row(output, 'messages delivered')).toBeLessThanOrEqual(published * 4);
    expect(row(output, 'delivery delay max')).toBeLessThan(900);
    expect(row(output, 'delivery delay average')).toBeLessThan(600);
    // Two looks a second while waiting, plus the first look of each poll.
    expect(row(output, 'lookups per waiter per second')).toBeGreaterThanOrEqual(1.5);
    expect(row(output, 'lookups per waiter per second')).toBeLessThan(5);
    expect(row(output, 'errors')).toBe(0);
  }, 20_000);

  it('counts 204s at the timeout when nothing is published', async () => {
    const { code, output } = await runTool(solution, 'waiters.ts', ['--waiters', '1', '--timeout', '1', '--publish-every', '0', '--duration', '2.5']);
    expect(code, output).toBe(0);
    expect(row(output, '  204 at the timeout')).toBe(2);
    expect(row(output, 'messages delivered')).toBe(0);
    expect(output).toMatch(/^delivery delay average\s+n\/a$/m);
  }, 20_000);

  it('says so when no app is running', async () => {
    const { code, output } = await runTool({ ...solution, port: await freePort() }, 'waiters.ts', ['--duration', '1']);
    expect(code).toBe(1);
    expect(output).toMatch(/could not reach the app at http:\/\/127\.0\.0\.1:\d+: is it running\?/);
  });
});
