// The instructor and a student's terminal, against the real workshop process: the dashboard follows a
// control request (asked, allowed, refused) within a second of each step, and the instructor's view
// starts from the student's exact screen (the session's mirror, at the student's size), then live
// bytes with no gap and no duplicate between the two, even mid-flood.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import headless from '@xterm/headless';
import { openTerminal, type TerminalClient } from '../helpers/terminal-client.ts';
import { until } from '../helpers/until.ts';
import { call, instructorHeaders, join, startWorkshopProcess, type RunningWorkshop, type Student } from './workshop-kit.ts';

const lab = 'short-polling';
let workshop: RunningWorkshop;
let ann: Student;
const api = (path: string) => `${workshop.url}${path}`;
const asInstructor = (path: string, body?: unknown) => call(api(path), instructorHeaders(workshop), body === undefined ? 'GET' : 'POST', body);

beforeAll(async () => {
  workshop = await startWorkshopProcess();
  ann = await join(workshop, 'Ann');
});
afterAll(async () => {
  await workshop?.stop();
  await rm(workshop.dataDir, { recursive: true, force: true });
});

describe('a control request on the dashboard', () => {
  it('shows pending, then allowed, then refused, each within a second', async () => {
    let cursor: number = (await asInstructor('/api/workshop/events?since=0&timeout=0')).json.cursor;
    /** Acts, then follows the dashboard's long poll until Ann's control for the lab is `state`; returns how long that took. */
    const heard = async (act: () => Promise<unknown>, state: string) => {
      let seenAt = 0;
      const following = (async () => {
        while (!seenAt) {
          const answer = await asInstructor(`/api/workshop/events?since=${cursor}&timeout=20`);
          cursor = answer.json.cursor;
          const control = answer.json.state.controls.find((c: { student: string; lab: string }) => c.student === ann.id && c.lab === lab);
          if (control?.state === state) seenAt = Date.now();
        }
      })();
      const actedAt = Date.now();
      await act();
      await following;
      return seenAt - actedAt;
    };
    const request = () => asInstructor('/api/workshop/control', { student: ann.id, lab });
    expect(await heard(request, 'pending')).toBeLessThan(1000);
    expect(await heard(() => call(api('/api/workshop/me/control'), ann.headers, 'POST', { lab, allow: true }), 'allowed')).toBeLessThan(1000);
    // Asking again while allowed sends nothing new to the student.
    expect((await request()).json).toEqual({ sent: false, state: 'allowed' });
    expect(await heard(() => call(api('/api/workshop/me/control'), ann.headers, 'POST', { lab, allow: false }), 'refused')).toBeLessThan(1000);
    expect((await asInstructor('/api/workshop/state')).json.controls).toEqual([
      { student: ann.id, lab, state: 'refused', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
    expect((await asInstructor('/api/workshop/control', { student: ann.id, lab: 'no-such-lab' })).status).toBe(404);
    expect((await call(api('/api/workshop/control'), ann.headers, 'POST', { student: ann.id, lab })).status).toBe(403);
  });
});

/** What an xterm of that size shows after `data`: the visible rows (right-trimmed) and the cursor. */
async function render(data: string, cols: number, rows: number) {
  const term = new headless.Terminal({ cols, rows, scrollback: 20_000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(data, resolve));
  const buffer = term.buffer.active;
  const line = (y: number) => buffer.getLine(y)?.translateToString(true) ?? '';
  const all = Array.from({ length: buffer.length }, (_, y) => line(y));
  const visible = all.slice(buffer.baseY, buffer.baseY + rows);
  const cursor = { x: buffer.cursorX, y: buffer.cursorY };
  term.dispose();
  return { all, visible, cursor };
}

describe("the instructor's view of a terminal", () => {
  let student: TerminalClient;
  let terminalId: string;

  beforeAll(async () => {
    student = await openTerminal(workshop.url, lab, ann.headers);
    await until('the shell is ready', () => student.messages.find((m) => m.type === 'ready'));
    terminalId = String(student.messages.find((m) => m.type === 'ready')!.terminal);
    await student.waitFor(/\$ $/m, { timeoutMs: 30_000 });
  });
  afterAll(() => student?.ws.close());

  const watch = () => openTerminal(workshop.url, `${lab}&student=${ann.id}`, instructorHeaders(workshop), terminalId);

  it('starts from the exact screen at the student’s size, more than the last 32 KB could hold', async () => {
    // Colours and a cursor moved up, then 150 KB that only rewrite the bottom row in place: the top of this
    // screen was printed long before the last 32 KB. (Markers are computed, so the command's echo cannot match.)
    student.type("clear; printf '\\033[1;31mRED\\033[0m top\\n\\n\\nbottom\\033[2A\\033[5C%s' \"m$((1+1))d\"; " +
      "for i in $(seq 1 6000); do printf '\\0337\\033[30;1Hprogress %s\\0338' $i; done; printf '%s' \"d$((1+1))ne\"; read -r _\r");
    await student.waitFor(/d2ne/, { timeoutMs: 30_000 });
    const watcher = await watch();
    await until('the screen', () => watcher.messages.find((m) => m.type === 'screen'), 10_000);
    const types = watcher.messages.map((m) => m.type);
    expect(types.slice(0, 3)).toEqual(['ready', 'size', 'screen']);
    expect(watcher.messages[1]).toEqual({ type: 'size', cols: 100, rows: 30 });
    const theirs = await render(watcher.screen(), 100, 30);
    const ours = await render(student.screen(), 100, 30);
    expect(theirs.visible).toEqual(ours.visible);
    expect(theirs.cursor).toEqual(ours.cursor);
    expect(theirs.visible.slice(0, 4)).toEqual(['RED top', '           m2dd2ne', '', 'bottom']);
    expect(theirs.visible[29]).toBe('progress 6000');
    expect(theirs.cursor).toEqual({ x: 18, y: 1 });
    expect(student.screen().length - student.screen().lastIndexOf('RED')).toBeGreaterThan(100 * 1024);
    expect(String(watcher.messages[2]!.data)).toContain('\u001b[');
    student.type('\r');
    watcher.ws.close();
  });

  it('goes on from that screen with every byte once, even while the shell floods', async () => {
    const from = student.screen().length;
    // The shell waits for a key after line 2000; the watcher comes in once the next 1.6 MB are pouring out,
    // faster than the host's mirror parses them, so bytes keep coming while its snapshot waits.
    student.type("seq 1 2000 | sed 's/^/n-/'; read -r _; seq 2001 200000 | sed 's/^/n-/'; echo \"flood-$((1+1))\"\r");
    await student.waitFor(/n-2000\r?\n/, { from, timeoutMs: 30_000 });
    student.type('\r');
    await student.waitFor(/n-5000\r?\n/, { from, timeoutMs: 30_000 });
    const watcher = await watch();
    await watcher.waitFor(/flood-2\r?\n[^]*\$ $/, { timeoutMs: 60_000 });
    await student.waitFor(/flood-2\r?\n[^]*\$ $/, { from, timeoutMs: 30_000 });
    // It came in mid-flood: the screen it started from ends before the loop did.
    const screen = String(watcher.messages.find((m) => m.type === 'screen')!.data);
    expect(screen).toMatch(/n-\d+/);
    expect(screen).not.toContain('flood-2');
    // The screen holds the lines before the watcher came (up to the mirror's scrollback), the live bytes the rest.
    // Read as text: the serialized screen may end with a cursor move (a chunk cut between \r and \n), dropped here.
    const text = watcher.screen().replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    const numbers = [...text.matchAll(/^n-(\d+)\r?$/gm)].map((match) => Number(match[1]));
    expect(numbers.at(-1)).toBe(200000);
    expect(numbers.length).toBeGreaterThan(900);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => numbers[0]! + i));
    const theirs = await render(watcher.screen(), 100, 30);
    const ours = await render(student.screen(), 100, 30);
    expect(theirs.visible).toEqual(ours.visible);
    watcher.ws.close();
  }, 90_000);
});
