// The Try it's nginx side and its sentence: reading proxy_read_timeout from a learner's config, the
// config made for a try, and what the page says under the picture.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHAIN_CONFIG_PATH, chainNginxConfig, configWaits, nginxSeconds, readTimeoutsOf } from '../../server/instruments/chain-config.ts';
import { describeTry } from '../../server/instruments/chain-detail.ts';
import { checkRelativePath } from '../../server/workspace/safe-fs.ts';

const labs = join(import.meta.dirname, '..', '..', 'labs');

describe('nginxSeconds', () => {
  it('reads nginx times', () => {
    expect(nginxSeconds('3')).toBe(3);
    expect(nginxSeconds('2s')).toBe(2);
    expect(nginxSeconds('2500ms')).toBe(2.5);
    expect(nginxSeconds('1m30s')).toBe(90);
    expect(nginxSeconds('1h')).toBe(3600);
  });

  it('refuses what nginx would refuse', () => {
    for (const value of ['', 'banana', '2 s', '2.5s', 's', '-1s', '2x', '1m30']) expect(nginxSeconds(value)).toBeNull();
  });
});

describe('readTimeoutsOf and configWaits', () => {
  it('reads the starter\'s 2 s and the solution\'s 6 s, not the ones in comments', async () => {
    const starter = await readFile(join(labs, '06-nginx', 'starter', 'nginx.conf'), 'utf8');
    const solution = await readFile(join(labs, '06-nginx', 'solution', 'nginx.conf'), 'utf8');
    expect(readTimeoutsOf(starter)).toEqual([2]);
    expect(readTimeoutsOf(solution)).toEqual([6]);
    expect(configWaits(starter, 2)).toBe(true);
    expect(configWaits(starter, 3)).toBe(false);
  });

  it('needs every timeout to match, and at least one', () => {
    const two = 'location /a { proxy_read_timeout 3s; } location /b {proxy_read_timeout 3000ms;}';
    expect(readTimeoutsOf(two)).toEqual([3, 3]);
    expect(configWaits(two, 3)).toBe(true);
    expect(configWaits('location /a { proxy_read_timeout 3s; } location /b { proxy_read_timeout 4s; }', 3)).toBe(false);
    expect(configWaits('location / { proxy_pass http://x; } # proxy_read_timeout 3s;', 3)).toBe(false);
    expect(configWaits('location / { proxy_read_timeout banana; }', 3)).toBe(false);
    expect(readTimeoutsOf('my_proxy_read_timeout 3s;')).toEqual([]);
  });
});

describe('chainNginxConfig', () => {
  it('waits the asked time on 8888 for the app on 8999, logging where the lab does, from a hidden path', () => {
    const config = chainNginxConfig(2.5);
    expect(readTimeoutsOf(config)).toEqual([2.5]);
    expect(config).toMatch(/listen 127\.0\.0\.1:8888;/);
    expect(config).toMatch(/proxy_pass http:\/\/127\.0\.0\.1:8999;/);
    expect(config).toMatch(/access_log logs\/access\.log chain;/);
    expect(config).toMatch(/error_log  logs\/error\.log info;/);
    expect(checkRelativePath(CHAIN_CONFIG_PATH)).toBe(CHAIN_CONFIG_PATH);
  });
});

describe('describeTry', () => {
  const body = { clientS: 10, nginxS: 2, appS: 3, messageAtS: null };
  it('names the hop that ended the poll', () => {
    expect(describeTry(body, { outcome: 'gateway-timeout', status: 504, atS: 2.004, nginxLogged: 504 }, null))
      .toBe('nginx stopped waiting for the app after 2 s and answered 504 Gateway Time-out: the app would have answered at 3 s at the earliest. nginx logged 504.');
    expect(describeTry({ ...body, nginxS: null }, { outcome: 'empty', status: 204, atS: 3.01, nginxLogged: null }, null))
      .toMatch(/^The poll went straight to the app; the app's timeout \(3 s\) ended it with 204 after 3\.01 s/);
    expect(describeTry(body, { outcome: 'client-abort', status: null, atS: 10, nginxLogged: 499 }, null)).toMatch(/gave up after 10 s.*nginx logged 499\.$/);
    expect(describeTry(body, { outcome: 'error', status: null, atS: 0, nginxLogged: null }, 'nothing answered on port 8888')).toMatch(/failed: nothing answered on port 8888\.$/);
  });
});
