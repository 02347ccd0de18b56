// The real playground process: API, terminal WebSocket, persistence across a restart, and every kind of
// bad input the boundary must refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rename, symlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { request } from 'node:http';
import WebSocket from 'ws';
import { projectRoot, startPlaygroundProcess, runCli, newDataDir, type RunningPlayground } from '../helpers/playground-process.ts';
import { openTerminal } from '../helpers/terminal-client.ts';
import { until } from '../helpers/until.ts';
import { descendantsOf, isAlive } from '../helpers/processes.ts';

const lab = 'short-polling';
const starter = () => readFile(join(projectRoot, 'labs', '01-short-polling', 'starter', 'server.ts'), 'utf8');
const solution = () => readFile(join(projectRoot, 'labs', '01-short-polling', 'solution', 'server.ts'), 'utf8');

let playground: RunningPlayground;
const api = (path: string, init?: RequestInit) => fetch(`${playground.url}${path}`, init);
/** node:http sends the path and Host exactly as given; fetch would normalise `..` and drop Host. */
function rawRequest(method: string, path: string, headers: Record<string, string> = {}, body = '') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(playground.url);
    const req = request({ hostname, port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const put = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  api(path, { method: 'PUT', headers, body });

beforeAll(async () => {
  playground = await startPlaygroundProcess();
});
afterAll(async () => {
  await playground?.stop();
  await rm(playground.dataDir, { recursive: true, force: true });
});

describe('the API', () => {
  it('reports its sandbox', async () => {
    const status = await (await api('/api/status')).json();
    expect(status).toMatchObject({ mode: 'local', launcher: { kind: 'bwrap', sandboxed: true } });
  });

  it('opens a lab from its starter', async () => {
    const response = await api(`/api/labs/${lab}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.lab.id).toBe(lab);
    expect(body.files.find((f: { path: string }) => f.path === 'server.ts').content).toBe(await starter());
    expect(body.app.state).toBe('stopped');
  });

  it('saves a file and reads it back', async () => {
    const content = `${await starter()}\n// saved by a test\n`;
    const saved = await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content }));
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ path: 'server.ts', bytes: Buffer.byteLength(content) });
    const body = await (await api(`/api/labs/${lab}`)).json();
    expect(body.files.find((f: { path: string }) => f.path === 'server.ts').content).toBe(content);
  });

  it('runs the checks: the starter fails one, the solution passes all', async () => {
    await api(`/api/labs/${lab}/reset`, { method: 'POST' });
    const failing = await (await api(`/api/labs/${lab}/check`, { method: 'POST' })).json();
    expect(failing.passed).toBeLessThan(failing.total);
    const failed = failing.results.find((r: { status: string }) => r.status === 'fail');
    expect(failed).toMatchObject({ expected: expect.any(String), seen: expect.any(String), hint: expect.any(String) });

    expect((await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: await solution() }))).status).toBe(200);
    const passing = await (await api(`/api/labs/${lab}/check`, { method: 'POST' })).json();
    expect(passing.results.filter((r: { status: string }) => r.status !== 'pass')).toEqual([]);
    expect(passing.passed).toBe(passing.total);
    const progress = await (await api('/api/progress')).json();
    expect(progress.labs[lab]).toMatchObject({ passed: passing.total, total: passing.total, completedAt: expect.any(String) });
  });

  it('restarts the running app when a file is saved, and says so on the events socket', async () => {
    const events: Array<Record<string, unknown>> = [];
    const ws = new WebSocket(`${playground.url.replace('http', 'ws')}/ws/events?lab=${lab}`);
    ws.on('message', (data) => events.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    const content = `${await solution()}\nconsole.log('restarted after a save');\n`;
    expect((await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content }))).status).toBe(200);
    const deadline = Date.now() + 10_000;
    const seen = () => events.some((e) => e.type === 'app-output' && String(e.text).includes('restarted after a save'))
      && events.some((e) => e.type === 'app-state' && e.listening === true);
    while (!seen() && Date.now() < deadline) await new Promise((resolve) => ws.once('message', resolve));
    ws.close();
    expect(events.find((e) => e.type === 'file-saved')).toMatchObject({ lab, path: 'server.ts' });
    expect(events.some((e) => e.type === 'app-state' && e.state === 'starting')).toBe(true);
    expect(seen()).toBe(true);
  });

  it('starts an app that crashed on a half-typed save again with the next save', async () => {
    expect((await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: `${await solution()}\nconst half = ;\n` }))).status).toBe(200);
    const appState = async () => (await (await api(`/api/labs/${lab}`)).json()).app;
    await until('the broken app exits', async () => (await appState()).state === 'exited', 10_000);
    expect((await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: await solution() }))).status).toBe(200);
    await until('the fixed app listens', async () => (await appState()).listening === true, 10_000);
  });

  it('stops the app', async () => {
    const state = await (await api(`/api/labs/${lab}/stop`, { method: 'POST' })).json();
    expect(['stopped', 'exited']).toContain(state.state);
    expect(state.listening).toBe(false);
  });
});

describe('bad input', () => {
  it('answers an unknown lab with JSON 404 and the 404 page', async () => {
    const response = await api('/api/labs/no-such-lab');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('no-such-lab') } });
    const page = await api('/labs/no-such-lab/');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it.each([
    ['a parent path', '..%2F..%2F..%2Fetc%2Fpasswd'],
    ['parent segments', '../../etc/passwd'],
    ['an absolute path', '/etc/passwd'],
    ['an encoded absolute path', '%2Fetc%2Fpasswd'],
    ['a NUL byte', 'server.ts%00.txt'],
    ['bad percent-encoding', 'server%E0%A4%A.ts'],
  ])('refuses %s with 400', async (_name, path) => {
    const response = await rawRequest('PUT', `/api/labs/${lab}/files/${path}`, { 'content-type': 'application/json' },
      JSON.stringify({ content: 'x' }));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toMatch(/invalid_path|path_outside_workspace/);
  });

  it('refuses a symlink that points out of the workspace, for reading and writing', async () => {
    const file = join(playground.dataDir, 'learners', 'local', 'home', lab, 'server.ts');
    const original = await readFile(file, 'utf8');
    const hostname = await readFile('/etc/hostname', 'utf8');
    await rm(file);
    await symlink('/etc/hostname', file);
    try {
      const read = await api(`/api/labs/${lab}`);
      expect(read.status).toBe(400);
      expect((await read.json()).error.code).toBe('path_outside_workspace');
      const written = await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: 'overwritten' }));
      expect(written.status).toBe(400);
      expect(await readFile('/etc/hostname', 'utf8')).toBe(hostname);
    } finally {
      await rm(file);
      await writeFile(file, original);
    }
  });

  it('refuses a lab folder the learner replaced by a symlink out of their home, for reading, writing and reset', async () => {
    const home = join(playground.dataDir, 'learners', 'local', 'home');
    const outside = await mkdtemp(join(tmpdir(), 'cometlab-outside-'));
    await writeFile(join(outside, 'server.ts'), 'host file');
    await rename(join(home, lab), join(home, `${lab}.mine`));
    await symlink(outside, join(home, lab));
    try {
      for (const answer of [
        await api(`/api/labs/${lab}`),
        await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: 'overwritten' })),
        await api(`/api/labs/${lab}/reset`, { method: 'POST' }),
      ]) {
        expect(answer.status).toBe(400);
        expect((await answer.json()).error.code).toBe('path_outside_workspace');
      }
      expect(await readdir(outside)).toEqual(['server.ts']);
      expect(await readFile(join(outside, 'server.ts'), 'utf8')).toBe('host file');
    } finally {
      await rm(join(home, lab));
      await rename(join(home, `${lab}.mine`), join(home, lab));
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses oversized, malformed and mistyped bodies', async () => {
    const big = await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: 'x'.repeat(300 * 1024) }));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('body_too_large');
    const notJson = await put(`/api/labs/${lab}/files/server.ts`, '{"content": ');
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe('invalid_json');
    const wrongShape = await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: 42 }));
    expect(wrongShape.status).toBe(400);
    expect((await wrongShape.json()).error.message).toMatch(/content/);
    const extra = await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content: '', also: 1 }));
    expect(extra.status).toBe(400);
    const text = await put(`/api/labs/${lab}/files/server.ts`, 'content', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const undeclared = await put(`/api/labs/${lab}/files/other.ts`, JSON.stringify({ content: '' }));
    expect(undeclared.status).toBe(404);
  });

  it('refuses wrong methods and requests from other sites', async () => {
    expect((await api(`/api/labs/${lab}/run`)).status).toBe(405);
    const crossSite = await api(`/api/labs/${lab}/run`, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
    const rebound = await rawRequest('GET', '/api/status', { host: 'evil.example' });
    expect(rebound.status).toBe(421);
    expect((await rawRequest('GET', '/api/status', { host: 'localhost:1' })).status).toBe(200);
  });
});

describe('the terminal WebSocket', () => {
  it('runs a shell in the sandbox: echo hi', async () => {
    const term = await openTerminal(playground.url, lab);
    await term.waitFor(/learner@lab/);
    const from = term.screen().length;
    term.type('echo hi from $(whoami)\r');
    await term.waitFor(/hi from learner/, { from });
    term.ws.close();
  });

  it('clamps absurd sizes and keeps going after a malformed message', async () => {
    const term = await openTerminal(playground.url, lab);
    await term.waitFor(/learner@lab/);
    term.send('{not json');
    term.send({ type: 'launch-missiles' });
    term.ws.send(Buffer.from('binary'), { binary: true });
    term.send({ type: 'resize', cols: 100000, rows: -3 });
    const from = term.screen().length;
    term.type('stty size\r');
    await term.waitFor(/\b4 500\b/, { from });
    const errors = term.messages.filter((m) => m.type === 'error');
    expect(errors).toHaveLength(3);
    expect(errors.every((m) => m.code === 'bad_message')).toBe(true);
    term.ws.close();
  });

  it('closes with 1009 on an oversized message', async () => {
    const term = await openTerminal(playground.url, lab);
    await term.waitFor(/learner@lab/);
    term.send({ type: 'input', data: 'x'.repeat(100 * 1024) });
    expect((await term.closed).code).toBe(1009);
  });

  it('refuses upgrades from another origin, for unknown labs and unknown paths', async () => {
    const statusOf = (path: string, headers: Record<string, string> = {}) => new Promise<number>((resolve) => {
      const ws = new WebSocket(`${playground.url.replace('http', 'ws')}${path}`, { headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => { ws.close(); resolve(101); });
      ws.on('error', () => undefined);
    });
    expect(await statusOf(`/ws/terminal?lab=${lab}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await statusOf('/ws/terminal?lab=nope')).toBe(404);
    expect(await statusOf(`/ws/nothing?lab=${lab}`)).toBe(404);
  });
});

describe('the process', () => {
  it('keeps saved work across a restart, and exits 0 on SIGTERM', async () => {
    const content = `${await solution()}\n// kept across restarts\n`;
    expect((await put(`/api/labs/${lab}/files/server.ts`, JSON.stringify({ content }))).status).toBe(200);
    const term = await openTerminal(playground.url, lab);
    await term.waitFor(/learner@lab/);
    term.type('sleep 600 & node -e "setInterval(() => {}, 1000)" &\r');
    await term.waitFor(/\[2\] \d+/);
    const sandboxProcesses = descendantsOf(playground.child.pid!);
    expect(sandboxProcesses.length).toBeGreaterThan(3);
    expect(await playground.stop()).toBe(0);
    expect(sandboxProcesses.filter(isAlive)).toEqual([]);
    playground = await startPlaygroundProcess({ dataDir: playground.dataDir });
    const body = await (await api(`/api/labs/${lab}`)).json();
    expect(body.files.find((f: { path: string }) => f.path === 'server.ts').content).toBe(content);
    expect((await (await api('/api/progress')).json()).labs[lab].completedAt).toEqual(expect.any(String));
  });

  it('checks a lab nobody opened yet: the workspace is made from the starter first', async () => {
    const fresh = await startPlaygroundProcess();
    try {
      // Lab 6 also needs its nginx, started from the workspace's nginx.conf that the check itself creates.
      for (const id of [lab, 'nginx']) {
        const report = await (await fetch(`${fresh.url}/api/labs/${id}/check`, { method: 'POST' })).json();
        expect(report.results.filter((r: { status: string }) => r.status === 'error')).toEqual([]);
        expect(report.passed).toBeGreaterThan(0);
        expect(report.passed).toBeLessThan(report.total);
        expect(fresh.output()).toMatch(new RegExp(`checks for ${id}: \\d of \\d pass`));
      }
    } finally {
      await fresh.stop();
      await rm(fresh.dataDir, { recursive: true, force: true });
    }
  });

  it('says in one line that a port is taken, and exits non-zero', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = await newDataDir();
    try {
      const result = await runCli(['start', '--port', String(port), '--data-dir', dataDir]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n').at(-1)).toBe(`cometlab: port ${port} is already in use; stop what uses it or pass --port`);
    } finally {
      blocker.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
