// Terminals that outlive their socket, through the real playground process: a reload reattaches to the
// same shell with its screen and its jobs; several terminals are independent; ids are checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import WebSocket from 'ws';
import { startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { openTerminal, type TerminalClient } from '../helpers/terminal-client.ts';

const lab = 'short-polling';
let playground: RunningPlayground;

beforeAll(async () => {
  playground = await startPlaygroundProcess();
});
afterAll(async () => {
  await playground?.stop();
  await rm(playground.dataDir, { recursive: true, force: true });
});

const idOf = (term: TerminalClient) => String(term.messages.find((m) => m.type === 'ready')?.terminal);

/** Resolves once the server has said which terminal this is. */
async function attached(term: TerminalClient): Promise<TerminalClient> {
  while (!term.messages.some((m) => m.type === 'ready')) await new Promise((resolve) => term.ws.once('message', resolve));
  return term;
}

async function ready(term: TerminalClient): Promise<TerminalClient> {
  await attached(term);
  await term.waitFor(/learner@lab/);
  return term;
}

async function closeSocket(term: TerminalClient): Promise<void> {
  term.ws.close();
  await term.closed;
}

/** The events channel's first word: this lab's open terminals. */
function listTerminals(): Promise<Array<{ id: string; name: string }>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${playground.url.replace('http', 'ws')}/ws/events?lab=${lab}`);
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString());
      if (event.type !== 'terminals') return;
      ws.close();
      resolve(event.terminals);
    });
    ws.on('error', reject);
  });
}

describe('terminals that outlive the page', () => {
  it('reattaches to the same shell: earlier output and a job started before are still there', async () => {
    const first = await ready(await openTerminal(playground.url, lab));
    const id = idOf(first);
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,32}$/);
    first.type('echo "before=$((6 * 7))"; sleep 300 &\r');
    await first.waitFor(/before=42[\s\S]*\[1\] \d+/);
    await closeSocket(first);

    expect((await listTerminals()).map((t) => t.id)).toContain(id);
    const again = await attached(await openTerminal(playground.url, lab, {}, id));
    expect(idOf(again)).toBe(id);
    // The replayed screen, before anything new is typed.
    await again.waitFor(/before=42/);
    const from = again.screen().length;
    again.type('jobs\r');
    await again.waitFor(/\[1\]\+\s+Running\s+sleep 300 &/, { from });
    again.type('kill %1\r');
    await closeSocket(again);
  });

  it('keeps running what was started while nobody watched, and shows its output on return', async () => {
    const term = await ready(await openTerminal(playground.url, lab));
    const id = idOf(term);
    term.type('sleep 1; echo "while-away=$((7 * 7))"\r');
    await closeSocket(term);
    // Nobody is attached while the command finishes; its output must land on the kept screen.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const back = await openTerminal(playground.url, lab, {}, id);
      const seen = await back.waitFor(/while-away=49/, { timeoutMs: 1500 }).then(() => true, () => false);
      await closeSocket(back);
      if (seen) break;
      expect(Date.now()).toBeLessThan(deadline);
    }
  });

  it('two terminals are independent shells in the same sandbox', async () => {
    const a = await ready(await openTerminal(playground.url, lab));
    const b = await ready(await openTerminal(playground.url, lab));
    expect(idOf(a)).not.toBe(idOf(b));
    const names = a.messages.concat(b.messages).filter((m) => m.type === 'ready').map((m) => m.name);
    expect(new Set(names).size).toBe(2);
    a.type('ONLY_A=alpha; cd /tmp; echo "a-says=$ONLY_A in $PWD"\r');
    await a.waitFor(/a-says=alpha in \/tmp/);
    const from = b.screen().length;
    b.type('echo "b-says=[$ONLY_A] in ${PWD##*/}"; touch /tmp/from-b\r');
    await b.waitFor(/b-says=\[\] in short-polling/, { from });
    expect(b.screen()).not.toContain('a-says=alpha');
    // Same sandbox: a file B made in /tmp is visible to A.
    const fromA = a.screen().length;
    a.type('ls /tmp/from-b && echo "shared=yes"\r');
    await a.waitFor(/shared=yes/, { from: fromA });
    for (const term of [a, b]) term.send({ type: 'close' });
    await Promise.all([a.closed, b.closed]);
    const left = (await listTerminals()).map((t) => t.id);
    expect(left).not.toContain(idOf(a));
    expect(left).not.toContain(idOf(b));
  });

  it('a second window taking a terminal over tells the first, which is closed', async () => {
    const first = await ready(await openTerminal(playground.url, lab));
    const second = await attached(await openTerminal(playground.url, lab, {}, idOf(first)));
    expect((await first.closed).code).toBe(4409);
    expect(first.messages.find((m) => m.type === 'error')).toMatchObject({ code: 'attached_elsewhere' });
    const from = second.screen().length;
    second.type('echo "taken=$((2 + 3))"\r');
    await second.waitFor(/taken=5/, { from });
    second.send({ type: 'close' });
    expect((await second.closed).code).toBe(4000);
  });

  it('refuses an unknown or malformed terminal id', async () => {
    const unknown = await openTerminal(playground.url, lab, {}, 'AAAAAAAAAAAAAAAA');
    expect((await unknown.closed).code).toBe(4404);
    expect(unknown.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'unknown_terminal' }));
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${playground.url.replace('http', 'ws')}/ws/terminal?lab=${lab}&terminal=..%2Fx`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(400);
  });

  it('a flood with nobody watching costs the host bounded memory, and stops on Ctrl-C after reattaching', async () => {
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${playground.child.pid}/status`, 'utf8'))![1]) * 1024;
    const cpuSeconds = () => {
      const stat = readFileSync(`/proc/${playground.child.pid}/stat`, 'utf8');
      const [utime, stime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number);
      return (utime! + stime!) / 100; // clock ticks; 100 per second on Linux
    };
    const term = await ready(await openTerminal(playground.url, lab));
    const id = idOf(term);
    term.type('yes "flooding the terminal while nobody watches"\r');
    await term.waitFor(/(flooding the terminal while nobody watches\r\n){20}/);
    await closeSocket(term);
    // Past the detached budget the pty is paused: the host neither queues nor parses any more of it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = { rss: rss(), cpu: cpuSeconds() };
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(rss() - before.rss).toBeLessThan(64 * 1024 * 1024);
    expect(cpuSeconds() - before.cpu).toBeLessThan(0.5);
    const back = await attached(await openTerminal(playground.url, lab, {}, id));
    await back.waitFor(/flooding the terminal while nobody watches/);
    back.type('\x03');
    const from = back.screen().length;
    back.type('echo "calm=$((8 * 8))"\r');
    await back.waitFor(/calm=64/, { from, timeoutMs: 20_000 });
    back.send({ type: 'close' });
    await back.closed;
  });

  it('tells the viewer when the shell exits, and forgets the terminal', async () => {
    const term = await ready(await openTerminal(playground.url, lab));
    term.type('exit 7\r');
    expect((await term.closed).code).toBe(1000);
    expect(term.messages).toContainEqual({ type: 'exit', code: 7, signal: null });
    expect((await listTerminals()).map((t) => t.id)).not.toContain(idOf(term));
  });
});
