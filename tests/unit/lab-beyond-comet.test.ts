// The author's contract for lab 8, against real processes (the app and nginx on free ports): the
// starter has no streams and fails for that, the solution passes every check.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/08-beyond-comet/checks.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { startLabApp, stopAll, type RunningApp } from '../helpers/lab-apps.ts';
import { startNginx, stopServices, type Service } from '../fixtures/lab-scaling-out/services.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '08-beyond-comet');

interface Stack { app: RunningApp; nginx: Service }

async function startStack(folder: 'starter' | 'solution'): Promise<Stack> {
  const app = await startLabApp(labDir, folder);
  const nginx = await startNginx(await readFile(join(app.dir, 'nginx.conf'), 'utf8'), { 8999: app.port });
  return { app, nginx };
}

const probeOf = (stack: Stack) => createTcpProbe('127.0.0.1', stack.app.port, stack.nginx.port);

let starter: Stack;
let solution: Stack;

beforeAll(async () => {
  [starter, solution] = await Promise.all([startStack('starter'), startStack('solution')]);
}, 30_000);

afterAll(async () => {
  await stopServices();
  await stopAll();
});

describe('lab 8 checks against the real processes', () => {
  it('the solution passes every check; the starter fails for having no streams', async () => {
    const [good, bad] = await Promise.all([
      runChecks('beyond-comet', checks, probeOf(solution)),
      runChecks('beyond-comet', checks, probeOf(starter)),
    ]);
    expect(good.results.filter((r) => r.status !== 'pass')).toEqual([]);
    // Pressed again, with the first run's messages in place, it still passes.
    const again = await runChecks('beyond-comet', checks, probeOf(solution));
    expect(again.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(bad.results.filter((r) => r.status === 'error')).toEqual([]);
    const byId = new Map(bad.results.map((r) => [r.id, r]));
    expect(byId.get('sse-stream')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^501 Not Implemented, content-type application\/json/) });
    expect(byId.get('ws-delivers')).toMatchObject({ status: 'fail', seen: '501 Not Implemented' });
    expect(byId.get('nginx-websocket')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^426 Upgrade Required/) });
    expect(bad.passed).toBe(0);
  }, 30_000);
});
