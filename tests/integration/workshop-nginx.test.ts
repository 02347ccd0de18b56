// nginx/workshop.conf in front of a real workshop: the real nginx (nginx -p tmpdir) with the shipped
// config, only its ports moved. A student joins, opens a terminal and types through it; a long poll
// outlives nginx's default 60 s read timeout only because the config says so (checked in the config,
// and a poll held 3 s answers 200, not 504); the join limit sees the address nginx forwarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { projectRoot } from '../helpers/playground-process.ts';
import { freePort, waitUntilListening } from '../helpers/ports.ts';
import { openTerminal } from '../helpers/terminal-client.ts';
import { stopNginx } from '../fixtures/lab-nginx/nginx-process.ts';
import { call, instructorHeaders, startWorkshopProcess, type RunningWorkshop } from './workshop-kit.ts';

let workshop: RunningWorkshop;
let nginx: ChildProcess;
let nginxDir: string;
let front: string;
let cookie: string;

beforeAll(async () => {
  workshop = await startWorkshopProcess();
  const upstreamPort = new URL(workshop.url).port;
  const port = await freePort();
  nginxDir = await mkdtemp(joinPath(tmpdir(), 'cometlab-workshop-nginx-'));
  await chmod(nginxDir, 0o755);
  await Promise.all(['logs', 'tmp'].map((sub) => mkdir(joinPath(nginxDir, sub))));
  const shipped = await readFile(joinPath(projectRoot, 'nginx', 'workshop.conf'), 'utf8');
  // Directives only (line starts), never the comments that explain them.
  const listen = /^(\s+)listen 80;$/m;
  const upstream = /^(\s+)server 127\.0\.0\.1:4321;$/m;
  for (const fixed of [listen, upstream]) expect(shipped).toMatch(fixed);
  const site = shipped.replace(listen, `$1listen 127.0.0.1:${port};`).replace(upstream, `$1server 127.0.0.1:${upstreamPort};`);
  await writeFile(joinPath(nginxDir, 'workshop.conf'), site);
  await writeFile(joinPath(nginxDir, 'nginx.conf'), `
pid nginx.pid;
error_log logs/error.log;
events { worker_connections 256; }
http {
  access_log logs/access.log;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
  include workshop.conf;
}
`);
  nginx = spawn('/usr/sbin/nginx', ['-p', nginxDir, '-c', 'nginx.conf', '-g', 'daemon off;'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  nginx.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  await waitUntilListening(port, nginx, () => output, 'nginx');
  front = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  if (nginx) await stopNginx(nginx);
  await workshop?.stop();
  await rm(workshop.dataDir, { recursive: true, force: true });
  if (nginxDir) await rm(nginxDir, { recursive: true, force: true });
});

describe('a workshop behind nginx/workshop.conf', () => {
  it('lets a student join and type in a terminal through nginx', async () => {
    const joined = await fetch(`${front}/api/workshop/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: front },
      body: JSON.stringify({ name: 'Nia', code: workshop.code }),
    });
    expect(joined.status).toBe(200);
    cookie = joined.headers.get('set-cookie')!.split(';')[0]!;
    const terminal = await openTerminal(front, 'short-polling', { cookie, origin: front });
    await terminal.waitFor(/\$ $/m, { timeoutMs: 20_000 });
    terminal.type('echo through-nginx-$((40+2))\r');
    await terminal.waitFor(/through-nginx-42/);
    terminal.ws.close();
    const state = (await call(`${front}/api/workshop/state`, instructorHeaders(workshop))).json;
    expect(state.roster.map((s: { name: string }) => s.name)).toEqual(['Nia']);
  });

  it('holds long polls open past their timeout and answers 200, not 504', async () => {
    // The student's own feed is quiet (the dashboard's changes with every usage sample).
    const first = await call(`${front}/api/workshop/me/events?since=0&timeout=0`, { cookie });
    const started = Date.now();
    const quiet = await call(`${front}/api/workshop/me/events?since=${first.json.cursor}&timeout=3`, { cookie });
    expect(quiet).toMatchObject({ status: 200, json: { events: [] } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    const conf = await readFile(joinPath(projectRoot, 'nginx', 'workshop.conf'), 'utf8');
    const pollTimeout = /events\$ \{[^}]*proxy_read_timeout (\d+)s;/.exec(conf)?.[1];
    const { MAX_POLL_SECONDS } = await import('../../server/http/workshop-routes.ts');
    expect(Number(pollTimeout)).toBeGreaterThan(MAX_POLL_SECONDS);
  });

  it('limits joins by the address nginx forwarded, not by its own', async () => {
    const attempt = (forwardedFor: string) => fetch(`${front}/api/workshop/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ name: 'Eve', code: 'ZZZZZZ' }),
    });
    // A client cannot choose its address by sending X-Forwarded-For: nginx appends the real one (127.0.0.1
    // here), and that is the one counted, so all of these share one bucket.
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await attempt(`203.0.113.${i}`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
  });
});
