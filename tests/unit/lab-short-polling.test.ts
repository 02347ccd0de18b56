// The author's contract for lab 1, against real processes: the starter fails a check for a real
// reason, the solution passes them all, and the poller's numbers add up. Each app runs from a copy of
// its folder in a temporary directory, as in a learner's workspace (no package.json around it).
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/01-short-polling/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { RUN_HINT, runChecks } from '../../server/checks/run-checks.ts';
import { freePort } from '../helpers/ports.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '01-short-polling');
const children = new Set<ChildProcess>();
const scratch: string[] = [];

interface Running {
  dir: string;
  port: number;
  child: ChildProcess;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function run(dir: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  return () => text;
}

async function startApp(folder: 'starter' | 'solution'): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), `cometlab-lab1-${folder}-`));
  scratch.push(dir);
  // A solution is the starter with the learner's files replaced: solution/ holds only those.
  await cp(join(labDir, 'starter'), dir, { recursive: true });
  if (folder === 'solution') await cp(join(labDir, 'solution'), dir, { recursive: true, force: true });
  const port = await freePort();
  const child = run(dir, ['server.ts'], { PORT: String(port) });
  const output = collect(child);
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`${folder}/server.ts exited with ${child.exitCode}: ${output()}`);
    if (Date.now() > deadline) throw new Error(`${folder}/server.ts did not listen on ${port} within 10 s: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { dir, port, child };
}

async function runPoller(app: Running, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = run(app.dir, ['poller.ts', ...args, '--port', String(app.port)]);
  const output = collect(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output: output() };
}

function row(output: string, label: string): string {
  const match = new RegExp(`^${label}\\s+(.+)$`, 'm').exec(output);
  if (!match) throw new Error(`no "${label}" row in:\n${output}`);
  return match[1]!;
}
const num = (output: string, label: string) => Number.parseFloat(row(output, label));

let starter: Running;
let solution: Running;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startApp('starter'), startApp('solution')]);
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

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
