// The author's contract for lab 7, against real processes (cluster.ts with two server.ts, nginx and
// redis-server on free ports): the starter loses a publish made on the other process, the solution
// passes every check, and fanout.ts shows the difference.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import checks from '../../labs/07-scaling-out/checks.ts';
import lab from '../../labs/07-scaling-out/lab.ts';
import { defaults as fanoutDefaults } from '../../labs/07-scaling-out/starter/fanout.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import {
  labCopy, runNode, startCluster, startNginx, startRedis, stopServices, type Cluster, type Service,
} from '../fixtures/lab-scaling-out/services.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '07-scaling-out');

interface Stack { dir: string; cluster: Cluster; nginx: Service }

/** The lab as a learner runs it: the cluster from `folder`, behind nginx with that folder's nginx.conf. */
async function startStack(folder: 'starter' | 'solution'): Promise<Stack> {
  const dir = await labCopy(labDir, folder);
  const redis = folder === 'solution' ? await startRedis() : undefined;
  const cluster = await startCluster(dir, redis?.port);
  const nginx = await startNginx(await readFile(join(dir, 'nginx.conf'), 'utf8'), { 9001: cluster.backends[0]!, 9002: cluster.backends[1]! });
  return { dir, cluster, nginx };
}

const probeOf = (stack: Stack) => createTcpProbe('127.0.0.1', stack.cluster.port, stack.nginx.port);
const fanout = (stack: Stack, ...args: string[]) =>
  runNode(stack.dir, ['fanout.ts', '--port', String(stack.nginx.port), '--cluster-port', String(stack.cluster.port), ...args]);

let starter: Stack;
let solution: Stack;
// Each group starts on fresh clusters: what one publishes must not change what the other sees.
const freshStacks = async () => {
  [starter, solution] = await Promise.all([startStack('starter'), startStack('solution')]);
};

afterAll(stopServices);

describe('fanout.ts, the lesson experiment', () => {
  // Each experiment on fresh clusters, as in the lesson: once the starter's processes disagree on the
  // last id, a poll with the other's cursor is refused.
  beforeEach(freshStacks, 30_000);
  afterEach(stopServices);

  it('shows the starter losing the publish on the other process, and the solution delivering it everywhere', async () => {
    const [lost, shared] = await Promise.all([fanout(starter), fanout(solution)]);
    expect(lost.code, lost.output).toBe(0);
    expect(shared.code, shared.output).toBe(0);
    expect(lost.output).toMatch(/^4 waiters: 2 on \d+, 2 on \d+; 2 got the message, 2 missed it$/m);
    expect(lost.output.match(/204, missed message 1 after \d+ ms$/gm)).toHaveLength(2);
    expect(shared.output).toMatch(/^4 waiters: 2 on \d+, 2 on \d+; 4 got the message, 0 missed it$/m);
  }, 15_000);

  it('with --short-between, round robin piles the held polls onto one process and least_conn does not', async () => {
    const [piled, spread] = await Promise.all([fanout(starter, '--short-between'), fanout(solution, '--short-between')]);
    expect(piled.output, piled.output).toMatch(/^4 waiters: 4 on \d+;/m);
    expect(spread.output, spread.output).toMatch(/^4 waiters: 2 on \d+, 2 on \d+; 4 got the message/m);
  }, 15_000);
});

describe('fanout.ts on bad input', () => {
  it('waits as long as lab.ts says, the number the lesson and the checks use', async () => {
    expect(fanoutDefaults.waitS * 1000).toBe(lab.timing.checkWait);
    const lesson = await readFile(join(labDir, 'lesson.mdx'), 'utf8');
    expect(lesson).toContain(`proxy_read_timeout ${lab.timing.readTimeout! / 1000}s;`);
    expect(lesson).toContain(`504 after ${(lab.timing.retried504! / 1000).toFixed(1)}`);
  });

  it('says so when nginx is not there', async () => {
    const { freePort } = await import('../helpers/ports.ts');
    const { code, output } = await runNode(await labCopy(labDir, 'solution'), ['fanout.ts', '--port', String(await freePort())]);
    expect(code).toBe(1);
    expect(output).toMatch(/could not reach nginx at http:\/\/127\.0\.0\.1:\d+ .*: is it running\?/);
  });

  it('refuses options it does not understand', async () => {
    const { code, output } = await runNode(await labCopy(labDir, 'solution'), ['fanout.ts', '--waiters', 'many']);
    expect(code).toBe(1);
    expect(output).toMatch(/--waiters must be a number/);
  });
});

describe('lab 7 checks against the real processes', () => {
  beforeAll(freshStacks, 30_000);

  it('the solution passes every check; the starter fails for losing the publish on the other process', async () => {
    const [good, bad] = await Promise.all([
      runChecks('scaling-out', checks, probeOf(solution)),
      runChecks('scaling-out', checks, probeOf(starter)),
    ]);
    expect(good.results.filter((r) => r.status !== 'pass')).toEqual([]);
    // Pressed again, with the first run's messages in place, it still passes.
    const again = await runChecks('scaling-out', checks, probeOf(solution));
    expect(again.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(bad.results.filter((r) => r.status === 'error')).toEqual([]);
    const byId = new Map(bad.results.map((r) => [r.id, r]));
    expect(byId.get('publish-reaches-every-backend')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^the publish went to \d+; .*204 No Content.*: a publish that reaches only the process it hit$/),
    });
    expect(byId.get('ids-are-global')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/each process counts on its own$/) });
    expect(bad.passed).toBeLessThan(bad.total);
  }, 30_000);

  it('cluster.ts lists both processes on its own port and points elsewhere for the feed', async () => {
    const probe = probeOf(solution);
    const listed = JSON.parse((await probe.request({ path: '/backends' })).body) as { backends: { port: number; pid: number }[] };
    expect(listed.backends.map((b) => b.port)).toEqual(solution.cluster.backends);
    expect((await probe.request({ path: '/' })).body).toMatch(/The feed is behind nginx/);
  });
});
