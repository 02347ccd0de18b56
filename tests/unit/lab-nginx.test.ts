// The author's contract for lab 6, against real processes: the app and a real nginx with the lab's
// own nginx.conf (ports moved to free ones). The starter fails for real reasons, the solution passes
// every check, and a missing nginx or app is named as such.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/06-nginx/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { type RunningApp, startLabApp, stopAll } from '../helpers/lab-apps.ts';
import { type RunningNginx, startNginx, stopAllNginx, stopNginx } from '../fixtures/lab-nginx/nginx-process.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '06-nginx');

interface Stack {
  app: RunningApp;
  nginx: RunningNginx;
}

/** The app and nginx as a learner has them: the config is the workspace's own nginx.conf. */
async function startStack(folder: 'starter' | 'solution'): Promise<Stack> {
  const app = await startLabApp(labDir, folder);
  const nginx = await startNginx(await readFile(join(app.dir, 'nginx.conf'), 'utf8'), app.port);
  return { app, nginx };
}

const probeOf = (stack: Stack) => createTcpProbe('127.0.0.1', stack.app.port, stack.nginx.port);

let starter: Stack;
let solution: Stack;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startStack('starter'), startStack('solution')]);
}, 30_000);

afterAll(async () => {
  await stopAllNginx();
  await stopAll();
});

describe('lab 6 checks against the app behind a real nginx', () => {
  it('the solution passes every check, and the starter fails on the timeout, the headers and the stream', async () => {
    const [good, bad] = await Promise.all([
      runChecks('nginx', checks, probeOf(solution)),
      runChecks('nginx', checks, probeOf(starter)),
    ]);
    expect(good.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(good.passed).toBe(checks.length);

    const byId = new Map(bad.results.map((r) => [r.id, r]));
    expect(bad.results.filter((r) => r.status === 'error')).toEqual([]);
    expect(byId.get('nginx-reaches-app')!.status).toBe('pass');
    expect(byId.get('publish-wakes-through-nginx')!.status).toBe('pass');
    expect(byId.get('poll-204-through-nginx')).toMatchObject({
      status: 'fail',
      expected: "the app's 204 No Content after its 3 s wait",
      seen: expect.stringMatching(/^504 Gateway Time-out from nginx itself after (19|20|21)\d\d ms: nginx stopped waiting \d+ ms before the app would have answered$/),
      hint: expect.stringContaining('at or below the app\'s 3 s timeout'),
    });
    expect(byId.get('read-timeout-margin')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^504 Gateway Time-out from nginx itself after 2\d\d\d ms: nginx gave up even before the app's own 3 s timeout$/),
    });
    expect(byId.get('proxy-headers')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^Host was "feed", nginx's name for the upstream.*X-Real-IP was 203\.0\.113\.9, which the client claimed itself.*X-Forwarded-Proto \(or X-Scheme\) was null/),
    });
    expect(byId.get('stream-not-buffered')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^X-Accel-Buffering missing/) });
  }, 25_000);
});

describe('a missing nginx or app', () => {
  it('without the app, nginx answers 502 and the check says to start the app', async () => {
    const exited = new Promise((resolve) => starter.app.child.once('exit', resolve));
    starter.app.child.kill('SIGTERM');
    await exited;
    const report = await runChecks('nginx', checks.filter((c) => c.id === 'nginx-reaches-app'), probeOf(starter), { reachability: false });
    expect(report.results[0]).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^502 Bad Gateway from nginx itself after \d+ ms: nginx runs but could not connect to the app$/),
      hint: expect.stringContaining('Start the app'),
    });
  });

  it('without nginx, the checks through it fail and say how to start it', async () => {
    await stopNginx(solution.nginx.child);
    const report = await runChecks('nginx', checks, probeOf(solution));
    const byId = new Map(report.results.map((r) => [r.id, r]));
    for (const id of ['nginx-reaches-app', 'poll-204-through-nginx', 'proxy-headers']) {
      expect(byId.get(id)).toMatchObject({
        status: 'fail',
        expected: 'nginx to answer on port 8888',
        seen: expect.stringMatching(/^nothing answered on port 8888, so nginx is not running/),
        hint: "Start nginx in a second terminal: `mkdir -p logs tmp && /usr/sbin/nginx -p ~/nginx -c nginx.conf -g 'daemon off;'`",
      });
    }
    expect(byId.get('stream-not-buffered')!.status).toBe('pass');
  });
});
