// Workshop mode against the real process, with three students: every lab route and both WebSockets
// refuse anonymous callers and other students; instructor routes refuse students; joins are limited and
// cookies signed; Origin is checked on upgrades; the instructor's terminal view is read-only until the
// student gives control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import WebSocket from 'ws';
import { projectRoot } from '../helpers/playground-process.ts';
import { openTerminal } from '../helpers/terminal-client.ts';
import { instrumentRoutes } from '../../server/http/instrument-routes.ts';
import { panelRoutes } from '../../server/http/panel-routes.ts';
import { call, instructorHeaders, join, startWorkshopProcess, type RunningWorkshop, type Student } from './workshop-kit.ts';

const lab = 'short-polling';
let workshop: RunningWorkshop;
let ann: Student;
let bob: Student;
let cat: Student;
const api = (path: string) => `${workshop.url}${path}`;

beforeAll(async () => {
  workshop = await startWorkshopProcess();
  ann = await join(workshop, 'Ann');
  bob = await join(workshop, 'Bob');
  cat = await join(workshop, 'Cat');
});
afterAll(async () => {
  await workshop?.stop();
  await rm(workshop.dataDir, { recursive: true, force: true });
});

/** Every lab route as [method, path after /api/labs/<lab>], instruments included, from the route tables. */
const labRoutes: Array<[string, string]> = [
  ['GET', ''], ['PUT', '/files/server.ts'], ['POST', '/run'], ['POST', '/stop'], ['POST', '/check'], ['POST', '/reset'],
  ['GET', '/solution'], ['GET', '/app'],
  ...Object.entries({ ...instrumentRoutes, ...panelRoutes }).flatMap(([path, methods]) =>
    Object.keys(methods).map((method): [string, string] => [method, `/instruments/${path}`])),
];

describe('joining', () => {
  it('says the mode and refuses wrong codes, bad names and closed doors', async () => {
    expect((await call(api('/api/status'), {})).json).toMatchObject({ mode: 'workshop', launcher: { kind: 'bwrap' } });
    const attempt = (body: unknown, address: string) => call(api('/api/workshop/join'), { 'x-forwarded-for': address }, 'POST', body);
    const wrong = workshop.code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    expect(await attempt({ name: 'Eve', code: wrong }, '10.1.0.1')).toMatchObject({ status: 403, json: { error: { code: 'wrong_code' } } });
    expect(await attempt({ name: '<script>', code: workshop.code }, '10.1.0.1')).toMatchObject({ status: 400, json: { error: { code: 'invalid_body' } } });
    expect(await attempt({ name: 'Eve', code: workshop.code, admin: true }, '10.1.0.1')).toMatchObject({ status: 400 });
    const closed = await call(api('/api/workshop/join-code'), instructorHeaders(workshop), 'POST', { action: 'close' });
    expect(closed).toMatchObject({ status: 200, json: { joinCode: null } });
    expect(await attempt({ name: 'Eve', code: workshop.code }, '10.1.0.2')).toMatchObject({ status: 403, json: { error: { code: 'join_closed' } } });
    await call(api('/api/workshop/join-code'), instructorHeaders(workshop), 'POST', { action: 'open' });
  });

  it('limits join attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call(api('/api/workshop/join'), { 'x-forwarded-for': '10.2.0.1' }, 'POST', { name: 'Eve', code: 'ZZZZZZ' })).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 403)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another address is not held back by that one.
    expect((await call(api('/api/workshop/join'), { 'x-forwarded-for': '10.2.0.2' }, 'POST', { name: 'Eve', code: 'ZZZZZZ' })).status).toBe(403);
  });

  it('sets a signed HttpOnly SameSite cookie that a restart-proof key checks', async () => {
    const response = await fetch(api('/api/workshop/join'), {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.3.0.1' },
      body: JSON.stringify({ name: 'Dee', code: workshop.code.toLowerCase() }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/^cometlab_student=s_[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    // Joining again with that cookie (a second tab) keeps the same student.
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const again = await call(api('/api/workshop/join'), { cookie, 'x-forwarded-for': '10.3.0.1' }, 'POST', { name: 'Dee', code: workshop.code });
    expect(again.json.student.id).toBe((await response.json()).student.id);
    const secrets = JSON.parse(await readFile(joinPath(workshop.dataDir, 'workshop-secrets.json'), 'utf8'));
    expect(Object.keys(secrets).sort()).toEqual(['cookieKey', 'instructorToken']);
  });
});

describe('a student', () => {
  it('is refused everywhere without a valid cookie', async () => {
    const [name, signature] = ann.cookie.split('.') as [string, string];
    const flipped = `${name}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const forged = `cometlab_student=${ann.id}.${'x'.repeat(43)}`;
    for (const cookie of [undefined, flipped, forged, `cometlab_student=${ann.id}`]) {
      const headers: Record<string, string> = cookie ? { cookie, 'content-type': 'application/json' } : { 'content-type': 'application/json' };
      for (const [method, path] of labRoutes) {
        const answer = await call(api(`/api/labs/${lab}${path}`), headers, method, method === 'GET' ? undefined : {});
        expect({ method, path, cookie, status: answer.status, code: answer.json?.error?.code }).toMatchObject({ status: 401, code: 'not_joined' });
      }
      for (const path of ['/api/progress', '/api/workshop/me', '/api/workshop/me/events?timeout=0']) {
        expect((await call(api(path), headers)).status).toBe(401);
      }
    }
  });

  it('sees only their own files and progress', async () => {
    const secret = '// only Ann wrote this\n';
    const saved = await call(api(`/api/labs/${lab}/files/server.ts`), ann.headers, 'PUT', { content: secret });
    expect(saved.status).toBe(200);
    const own = await call(api(`/api/labs/${lab}`), ann.headers);
    expect(own.json.files.find((f: { path: string }) => f.path === 'server.ts').content).toBe(secret);
    const other = await call(api(`/api/labs/${lab}`), bob.headers);
    const starter = await readFile(joinPath(projectRoot, 'labs', '01-short-polling', 'starter', 'server.ts'), 'utf8');
    expect(other.json.files.find((f: { path: string }) => f.path === 'server.ts').content).toBe(starter);
    expect((await call(api('/api/workshop/me'), bob.headers)).json.student).toEqual({ id: bob.id, name: 'Bob' });
  });

  it('cannot use instructor routes', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/workshop/state'], ['GET', '/api/workshop/events?timeout=0'], ['POST', '/api/workshop/broadcast', { message: 'hi' }],
      ['POST', '/api/workshop/pace', { unlockedUpTo: 1 }], ['POST', '/api/workshop/reset', { student: bob.id, lab }],
      ['POST', '/api/workshop/join-code', { action: 'rotate' }], ['POST', '/api/workshop/help/answer', { id: 1 }],
      ['POST', '/api/workshop/control', { student: bob.id, lab }], ['POST', '/api/workshop/end', {}],
      ['GET', '/api/workshop/export.csv'], ['GET', '/api/workshop/export.json'],
      ['GET', `/api/workshop/students/${bob.id}/labs/${lab}/files`], ['GET', `/api/workshop/students/${bob.id}/labs/${lab}/terminals`],
    ];
    for (const headers of [ann.headers, {}, { authorization: 'Bearer not-the-token' }]) {
      for (const [method, path, body] of routes) {
        const answer = await call(api(path), headers, method, body);
        expect({ path, status: answer.status, code: answer.json?.error?.code }).toEqual({ path, status: 403, code: 'instructor_only' });
      }
    }
    const link = await fetch(api('/workshop/instructor?token=wrong'), { redirect: 'manual' });
    expect(link.status).toBe(403);
    const good = await fetch(api(`/workshop/instructor?token=${workshop.token}`), { redirect: 'manual' });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/workshop/');
    const cookie = good.headers.get('set-cookie')!.split(';')[0]!;
    expect((await call(api('/api/workshop/state'), { cookie })).status).toBe(200);
  });

  it('reaches only their own terminals, and sockets check the cookie and the Origin', async () => {
    const refusedUpgrade = (path: string, headers: Record<string, string>) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${workshop.url.replace('http', 'ws')}${path}`, { headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        reject(new Error(`${path} opened`));
      });
      ws.on('error', () => undefined);
    });
    for (const path of [`/ws/terminal?lab=${lab}`, `/ws/events?lab=${lab}`]) {
      expect(await refusedUpgrade(path, {})).toBe(401);
      expect(await refusedUpgrade(path, { cookie: `${ann.cookie}x` })).toBe(401);
      expect(await refusedUpgrade(path, { ...ann.headers, origin: 'http://evil.example' })).toBe(403);
    }
    const terminal = await openTerminal(workshop.url, lab, ann.headers);
    const ready = await waitForMessage(terminal.messages, 'ready');
    await terminal.waitFor(/\$ $/m, { timeoutMs: 20_000 });
    const stolen = await openTerminal(workshop.url, lab, bob.headers, String(ready.terminal));
    expect((await stolen.closed).code).not.toBe(1000);
    expect(stolen.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'unknown_terminal' });
    // A student cannot watch, even with their own id and a real terminal.
    expect(await refusedUpgrade(`/ws/terminal?lab=${lab}&student=${ann.id}&terminal=${ready.terminal}`, ann.headers)).toBe(403);

    // The instructor watches Ann's shell: sees her typing, cannot type until she allows it.
    const listed = await call(api(`/api/workshop/students/${ann.id}/labs/${lab}/terminals`), instructorHeaders(workshop));
    expect(listed.json.terminals.map((t: { id: string }) => t.id)).toEqual([ready.terminal]);
    // (openTerminal puts `lab` into the query as it is: the student parameter rides along.)
    const watch = await openTerminal(workshop.url, `${lab}&student=${ann.id}`, instructorHeaders(workshop), String(ready.terminal));
    terminal.type('echo from-ann-$((6*7))\r');
    await watch.waitFor(/from-ann-42/);
    watch.type('echo from-instructor-$((5*5))\r');
    await waitForMessage(watch.messages, 'error');
    expect(watch.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'read_only' });
    const asked = await call(api('/api/workshop/control'), instructorHeaders(workshop), 'POST', { student: ann.id, lab });
    expect(asked.status).toBe(200);
    const events = await call(api('/api/workshop/me/events?since=0&timeout=0'), ann.headers);
    expect(events.json.events).toContainEqual(expect.objectContaining({ type: 'control-request', lab }));
    expect((await call(api('/api/workshop/me/events?since=0&timeout=0'), bob.headers)).json.events.some((e: { type: string }) => e.type === 'control-request')).toBe(false);
    expect((await call(api('/api/workshop/me/control'), ann.headers, 'POST', { lab, allow: true })).status).toBe(200);
    watch.type('echo from-instructor-$((5*5))\r');
    await terminal.waitFor(/from-instructor-25/);
    await call(api('/api/workshop/me/control'), ann.headers, 'POST', { lab, allow: false });
    const errorsBefore = watch.messages.filter((m) => m.type === 'error').length;
    watch.type('echo again\r');
    await waitForMessage(watch.messages, 'error', errorsBefore + 1);
    // The student's own view stayed attached throughout.
    expect(terminal.ws.readyState).toBe(WebSocket.OPEN);
    terminal.ws.close();
    watch.ws.close();
    void cat;
  });
});

async function waitForMessage(messages: Array<Record<string, unknown>>, type: string, count = 1): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  while (messages.filter((m) => m.type === type).length < count) {
    if (Date.now() > deadline) throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return messages.filter((m) => m.type === type)[count - 1]!;
}
