// Each classic mistake of lab 8, fed to its checks: events buffered by nginx, a WebSocket upgrade
// nginx does not pass on, a stream that ignores Last-Event-ID, one without heartbeats, one that starts a
// message early and one that ends after its backlog.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import checks from '../../labs/08-beyond-comet/checks.ts';
import type { CheckResult } from '../../server/contracts/check.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { startScript, stopAll } from '../helpers/lab-apps.ts';
import { bufferedEvents, endsAfterBacklog, ignoresLastEventId, noHeartbeat, noUpgradeHeaders, startsOneEarly, type Lab8Files } from '../fixtures/lab-beyond-comet/mistakes.ts';
import { labCopy, startNginx, stopServices } from '../fixtures/lab-scaling-out/services.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '08-beyond-comet');

afterAll(async () => {
  await stopServices();
  await stopAll();
});

/**
 * The solution with one mistake made, behind nginx, judged by the check `id`; `publishFirst` publishes
 * one message before the check, so that its stream starts after a message it must not send again.
 */
async function judge(mistake: (files: Lab8Files) => Lab8Files, id: string, { publishFirst = false } = {}): Promise<CheckResult> {
  const dir = await labCopy(labDir, 'solution');
  const files = mistake({ server: await readFile(join(dir, 'server.ts'), 'utf8'), config: await readFile(join(dir, 'nginx.conf'), 'utf8') });
  await writeFile(join(dir, 'server.ts'), files.server);
  const app = await startScript(dir, 'server.ts');
  const nginx = await startNginx(files.config, { 8999: app.port });
  if (publishFirst) await fetch(`http://127.0.0.1:${app.port}/publish`, { method: 'POST', body: '{"before":"the check"}' });
  const report = await runChecks('beyond-comet', checks.filter((c) => c.id === id), createTcpProbe('127.0.0.1', app.port, nginx.port));
  return report.results[0]!;
}

describe.concurrent('lab 8 checks catch each classic mistake', () => {
  it('an event stream that nginx holds in its buffer', async () => {
    expect(await judge(bufferedEvents, 'nginx-sse-unbuffered')).toMatchObject({
      status: 'fail',
      expected: '200 OK with content-type text/event-stream through nginx on 8888',
      seen: 'no answer within 1000 ms, not even its headers',
      hint: expect.stringMatching(/proxy_buffering off/),
    });
  }, 20_000);

  it('a WebSocket upgrade that nginx does not pass on', async () => {
    expect(await judge(noUpgradeHeaders, 'nginx-websocket')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^426 Upgrade Required with .*Upgrade: websocket/),
      hint: expect.stringMatching(/proxy_set_header Upgrade \$http_upgrade/),
    });
  }, 20_000);

  it('a stream that ignores Last-Event-ID sends old events again', async () => {
    expect(await judge(ignoresLastEventId, 'sse-resumes-from-last-event-id')).toMatchObject({
      status: 'fail',
      expected: expect.stringMatching(/^events 2 and 3 \(after Last-Event-ID: 1\), each once$/),
      seen: 'events with ids 1, 2, 3',
    });
  }, 20_000);

  it('a stream without heartbeats stays silent', async () => {
    expect(await judge(noHeartbeat, 'sse-heartbeat')).toMatchObject({ status: 'fail', seen: 'nothing' });
  }, 20_000);

  // The next two are judged through nginx, whose check must not blame buffering for the app's mistake.
  it('a stream that starts one message early repeats the last one it was asked to skip', async () => {
    expect(await judge(startsOneEarly, 'nginx-sse-unbuffered', { publishFirst: true })).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/: id 1 is not newer than since=1$/),
      hint: expect.stringMatching(/starts after message N/),
    });
  }, 20_000);

  it('a stream ended after its backlog', async () => {
    expect(await judge(endsAfterBacklog, 'nginx-sse-unbuffered')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/, and the response ended$/),
      hint: expect.stringMatching(/never ending it/),
    });
  }, 20_000);
});
