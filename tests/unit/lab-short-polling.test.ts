// The author's contract for lab 1, against real processes: the starter fails a check for a real
// reason, the solution passes them all, and the poller's numbers add up. Each app runs from a copy of
// its folder in a temporary directory, as in a learner's workspace (no package.json around it).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/01-short-polling/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { RUN_HINT, runChecks } from '../../server/checks/run-checks.ts';
import { runTool, startLabApp, stopAll, type RunningApp } from '../helpers/lab-apps.ts';
import { freePort } from '../helpers/ports.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '01-short-polling');
const runPoller = (app: RunningApp, args: string[]) => runTool(app, 'poller.ts', args);

function row(output: string, label: string): string {
  const match = new RegExp(`^${label}\\s+(.+)$`, 'm').exec(output);
  if (!match) throw new Error(`no "${label}" row in:\n${output}`);
  return match[1]!;
}
const num = (output: string, label: string) => Number.parseFloat(row(output, label));

let starter: RunningApp;
let solution: RunningApp;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startLabApp(labDir, 'starter'), startLabApp(labDir, 'solution')]);
}, 30_000);

afterAll(stopAll);

describe('lab 1 checks against the real apps', () => {
  it('the solution passes every check', async () => {
    const report = await runChecks('short-polling', checks, createTcpProbe('127.0.0.1', solution.port));
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.passed).toBe(checks.length);
  });

  it('the starter fails the cursor checks, and only by behaving wrongly', async () => {
    const report = await runChecks('short-polling', checks, createTcpProbe('127.0.0.1', starter.port));
    const byId = new Map(report.results.map((r) => [r.id, r]));
    expect(report.results.filter((r) => r.status === 'error')).toEqual([]);
    expect(byId.get('poll-newer-only')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^200 OK with \d+ messages \(ids 1, /) });
    const noContent = byId.get('poll-nothing-new-204')!;
    expect(noContent.status).toBe('fail');
    expect(noContent.expected).toMatch(/^204 No Content with an empty body when nothing is newer than since=\d+$/);
    expect(noContent.seen).toMatch(/^200 OK with \d+ messages/);
    expect(byId.get('publish-numbers-messages')!.status).toBe('pass');
    expect(report.passed).toBeLessThan(report.total);
  });
});

describe('lab 1 checks catch an off-by-one cursor', () => {
  it.each([
    ['a filter with >=', { find: 'const newer = messages.slice(since);', replace: 'const newer = messages.filter((m) => m.id >= since);' }],
    ['slice(since - 1)', { find: 'const newer = messages.slice(since);', replace: 'const newer = messages.slice(Math.max(0, since - 1));' }],
  ])('%s: both cursor checks fail and name the repeated message', async (_name, edit) => {
    const app = await startLabApp(labDir, 'solution', [edit]);
    const report = await runChecks('short-polling', checks, createTcpProbe('127.0.0.1', app.port));
    const byId = new Map(report.results.map((r) => [r.id, r]));
    for (const id of ['poll-newer-only', 'poll-nothing-new-204']) {
      expect(byId.get(id)).toMatchObject({ status: 'fail', hint: expect.stringMatching(/^The answer repeats message \d+, which a client at since=\d+ already has: keep ids greater than since/) });
    }
    expect(report.passed).toBe(checks.length - 2);
  }, 20_000);

  it('the starter, which sends the whole history, keeps the plain hint', async () => {
    const report = await runChecks('short-polling', checks, createTcpProbe('127.0.0.1', starter.port));
    expect(report.results.find((r) => r.id === 'poll-newer-only')?.hint).toBe(checks.find((c) => c.id === 'poll-newer-only')?.hint);
  });
});

describe('poller.ts, the lesson experiment', () => {
  it('measures about interval-ratio requests per message against the solution', async () => {
    const { code, output } = await runPoller(solution, ['--clients', '2', '--interval', '200', '--publish-every', '1000', '--duration', '3']);
    expect(code, output).toBe(0);
    // 3 s at one poll per 200 ms is 15 polls per client; publishes land at 0.5, 1.5 and 2.5 s.
    expect(num(output, 'requests')).toBeGreaterThanOrEqual(24);
    expect(num(output, 'requests')).toBeLessThanOrEqual(32);
    expect(num(output, 'messages published')).toBe(3);
    expect(num(output, 'messages delivered')).toBe(6);
    expect(num(output, 'requests per delivered message')).toBeGreaterThanOrEqual(4);
    expect(num(output, 'requests per delivered message')).toBeLessThanOrEqual(5.5);
    expect(Number.parseInt(row(output, 'answers with nothing new').split('(')[1]!)).toBeGreaterThanOrEqual(70);
    const p50 = num(output, 'delivery delay p50');
    expect(p50).toBeGreaterThanOrEqual(0);
    expect(p50).toBeLessThan(300);
    expect(num(output, 'delivery delay p99')).toBeLessThan(600);
    expect(num(output, 'old messages sent again')).toBe(0);
    expect(num(output, 'errors')).toBe(0);
  }, 20_000);

  it('shows the starter re-sending old messages', async () => {
    const { code, output } = await runPoller(starter, ['--clients', '2', '--interval', '200', '--publish-every', '1000', '--duration', '2']);
    expect(code, output).toBe(0);
    expect(num(output, 'messages delivered')).toBe(4);
    expect(num(output, 'old messages sent again')).toBeGreaterThan(10);
  }, 20_000);

  it('says so when no app is running', async () => {
    const { code, output } = await runPoller({ ...solution, port: await freePort() }, ['--duration', '1']);
    expect(code).toBe(1);
    expect(output).toMatch(/could not reach the app at http:\/\/127\.0\.0\.1:\d+: is it running\?/);
  }, 20_000);
});

describe('a stopped app', () => {
  it('makes every check say to press Run', async () => {
    const exited = new Promise((resolve) => starter.child.once('exit', resolve));
    starter.child.kill('SIGTERM');
    await exited;
    const report = await runChecks('short-polling', checks, createTcpProbe('127.0.0.1', starter.port));
    expect(report.passed).toBe(0);
    for (const result of report.results) expect(result).toMatchObject({ status: 'error', hint: RUN_HINT });
  });
});
