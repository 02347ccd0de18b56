// Lab 6's classic mistakes, each made on the solution's nginx.conf in front of the solution's app, fed
// to the checks: the check for that mistake fails and names it, and the checks it does not concern pass.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import checks from '../../labs/06-nginx/checks.ts';
import type { CheckReport } from '../../server/contracts/check.ts';
import { createTcpProbe } from '../../server/checks/http-probe.ts';
import { runChecks } from '../../server/checks/run-checks.ts';
import { startLabApp, stopAll } from '../helpers/lab-apps.ts';
import { noProxyHeaders, readTimeoutBelowApp, readTimeoutEqualToApp } from '../fixtures/lab-nginx/mistakes.ts';
import { startNginx, stopAllNginx } from '../fixtures/lab-nginx/nginx-process.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '06-nginx');

const reports = new Map<string, CheckReport>();

/** The solution's app behind the solution's config with one mistake made. Each gets its own app, so
 * one run's publishes cannot answer another run's polls. */
async function checkWith(mistake: (config: string) => string): Promise<CheckReport> {
  const app = await startLabApp(labDir, 'solution');
  const config = mistake(await readFile(join(app.dir, 'nginx.conf'), 'utf8'));
  const nginx = await startNginx(config, app.port);
  return runChecks('nginx', checks, createTcpProbe('127.0.0.1', app.port, nginx.port));
}

function result(mistake: string, id: string) {
  const found = reports.get(mistake)?.results.find((r) => r.id === id);
  if (!found) throw new Error(`no result for ${id} with ${mistake}`);
  return found;
}

function passedExcept(mistake: string, ...ids: string[]): string[] {
  return reports.get(mistake)!.results.filter((r) => !ids.includes(r.id) && r.status !== 'pass').map((r) => `${r.id}: ${r.seen}`);
}

beforeAll(async () => {
  const mistakes = { readTimeoutEqualToApp, readTimeoutBelowApp, noProxyHeaders };
  // All checked at the same time, each mistake with its own nginx and app.
  await Promise.all(Object.entries(mistakes).map(async ([name, mistake]) => reports.set(name, await checkWith(mistake))));
}, 28_000);

afterAll(async () => {
  await stopAllNginx();
  await stopAll();
});

describe('an nginx read timeout at or below the app timeout', () => {
  it('equal to the app\'s 3 s: no room for a late answer, and the margin check says so', () => {
    expect(result('readTimeoutEqualToApp', 'read-timeout-margin')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^504 Gateway Time-out from nginx itself after (29|30|31)\d\d ms: a proxy_read_timeout that equals the app's 3 s timeout/),
      hint: expect.stringContaining('Leave at least 2 s between the app\'s 3 s timeout and `proxy_read_timeout`'),
    });
    // Whether nginx or the app wins the race at 3 s is up to the scheduler; the poll check may go either way.
    expect(passedExcept('readTimeoutEqualToApp', 'read-timeout-margin', 'poll-204-through-nginx')).toEqual([]);
  });

  it('below the app\'s 3 s: the poll gets nginx\'s 504, and the check names the classic mistake', () => {
    expect(result('readTimeoutBelowApp', 'poll-204-through-nginx')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/^504 Gateway Time-out from nginx itself after 1[4-9]\d\d ms: nginx stopped waiting \d+ ms before the app would have answered$/),
      hint: expect.stringContaining('`proxy_read_timeout` is at or below the app\'s 3 s timeout, the classic mistake'),
    });
    expect(result('readTimeoutBelowApp', 'read-timeout-margin')).toMatchObject({
      status: 'fail',
      seen: expect.stringMatching(/: nginx gave up even before the app's own 3 s timeout$/),
    });
    expect(passedExcept('readTimeoutBelowApp', 'read-timeout-margin', 'poll-204-through-nginx')).toEqual([]);
  });
});

describe('the classic config without its proxy headers', () => {
  it('fails only the headers check, naming each header the app did not get', () => {
    const headers = result('noProxyHeaders', 'proxy-headers');
    expect(headers.status).toBe('fail');
    expect(headers.seen).toContain('Host was "feed", nginx\'s name for the upstream, not the feed.example the client asked for');
    expect(headers.seen).toContain('X-Real-IP was 203.0.113.9, which the client claimed itself');
    expect(headers.seen).toContain('X-Forwarded-Proto (or X-Scheme) was null');
    expect(passedExcept('noProxyHeaders', 'proxy-headers')).toEqual([]);
  });
});
