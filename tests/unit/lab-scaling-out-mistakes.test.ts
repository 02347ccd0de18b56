// Each classic mistake of lab 7, fed to its checks: a feed that keeps messages in memory (the starter
// itself), and nginx configs that each get one thing wrong (ip_hash, round robin, a read timeout below
// the app's wait). Every one must fail the check about it, naming the mistake.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import checks from '../../labs/07-scaling-out/checks.ts';
import type { CheckResult } from '../../server/contracts/check.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { ipHash, roundRobin, shortReadTimeout } from '../fixtures/lab-scaling-out/mistakes.ts';
import { labCopy, startCluster, startNginx, startRedis, stopServices } from '../fixtures/lab-scaling-out/services.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '07-scaling-out');
const solutionConfig = readFile(join(labDir, 'solution', 'nginx.conf'), 'utf8');

afterAll(stopServices);

/**
 * Runs the checks named in `ids` against `server` behind nginx with `config`, on fresh processes;
 * `edit` changes the copied server.ts first, to make one mistake in it.
 */
async function judge(server: 'starter' | 'solution', config: string, ids: string[], edit?: (source: string) => string): Promise<Map<string, CheckResult>> {
  const dir = await labCopy(labDir, server);
  if (edit) await writeFile(join(dir, 'server.ts'), edit(await readFile(join(dir, 'server.ts'), 'utf8')));
  const redis = server === 'solution' ? await startRedis() : undefined;
  const cluster = await startCluster(dir, redis?.port);
  const nginx = await startNginx(config, { 9001: cluster.backends[0]!, 9002: cluster.backends[1]! });
  const report = await runChecks('scaling-out', checks.filter((c) => ids.includes(c.id)), createTcpProbe('127.0.0.1', cluster.port, nginx.port));
  return new Map(report.results.map((r) => [r.id, r]));
}

describe.concurrent('lab 7 checks catch each classic mistake', () => {
  it('messages kept in each process\'s memory (the starter): a publish that reaches only the process it hit', async () => {
    const results = await judge('starter', await solutionConfig, ['publish-reaches-every-backend', 'ids-are-global']);
    expect(results.get('publish-reaches-every-backend')).toMatchObject({
      status: 'fail',
      expected: expect.stringMatching(/^all 4 waiters \(2 on \d+, 2 on \d+\) to get message 1$/),
      seen: expect.stringMatching(/^the publish went to (\d+); .*: a publish that reaches only the process it hit$/),
      hint: expect.stringMatching(/Redis/),
    });
    expect(results.get('ids-are-global')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^ids 1 \(from \d+\), \d \(from \d+\), .*: each process counts on its own$/),
    });
  }, 20_000);

  it('ids read back one too low (list position n taken for message n): no waiter gets the message, and cursors repeat', async () => {
    const offByOne = (source: string) => {
      if (!source.includes('id: since + index + 1')) throw new Error('the solution no longer numbers what it reads as since + index + 1');
      return source.replace('id: since + index + 1', 'id: since + index');
    };
    const results = await judge('solution', await solutionConfig, ['publish-reaches-every-backend', 'cursor-across-backends'], offByOne);
    expect(results.get('publish-reaches-every-backend')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/: no waiter got it, not even on \d+$/),
      hint: expect.stringMatching(/position n holds message n \+ 1/),
    });
    expect(results.get('cursor-across-backends')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/twice/) });
  }, 20_000);

  it('ip_hash: every loopback client lands on one process', async () => {
    const results = await judge('solution', ipHash(await solutionConfig), ['publish-reaches-every-backend', 'held-polls-spread']);
    expect(results.get('publish-reaches-every-backend')).toMatchObject({
      status: 'fail', seen: expect.stringMatching(/^every poll reached \d+$/), hint: expect.stringMatching(/ip_hash/),
    });
    expect(results.get('held-polls-spread')).toMatchObject({ status: 'fail', seen: expect.stringMatching(/^\d+ held (4|0), \d+ held (4|0)$/) });
  }, 20_000);

  it('round robin: held polls pile onto one process when short requests come between them', async () => {
    const results = await judge('solution', roundRobin(await solutionConfig), ['held-polls-spread', 'publish-reaches-every-backend']);
    expect(results.get('held-polls-spread')).toMatchObject({
      status: 'fail', seen: expect.stringMatching(/^\d+ held (4|0), \d+ held (4|0)$/), hint: expect.stringMatching(/least_conn/),
    });
    // Polls sent together still alternate, so the fan-out itself is fine.
    expect(results.get('publish-reaches-every-backend')!.status).toBe('pass');
  }, 20_000);

  it('a read timeout below the app\'s wait: 504 after nginx retried the poll on the other process', async () => {
    const results = await judge('solution', shortReadTimeout(await solutionConfig), ['quiet-poll-ends-in-204']);
    expect(results.get('quiet-poll-ends-in-204')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^504 Gateway Time-out from nginx after 4\.\d s: proxy_read_timeout is not longer than the app's wait$/),
    });
  }, 20_000);
});
