// A class in workshop mode, end to end against the real process: the dashboard hears of a check within a
// second, pacing locks labs, the instructor resets a student's lab, hands and broadcasts travel, exports
// hold the results, a restart on the same data dir restores all of it with everyone still signed in, an
// ended workshop is reopened (and the start-up output says so), and --new archives it for a fresh one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { projectRoot } from '../helpers/playground-process.ts';
import { call, instructorHeaders, join, startWorkshopProcess, waitFor, type RunningWorkshop, type Student } from './workshop-kit.ts';
import { until } from '../helpers/until.ts';

const lab = 'short-polling';
const secondLab = 'blocking-sleep';
let workshop: RunningWorkshop;
let ann: Student;
let bob: Student;
const api = (path: string) => `${workshop.url}${path}`;
const asInstructor = (path: string, body?: unknown) => call(api(path), instructorHeaders(workshop), body === undefined ? 'GET' : 'POST', body);

beforeAll(async () => {
  workshop = await startWorkshopProcess();
  ann = await join(workshop, 'Ann');
  bob = await join(workshop, 'Bob');
});
afterAll(async () => {
  await workshop?.stop();
  await rm(workshop.dataDir, { recursive: true, force: true });
});

describe('the dashboard', () => {
  it('shows a passing check within a second', async () => {
    const solution = await readFile(joinPath(projectRoot, 'labs', '01-short-polling', 'solution', 'server.ts'), 'utf8');
    await call(api(`/api/labs/${lab}/files/server.ts`), ann.headers, 'PUT', { content: solution });
    const first = await asInstructor('/api/workshop/events?since=0&timeout=0');
    expect(first.json.state.roster.map((s: { name: string }) => s.name)).toEqual(['Ann', 'Bob']);
    let cursor: number = first.json.cursor;
    // Follow the feed the way the dashboard does; note when it first shows Ann's result.
    let seenAt = 0;
    const following = (async () => {
      while (!seenAt) {
        const answer = await asInstructor(`/api/workshop/events?since=${cursor}&timeout=20`);
        cursor = answer.json.cursor;
        const standing = answer.json.state.roster.find((s: { id: string }) => s.id === ann.id).labs[lab];
        if (standing && standing.passed === standing.total) seenAt = Date.now();
      }
    })();
    const report = await call(api(`/api/labs/${lab}/check`), ann.headers, 'POST');
    const checkedAt = Date.now();
    expect(report.json.passed).toBe(report.json.total);
    await following;
    expect(seenAt - checkedAt).toBeLessThan(1000);
    // Usage is sampled every few seconds: wait for the first sample of Ann's sandbox.
    const state = await until('a usage sample of Ann\'s sandbox', async () => {
      const now = (await asInstructor('/api/workshop/state')).json;
      return now.roster.find((s: { id: string }) => s.id === ann.id).usage?.running ? now : undefined;
    }, 15_000);
    const annRow = state.roster.find((s: { id: string }) => s.id === ann.id);
    expect(annRow).toMatchObject({ currentLab: lab, online: true, usage: { running: true } });
    expect(annRow.usage.memoryBytes).toBeGreaterThan(1024 * 1024);
    expect(state.roster.find((s: { id: string }) => s.id === bob.id).usage).toBeNull();
  });

  it('queues raised hands and answers them', async () => {
    const raised = await call(api('/api/workshop/me/hand'), bob.headers, 'POST', { message: 'stuck on 204', lab });
    expect(raised.status).toBe(200);
    let state = (await asInstructor('/api/workshop/state')).json;
    expect(state.roster.find((s: { id: string }) => s.id === bob.id).handRaised).toBe(true);
    expect(state.help).toContainEqual(expect.objectContaining({ student: bob.id, name: 'Bob', message: 'stuck on 204', answeredAt: null }));
    const again = await call(api('/api/workshop/me/hand'), bob.headers, 'POST', { message: 'still stuck', lab });
    expect(again.json.id).toBe(raised.json.id);
    expect((await asInstructor('/api/workshop/state')).json.help).toHaveLength(1);
    expect((await call(api('/api/workshop/me'), bob.headers)).json.handRaised).toBe(true);
    const cursor = (await call(api('/api/workshop/me'), bob.headers)).json.cursor;
    expect((await asInstructor('/api/workshop/help/answer', { id: raised.json.id })).status).toBe(200);
    // Bob hears it on his own feed, and his page no longer shows the hand up.
    const heard = (await call(api(`/api/workshop/me/events?since=${cursor}&timeout=5`), bob.headers)).json.events;
    expect(heard).toContainEqual(expect.objectContaining({ type: 'hand-answered' }));
    expect((await call(api('/api/workshop/me'), bob.headers)).json.handRaised).toBe(false);
    expect((await asInstructor('/api/workshop/help/answer', { id: raised.json.id })).status).toBe(404);
    state = (await asInstructor('/api/workshop/state')).json;
    expect(state.roster.find((s: { id: string }) => s.id === bob.id).handRaised).toBe(false);
  });
});

describe('the instructor', () => {
  it('paces the class: later labs are locked, then open', async () => {
    const before = (await call(api('/api/workshop/me/events?since=0&timeout=0'), bob.headers)).json.cursor;
    // Bob waits on his feed; the pace reaches him as it is set.
    const waiting = call(api(`/api/workshop/me/events?since=${before}&timeout=20`), bob.headers);
    expect((await asInstructor('/api/workshop/pace', { unlockedUpTo: 1, everyoneTo: lab })).status).toBe(200);
    const heard = await waiting;
    expect(heard.json.events).toContainEqual(expect.objectContaining({ type: 'pace', pace: { unlockedUpTo: 1, everyoneTo: lab } }));
    const locked = await call(api(`/api/labs/${secondLab}`), bob.headers);
    expect(locked).toMatchObject({ status: 403, json: { error: { code: 'locked' } } });
    expect((await call(api(`/api/labs/${lab}`), bob.headers)).status).toBe(200);
    await asInstructor('/api/workshop/pace', { unlockedUpTo: null, everyoneTo: null });
    expect((await call(api(`/api/labs/${secondLab}`), bob.headers)).status).toBe(200);
    expect((await asInstructor('/api/workshop/pace', { unlockedUpTo: 0 })).status).toBe(400);
  });

  it("resets a student's lab and tells them", async () => {
    await call(api(`/api/labs/${lab}/files/server.ts`), bob.headers, 'PUT', { content: '// broken\n' });
    const reset = await asInstructor('/api/workshop/reset', { student: bob.id, lab });
    expect(reset.status).toBe(200);
    const starter = await readFile(joinPath(projectRoot, 'labs', '01-short-polling', 'starter', 'server.ts'), 'utf8');
    const files = await asInstructor(`/api/workshop/students/${bob.id}/labs/${lab}/files`);
    expect(files.json.files.find((f: { path: string }) => f.path === 'server.ts').content).toBe(starter);
    const events = (await call(api('/api/workshop/me/events?since=0&timeout=0'), bob.headers)).json.events;
    expect(events).toContainEqual(expect.objectContaining({ type: 'lab-reset', lab }));
    expect((await call(api('/api/workshop/me/events?since=0&timeout=0'), ann.headers)).json.events.some((e: { type: string }) => e.type === 'lab-reset')).toBe(false);
    expect((await asInstructor('/api/workshop/reset', { student: 's_nobodyatallhere', lab })).status).toBe(404);
  });

  it('broadcasts and exports', async () => {
    expect((await asInstructor('/api/workshop/broadcast', { message: 'Break until 11:00' })).status).toBe(200);
    for (const student of [ann, bob]) {
      const events = (await call(api('/api/workshop/me/events?since=0&timeout=0'), student.headers)).json.events;
      expect(events).toContainEqual(expect.objectContaining({ type: 'broadcast', message: 'Break until 11:00' }));
    }
    const csv = await asInstructor('/api/workshop/export.csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text).toContain(`"${ann.id}","Ann"`);
    expect(csv.text).toMatch(new RegExp(`"${ann.id}","Ann",[^\\n]*"${lab}","(\\d+)","\\1"`));
    const json = await asInstructor('/api/workshop/export.json');
    expect(json.json.roster).toHaveLength(2);
  });
});

describe('a restart', () => {
  it('restores the workshop, and everyone is still signed in', async () => {
    const before = (await asInstructor('/api/workshop/state')).json;
    const rotated = (await asInstructor('/api/workshop/join-code', { action: 'rotate' })).json.joinCode;
    expect(rotated).not.toBe(workshop.code);
    expect(await workshop.stop()).toBe(0);
    workshop = await startWorkshopProcess({ dataDir: workshop.dataDir });
    expect(workshop.code).toBe(rotated);
    const after = (await asInstructor('/api/workshop/state')).json;
    expect(after.roster.map((s: { id: string; labs: unknown }) => [s.id, s.labs])).toEqual(before.roster.map((s: { id: string; labs: unknown }) => [s.id, s.labs]));
    expect(after.help).toEqual(before.help);
    expect(after.startedAt).toBe(before.startedAt);
    expect((await call(api('/api/workshop/me'), ann.headers)).json.student).toEqual({ id: ann.id, name: 'Ann' });
    const files = await call(api(`/api/labs/${lab}`), ann.headers);
    const solution = await readFile(joinPath(projectRoot, 'labs', '01-short-polling', 'solution', 'server.ts'), 'utf8');
    expect(files.json.files.find((f: { path: string }) => f.path === 'server.ts').content).toBe(solution);
    const events = (await call(api('/api/workshop/me/events?since=0&timeout=0'), bob.headers)).json.events;
    expect(events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['pace', 'lab-reset', 'broadcast']));
  });

  it('ends the workshop: sandboxes stop, data stays, students are told', async () => {
    await call(api(`/api/labs/${lab}/run`), ann.headers, 'POST');
    await waitFor(async () => ((await asInstructor('/api/workshop/state')).json.roster.find((s: { id: string }) => s.id === ann.id).usage?.running ? true : undefined), 'usage of a running sandbox');
    expect((await asInstructor('/api/workshop/end', {})).status).toBe(200);
    const state = (await asInstructor('/api/workshop/state')).json;
    expect(state.ended).toBe(true);
    expect(state.joinCode).toBeNull();
    expect(state.roster.find((s: { id: string }) => s.id === ann.id).usage).toBeNull();
    expect((await call(api(`/api/labs/${lab}`), ann.headers)).status).toBe(410);
    expect((await call(api('/api/workshop/me/events?since=0&timeout=0'), ann.headers)).json.events.at(-1)).toMatchObject({ type: 'ended' });
    expect((await call(api('/api/workshop/join'), { 'x-forwarded-for': '10.9.9.9' }, 'POST', { name: 'Late', code: workshop.code })).status).toBe(410);
    expect((await asInstructor('/api/workshop/export.csv')).text).toContain('"Ann"');
  });

  it('reopens the ended workshop on the next start, and says so', async () => {
    expect(await workshop.stop()).toBe(0);
    workshop = await startWorkshopProcess({ dataDir: workshop.dataDir });
    expect(workshop.output()).toMatch(/The workshop "Test class" \(ended at \d{4}-\d\d-\d\d \d\d:\d\d UTC\) had ended: it is reopened with everyone's files and progress\./);
    expect(workshop.output()).toContain('--new');
    expect((await asInstructor('/api/workshop/state')).json.ended).toBe(false);
    expect((await call(api('/api/workshop/me'), ann.headers)).json.student).toEqual({ id: ann.id, name: 'Ann' });
    expect((await call(api(`/api/labs/${lab}`), ann.headers)).status).toBe(200);
  });

  it('starts afresh with --new: the old one archived, not deleted; old cookies join again', async () => {
    const before = (await asInstructor('/api/workshop/state')).json;
    const old = { code: workshop.code, token: workshop.token };
    expect(await workshop.stop()).toBe(0);
    workshop = await startWorkshopProcess({ dataDir: workshop.dataDir, args: ['--new'] });
    const archive = joinPath(workshop.dataDir, 'archive', before.startedAt.replace(/:/g, '-'));
    expect(workshop.output()).toContain(`The previous one, "Test class" (2 students), is archived with its students, progress and workspaces in ${archive}`);
    const kept = await readFile(joinPath(archive, 'learners', ann.id, 'home', lab, 'server.ts'), 'utf8');
    expect(kept).toBe(await readFile(joinPath(projectRoot, 'labs', '01-short-polling', 'solution', 'server.ts'), 'utf8'));
    expect(workshop.token).not.toBe(old.token);
    expect(workshop.code).not.toBe(old.code);
    const state = (await asInstructor('/api/workshop/state')).json;
    expect(state).toMatchObject({ title: 'Test class', ended: false, roster: [], help: [], controls: [] });
    expect(state.startedAt).not.toBe(before.startedAt);
    // Ann's cookie was signed with the archived key: the usual answer, join first.
    expect(await call(api('/api/workshop/me'), ann.headers)).toMatchObject({ status: 401, json: { error: { code: 'not_joined' } } });
    expect((await call(api(`/api/labs/${lab}`), ann.headers)).status).toBe(401);
    const again = await join(workshop, 'Ann');
    expect(again.id).not.toBe(ann.id);
    expect((await asInstructor('/api/workshop/state')).json.roster.map((s: { name: string }) => s.name)).toEqual(['Ann']);
  });
});
