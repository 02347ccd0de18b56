// Lab 6's experiments, reproduced: nginx's real 504 after its read timeout with the error-log line
// the lesson quotes, the fixed config passing the app's 204, and chain.ts showing 504, 499 and 502
// as a learner triggers them.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lab from '../../labs/06-nginx/lab.ts';
import { defaults, errorLines, parseOptions, verdict } from '../../labs/06-nginx/starter/chain.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { type RunningApp, runTool, startLabApp, stopAll } from '../helpers/lab-apps.ts';
import { type RunningNginx, startNginx, stopAllNginx, stopNginx } from '../fixtures/lab-nginx/nginx-process.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '06-nginx');
const TIMED_OUT_LINE = 'upstream timed out (110: Connection timed out) while reading response header from upstream';
const REFUSED_LINE = 'connect() failed (111: Connection refused) while connecting to upstream';

interface Stack {
  app: RunningApp;
  nginx: RunningNginx;
}

async function startStack(folder: 'starter' | 'solution'): Promise<Stack> {
  const app = await startLabApp(labDir, folder);
  const nginx = await startNginx(await readFile(join(app.dir, 'nginx.conf'), 'utf8'), app.port);
  return { app, nginx };
}

/** chain.ts as the learner runs it, from the app's folder, with the ports and the logs of this nginx. */
function chain(stack: Stack, args: string[] = []) {
  return runTool(stack.app, 'chain.ts', [...args, '--nginx-port', String(stack.nginx.port), '--logs', join(stack.nginx.dir, 'logs')]);
}

async function waitForLog(nginx: RunningNginx, name: 'error' | 'access', text: string): Promise<string> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const log = await nginx.log(name);
    if (log.includes(text) || Date.now() > deadline) return log;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let starter: Stack;
let solution: Stack;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startStack('starter'), startStack('solution')]);
}, 30_000);

afterAll(async () => {
  await stopAllNginx();
  await stopAll();
});

describe('the 504 experiment', () => {
  it('the starter config answers a poll that waits 3 s with nginx\'s 504 after about 2 s, and logs why', async () => {
    const probe = createTcpProbe('127.0.0.1', starter.app.port, starter.nginx.port);
    const res = await probe.request({ port: 8888, path: '/poll?since=0&timeout=3', timeoutMs: 6000 });
    expect(res.status).toBe(504);
    expect(res.body).toContain('<title>504 Gateway Time-out</title>');
    expect(res.ms).toBeGreaterThanOrEqual(lab.timing.starterReadTimeout! - 100);
    expect(res.ms).toBeLessThan(lab.timing.appTimeout!);
    expect(await waitForLog(starter.nginx, 'error', TIMED_OUT_LINE)).toContain(TIMED_OUT_LINE);
  });

  it('the fixed config passes on the app\'s 204 after its whole 3 s wait', async () => {
    const probe = createTcpProbe('127.0.0.1', solution.app.port, solution.nginx.port);
    const res = await probe.request({ port: 8888, path: '/poll?since=0&timeout=3', timeoutMs: 6000 });
    expect(res.status).toBe(204);
    expect(res.ms).toBeGreaterThanOrEqual(lab.timing.appTimeout! - 100);
    expect(await solution.nginx.log('error')).not.toContain('upstream timed out');
  });
});

describe('chain.ts, the timeout chain experiment', () => {
  it('shows nginx giving up before the app with the starter config', async () => {
    const { code, output } = await chain(starter);
    expect(code, output).toBe(0);
    expect(output).toMatch(/straight to the app \(:\d+\) +204 No Content after 3\.\d\d s/);
    expect(output).toMatch(/through nginx \(:\d+\) +504 Gateway Time-out after 2\.\d\d s, body <title>504 Gateway Time-out<\/title>/);
    expect(output).toMatch(/"GET \/poll\?since=\d+&timeout=3 HTTP\/1\.1" 504 .*upstream_status=504/);
    expect(output).toContain(`[error] ${TIMED_OUT_LINE}`);
    expect(output).toMatch(/so: nginx gave up after 2\.\d\d s, while the app answered after 3\.\d\d s/);
  }, 15_000);

  it('shows a client that gives up first as 499 in the access log', async () => {
    const { code, output } = await chain(solution, ['--client-timeout', '1']);
    expect(code, output).toBe(0);
    expect(output).toMatch(/through nginx \(:\d+\) +the client gave up after 1\.\d\d s/);
    expect(output).toMatch(/"GET \/poll\?since=\d+&timeout=3 HTTP\/1\.1" 499 0 /);
    expect(output).toContain('so: the client gave up first');
  }, 15_000);

  it('shows every hop waiting long enough with the fixed config', async () => {
    const { code, output } = await chain(solution);
    expect(code, output).toBe(0);
    expect(output).toMatch(/through nginx \(:\d+\) +204 No Content after 3\.\d\d s/);
    expect(output).toMatch(/" 204 0 .*upstream_status=204/);
    expect(output).toContain('so: every hop waited long enough');
  }, 15_000);

  it('shows nginx\'s 502 and its error-log line when the app is down, then says when nginx is down', async () => {
    const exited = new Promise((resolve) => starter.app.child.once('exit', resolve));
    starter.app.child.kill('SIGTERM');
    await exited;
    const down = await chain(starter);
    expect(down.output).toMatch(/straight to the app \(:\d+\) +no connection \(ECONNREFUSED\)/);
    expect(down.output).toMatch(/through nginx \(:\d+\) +502 Bad Gateway after 0\.\d\d s/);
    expect(down.output).toContain(`[error] ${REFUSED_LINE}`);
    expect(down.output).toContain('so: nginx could not reach the app');

    await stopNginx(starter.nginx.child);
    const none = await chain(starter);
    expect(none.output).toContain('so: nginx is not running on port');
  }, 15_000);
});

describe('chain.ts, its parts', () => {
  it('reads its options, and refuses nonsense', () => {
    expect(parseOptions([])).toEqual(defaults);
    expect(defaults.clientTimeoutS * 1000).toBe(lab.timing.clientTimeout);
    expect(defaults.pollTimeoutS * 1000).toBe(lab.timing.pollTimeout);
    expect(parseOptions(['--client-timeout', '1', '--timeout', '2', '--nginx-port', '9000'])).toMatchObject({ clientTimeoutS: 1, pollTimeoutS: 2, nginxPort: 9000 });
    expect(() => parseOptions(['--client-timeout', 'soon'])).toThrow('--client-timeout must be a number from 0.1 to 120, not soon');
    expect(() => parseOptions(['--port', '0'])).toThrow('--port must be');
  });

  it('cuts nginx error-log lines to level and message, and drops keep-alive noise', () => {
    const log = [
      '2026/11/28 02:45:49 [error] 23281#23281: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1, server: , request: "GET /poll HTTP/1.1"',
      '2026/11/28 02:45:49 [info] 23281#23281: *1 client 127.0.0.1 closed keepalive connection',
      '',
    ].join('\n');
    expect(errorLines(log)).toEqual([`[error] ${TIMED_OUT_LINE}`]);
  });

  it('names the hop that gave up first', () => {
    const answer = (status: number, ms: number) => ({ kind: 'answer' as const, status, reason: '', ms, body: '' });
    expect(verdict(answer(204, 3000), answer(504, 2000), defaults)).toMatch(/^nginx gave up after 2\.00 s, while the app answered after 3\.00 s/);
    expect(verdict(answer(204, 3000), { kind: 'gave-up', ms: 1000 }, defaults)).toMatch(/^the client gave up first, after 1\.00 s: nginx logs 499/);
    expect(verdict({ kind: 'refused', message: 'ECONNREFUSED' }, answer(502, 3), defaults)).toMatch(/^nginx could not reach the app/);
    expect(verdict(answer(204, 3000), { kind: 'refused', message: 'ECONNREFUSED' }, defaults)).toMatch(/^nginx is not running on port 8888/);
    expect(verdict(answer(204, 3000), answer(204, 3001), defaults)).toMatch(/^every hop waited long enough/);
  });
});
