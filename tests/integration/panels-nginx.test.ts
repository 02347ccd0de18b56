// The timeout chain's Try it and the nginx panel against lab 6's starter in a real sandbox, through the
// real playground process: nginx shorter than the app gives a 504 and its error-log line, longer gives
// the app's 204; a broken config is refused with its line; the logs are tailed live; a log the learner
// turned into a symlink is not read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { chainResultSchema, nginxLogAnswerSchema, nginxPanelSchema, nginxReloadAnswerSchema } from '../../server/contracts/instruments.ts';
import { startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { until } from '../helpers/until.ts';
import { openInstruments, type InstrumentsChannel } from '../helpers/instruments-client.ts';

const LAB = 'nginx';
const starterConfig = readFile(join(import.meta.dirname, '..', '..', 'labs', '06-nginx', 'starter', 'nginx.conf'), 'utf8');
let playground: RunningPlayground;
let channel: InstrumentsChannel;

const api = (path: string, init?: RequestInit) => fetch(`${playground.url}/api/labs/${LAB}${path}`, init);
const send = (method: string, path: string, body: unknown) =>
  api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const tryChain = async (body: unknown) => {
  const answer = await send('POST', '/instruments/chain', body);
  expect(answer.status).toBe(200);
  return chainResultSchema.parse(await answer.json());
};
const panel = async () => nginxPanelSchema.parse(await (await api('/instruments/nginx')).json());

/** The lab folder on the host, where the learner's terminal writes. */
async function labFolder(): Promise<string> {
  const learners = join(playground.dataDir, 'learners');
  const [id] = await readdir(learners);
  return join(learners, id!, 'home', LAB);
}

beforeAll(async () => {
  playground = await startPlaygroundProcess();
  channel = await openInstruments(playground.url, LAB);
});

afterAll(async () => {
  channel?.ws.close();
  await playground?.stop();
});

describe('the timeout chain: Try it', () => {
  it('refuses bodies out of range or incomplete, with a clear message', async () => {
    const tooShort = await send('POST', '/instruments/chain', { clientS: 0.1, nginxS: 2, appS: 1, messageAtS: null });
    expect(tooShort.status).toBe(400);
    expect(((await tooShort.json()) as { error: { message: string } }).error.message).toMatch(/clientS/);
    expect((await send('POST', '/instruments/chain', { clientS: 5, nginxS: 2, appS: 1 })).status).toBe(400);
    expect((await send('POST', '/instruments/chain', { clientS: 5, nginxS: 2, appS: 1, messageAtS: null, x: 1 })).status).toBe(400);
  });

  it('with nginx shorter than the app: 504 from nginx, logged, with its error-log line', async () => {
    // The panel's GET starts the live tail of the logs for this page.
    expect((await panel()).state).toBe('stopped');
    const result = await tryChain({ clientS: 8, nginxS: 1, appS: 2.5, messageAtS: null });
    expect(result).toMatchObject({ outcome: 'gateway-timeout', status: 504, nginxLogged: 504 });
    expect(result.atS).toBeGreaterThanOrEqual(0.9);
    expect(result.atS).toBeLessThan(2.4);
    expect(result.errorLog.some((line) => /upstream timed out .* while reading response header from upstream/.test(line))).toBe(true);
    expect(result.exchange).toMatchObject({ source: 'chain', port: 8888, status: 504, outcome: 'gateway-timeout' });
    // The learner's nginx was not running before: it is not left running after.
    expect((await panel()).state).not.toBe('running');
    const tailed = await until('the access log line on the socket', () => channel.messages.find((m) =>
      m.type === 'nginx-log' && m.log === 'access' && m.access.some((entry) => entry.status === 504 && entry.upstreamStatus === '504')));
    expect(tailed.type === 'nginx-log' && tailed.access.find((entry) => entry.status === 504)!.requestTimeS).toBeGreaterThan(0.9);
  });

  it('with nginx longer than the app: the app\'s 204 comes through', async () => {
    const result = await tryChain({ clientS: 8, nginxS: 3, appS: 1, messageAtS: null });
    expect(result).toMatchObject({ outcome: 'empty', status: 204, nginxLogged: 204, errorLog: [] });
    expect(result.atS).toBeGreaterThanOrEqual(0.9);
  });

  it('delivers a message published during the wait, and the client gives up first when it is shortest', async () => {
    const data = await tryChain({ clientS: 8, nginxS: null, appS: 2.5, messageAtS: 0.5 });
    expect(data).toMatchObject({ outcome: 'data', status: 200, nginxLogged: null });
    expect(data.atS).toBeLessThan(2);
    const abort = await tryChain({ clientS: 0.8, nginxS: 3, appS: 2, messageAtS: null });
    expect(abort).toMatchObject({ outcome: 'client-abort', status: null, nginxLogged: 499 });
  });

  it('runs one try at a time per learner', async () => {
    const body = { clientS: 8, nginxS: null, appS: 1, messageAtS: null };
    const [first, second] = await Promise.all([send('POST', '/instruments/chain', body), send('POST', '/instruments/chain', body)]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
  });

  it('uses the learner\'s running nginx when its config already waits that long, and leaves it running', async () => {
    expect(nginxReloadAnswerSchema.parse(await (await api('/instruments/nginx/reload', { method: 'POST' })).json()).ok).toBe(true);
    const result = await tryChain({ clientS: 8, nginxS: 2, appS: 3, messageAtS: null });
    expect(result).toMatchObject({ outcome: 'gateway-timeout', status: 504, nginxLogged: 504 });
    expect(result.atS).toBeGreaterThanOrEqual(1.9);
    expect((await panel()).state).toBe('running');
  });
});

describe('the nginx panel', () => {
  it('shows the config nginx runs with beside the lab\'s default', async () => {
    const shown = await panel();
    expect(shown.configPath).toBe('nginx.conf');
    expect(shown.defaultConfig).toBe(await starterConfig);
    expect(shown.config).toBe(await starterConfig);
  });

  it('answers a broken config with nginx -t\'s error on its line, and keeps the running nginx', async () => {
    const broken = (await starterConfig).replace('proxy_read_timeout 2s;', 'proxy_read_timeout banana;');
    const line = broken.split('\n').findIndex((text) => text.includes('banana')) + 1;
    expect((await send('PUT', '/files/nginx.conf', { content: broken })).status).toBe(200);
    const answer = nginxReloadAnswerSchema.parse(await (await api('/instruments/nginx/reload', { method: 'POST' })).json());
    expect(answer.ok).toBe(false);
    expect(answer.errors).toContainEqual({ line, message: '"proxy_read_timeout" directive invalid value' });
    expect((await panel()).state).toBe('running');
    expect((await send('PUT', '/files/nginx.conf', { content: await starterConfig })).status).toBe(200);
    expect(nginxReloadAnswerSchema.parse(await (await api('/instruments/nginx/reload', { method: 'POST' })).json())).toMatchObject({ ok: true, errors: [] });
  });

  it('gives the last lines of a log, and refuses bad queries', async () => {
    const access = nginxLogAnswerSchema.parse(await (await api('/instruments/nginx/log?log=access&lines=3')).json());
    expect(access.lines).toHaveLength(3);
    expect(access.access.map((entry) => entry.status)).toContain(504);
    expect((await api('/instruments/nginx/log?log=secrets')).status).toBe(400);
    expect((await api('/instruments/nginx/log?log=error&lines=0')).status).toBe(400);
    expect((await api('/instruments/nginx/log?log=error&lines=5&x=1')).status).toBe(400);
  });

  it('refuses a log the learner replaced by a symlink', async () => {
    const errorLog = join(await labFolder(), 'logs', 'error.log');
    await rm(errorLog);
    await symlink('/etc/shadow', errorLog);
    const refused = await api('/instruments/nginx/log?log=error&lines=5');
    expect(refused.status).toBe(403);
    const text = await refused.text();
    expect(text).toMatch(/symlink/);
    expect(text).not.toMatch(/root:/);
  });

  it('refuses a config the learner replaced by a symlink, or by a folder', async () => {
    const config = join(await labFolder(), 'nginx.conf');
    await rm(config);
    await symlink('/etc/shadow', config);
    // The workspace store, which opens the lab first, may be the one that refuses: either way, nothing is read.
    const refused = await api('/instruments/nginx');
    expect([400, 403]).toContain(refused.status);
    expect(await refused.text()).toMatch(/outside the workspace|symlink/);
    await rm(config);
    await mkdir(config);
    const folder = await api('/instruments/nginx');
    expect([400, 403]).toContain(folder.status);
    expect(await folder.text()).toMatch(/not a (regular )?file/);
  });

  it('is only there for labs with nginx', async () => {
    expect((await fetch(`${playground.url}/api/labs/comet/instruments/nginx`)).status).toBe(404);
  });
});
