// nginx and redis inside a learner's sandbox, started by the supervisor: a config that fails `nginx -t`
// is refused with nginx's own words, a good one proxies 8888 -> 8999 through the relay, redis answers
// PING from the learner's shell and is not reachable from the host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chooseLauncher } from '../../server/sandbox/index.ts';
import type { Sandbox, ServiceName, ServiceState, Terminal } from '../../server/sandbox/types.ts';
import { until } from '../helpers/until.ts';

const APP = `import http from 'node:http';
http.createServer((req, res) => res.end('app saw ' + req.url + ' via ' + (req.headers['x-via'] ?? 'nobody')))
  .listen(8999, '127.0.0.1');
`;

const nginxConf = (extra = '') => `pid nginx.pid;
error_log logs/error.log info;
events { worker_connections 64; }
http {
  access_log logs/access.log;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
  server {
    listen 127.0.0.1:8888;
    location / { proxy_pass http://127.0.0.1:8999; proxy_set_header X-Via nginx; ${extra} }
  }
}
`;

/** One HTTP/1.0 request through the sandbox's port relay; the raw answer. */
async function through(sandbox: Sandbox, port: 8888 | 8999, target: string): Promise<string> {
  const socket = await sandbox.connect(port);
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  // No half-close: nginx takes a client's FIN as the client leaving and drops the upstream request.
  socket.write(`GET ${target} HTTP/1.0\r\nHost: lab\r\n\r\n`);
  await new Promise((resolve) => socket.once('close', resolve));
  return answer;
}

let base: string;
let home: string;
let sandbox: Sandbox;
const states: Array<{ name: ServiceName; state: ServiceState }> = [];
const output: Array<{ name: ServiceName; text: string }> = [];

beforeAll(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'cometlab-services-'));
  home = path.join(base, 'home');
  await mkdir(path.join(home, 'lab'), { recursive: true });
  await writeFile(path.join(home, 'lab', 'server.ts'), APP);
  const launcher = await chooseLauncher();
  console.log(`launcher: ${launcher.status.kind} (${launcher.status.reason})`);
  sandbox = await launcher.launch({ learnerId: 'services', homeDir: home, runDir: path.join(base, 'run') });
  sandbox.onServiceState((name, state) => states.push({ name, state }));
  sandbox.onServiceOutput((name, o) => output.push({ name, text: o.text }));
});

afterAll(async () => {
  await sandbox?.stop();
  await rm(base, { recursive: true, force: true });
});

describe('nginx in the sandbox', () => {
  it('refuses a config that fails nginx -t, with what nginx said', async () => {
    await writeFile(path.join(home, 'lab', 'nginx.conf'), nginxConf('proxy_read_timeout banana;'));
    const started = sandbox.startService('nginx', { cwd: 'lab', config: 'nginx.conf' });
    await expect(started).rejects.toThrow(/"proxy_read_timeout" directive invalid value[\s\S]*test failed/);
    expect(sandbox.serviceState('nginx').state).toBe('stopped');
  });

  it('runs a good config and proxies 8888 -> 8999 through the relay', async () => {
    await writeFile(path.join(home, 'lab', 'nginx.conf'), nginxConf('proxy_read_timeout 5s;'));
    await sandbox.startApp({ cwd: 'lab', entry: 'server.ts' });
    expect((await sandbox.startService('nginx', { cwd: 'lab', config: 'nginx.conf' })).state).toBe('running');
    await until('nginx listening', () => sandbox.serviceState('nginx').listening);
    await until('the app listening', () => sandbox.appState().listening);
    const answer = await through(sandbox, 8888, '/through-nginx');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toMatch(/Server: nginx/);
    expect(answer).toContain('app saw /through-nginx via nginx');
    expect(states.filter((s) => s.name === 'nginx').map((s) => s.state.state)).toEqual(['starting', 'running', 'running']);
    expect(output.some((o) => o.name === 'nginx' && o.text.includes("nginx -p ~/lab -c nginx.conf -g 'daemon off;'"))).toBe(true);
  });

  it('reloads a changed config, and keeps the old one when the new one fails the test', async () => {
    await writeFile(path.join(home, 'lab', 'nginx.conf'), nginxConf('proxy_read_timeout 5s; add_header X-Reloaded yes;'));
    await sandbox.reloadService('nginx');
    const deadline = Date.now() + 5000;
    let answer = '';
    while (!/X-Reloaded: yes/.test(answer) && Date.now() < deadline) answer = await through(sandbox, 8888, '/reloaded');
    expect(answer).toMatch(/X-Reloaded: yes/);
    await writeFile(path.join(home, 'lab', 'nginx.conf'), nginxConf('proxy_read_timeout;'));
    await expect(sandbox.reloadService('nginx')).rejects.toThrow(/invalid number of arguments in "proxy_read_timeout"/);
    expect(await through(sandbox, 8888, '/still')).toContain('app saw /still via nginx');
  });

  it('stops', async () => {
    const stopped = await sandbox.stopService('nginx');
    expect(stopped.state).toBe('exited');
    expect(stopped.listening).toBe(false);
  });
});

describe('redis in the sandbox', () => {
  let shell: Terminal;
  let text = '';

  beforeAll(async () => {
    shell = await sandbox.openTerminal({ cwd: 'lab', cols: 100, rows: 30 });
    shell.onData((chunk) => {
      text += chunk.toString('utf8');
      shell.ack(chunk.length);
    });
  });

  it('starts and answers PING from the learner\'s shell, memory only', async () => {
    expect((await sandbox.startService('redis', { cwd: 'lab' })).state).toBe('running');
    await until('redis listening', () => sandbox.serviceState('redis').listening);
    const from = text.length;
    shell.write('echo "ping=$(redis-cli -p 6379 PING) save=[$(redis-cli CONFIG GET save | tail -1)] aof=$(redis-cli CONFIG GET appendonly | tail -1)"\r');
    await until('the answer', () => /ping=PONG save=\[\] aof=no/.test(text.slice(from)));
    const memory = text.length;
    shell.write('echo "maxmemory=$(redis-cli CONFIG GET maxmemory | tail -1)"\r');
    await until('maxmemory', () => /maxmemory=67108864/.test(text.slice(memory)));
  });

  it('is not relayed to the host: only 8999 and 8888 are', async () => {
    await expect(sandbox.connect(6379 as 8999)).rejects.toThrow(/not relayed/);
  });

  it('stops', async () => {
    expect((await sandbox.stopService('redis')).state).toBe('exited');
  });
});
