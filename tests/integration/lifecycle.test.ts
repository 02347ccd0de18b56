// A learner's sandbox over time, through the real server, sockets and sandbox: it stops after the idle
// timeout and the next terminal starts a new one with the files intact; a supervisor killed from the
// learner's own shell is noticed, announced on the events channel, and replaced on next use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startPlayground, type Playground } from '../../server/playground.ts';
import { Learner } from '../../server/learners/learner.ts';
import { openTerminal, type TerminalClient } from '../helpers/terminal-client.ts';
import { descendantsOf, isAlive } from '../helpers/processes.ts';
import { until as waitUntil } from '../helpers/until.ts';

const lab = 'short-polling';
const IDLE_MS = 1500;
let dataDir: string;
let playground: Playground;
const logLines: string[] = [];

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000) =>
  waitUntil(what, probe, timeoutMs, () => `log:\n${logLines.join('\n')}`);

async function shell(): Promise<TerminalClient> {
  const term = await openTerminal(playground.url, lab);
  await term.waitFor(/learner@lab/);
  return term;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'cometlab-lifecycle-'));
  playground = await startPlayground({
    host: '127.0.0.1', port: 0, dataDir, site: 'none', idleTimeoutMs: IDLE_MS,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await playground?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the sandbox lifecycle', () => {
  it('stays up while a socket is open, stops after the idle timeout, and comes back with the files', async () => {
    const term = await shell();
    term.type('echo kept-across-sandboxes > note.txt; sleep 600 & echo "started=$!"\r');
    await term.waitFor(/started=\d+/);
    const sandboxed = descendantsOf(process.pid).filter(isAlive);
    expect(sandboxed.length).toBeGreaterThan(2);
    // Well past the timeout with the socket open: still the same sandbox.
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 2));
    expect(logLines.some((line) => line.includes('stopping the sandbox: idle'))).toBe(false);
    const from = term.screen().length;
    term.type('echo "alive=$((3 * 3))"\r');
    await term.waitFor(/alive=9/, { from });

    term.ws.close();
    await term.closed;
    await until('the idle stop', () => logLines.some((line) => line.includes('stopping the sandbox: idle')));
    await until('its processes to end', () => sandboxed.filter(isAlive).length === 0);

    const next = await shell();
    const at = next.screen().length;
    next.type('cat note.txt; jobs; echo "jobs-done"\r');
    await next.waitFor(/kept-across-sandboxes[\s\S]*jobs-done/, { from: at });
    expect(next.screen().slice(at)).not.toMatch(/sleep 600/);
    expect(await readFile(path.join(dataDir, 'learners', 'local', 'home', lab, 'note.txt'), 'utf8')).toBe('kept-across-sandboxes\n');
    next.ws.close();
    await next.closed;
  });

  it('notices a supervisor killed from inside, says so on the events channel, and starts a new one on next use', async () => {
    const events: Array<Record<string, unknown>> = [];
    const ws = new WebSocket(`${playground.url.replace('http', 'ws')}/ws/events?lab=${lab}`);
    ws.on('message', (data) => events.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    const term = await shell();
    term.type('kill -9 $PPID\r'); // the shell's parent is the supervisor
    await until('the event', () => events.find((e) => e.type === 'sandbox-ended'));
    expect(events.find((e) => e.type === 'sandbox-ended')).toMatchObject({ reason: expect.stringMatching(/supervisor|sandbox exited/) });
    expect((await term.closed).code).toBe(1000);
    expect(term.messages).toContainEqual(expect.objectContaining({ type: 'ended' }));

    const fresh = await shell();
    const from = fresh.screen().length;
    fresh.type('echo "reborn=$((5 * 5))"\r');
    await fresh.waitFor(/reborn=25/, { from });
    fresh.ws.close();
    ws.close();
  });
});

describe('terminals belong to their learner', () => {
  it('one learner cannot reach another\'s terminal by its id', async () => {
    const labInfo = playground.labs.get(lab)!;
    const { chooseLauncher } = await import('../../server/sandbox/index.ts');
    const launcher = await chooseLauncher();
    const runRoot = await mkdtemp(path.join(os.tmpdir(), 'cl-run-'));
    const quiet = () => undefined;
    const alice = new Learner('alice', dataDir, runRoot, launcher, quiet);
    const bob = new Learner('bob', dataDir, runRoot, launcher, quiet);
    try {
      const session = await alice.openTerminal(labInfo, { cols: 80, rows: 24 });
      expect(alice.terminals.get(lab, session.id)).toBe(session);
      expect(bob.terminals.get(lab, session.id)).toBeUndefined();
      expect(bob.terminals.list(lab)).toEqual([]);
      // Nor does a terminal of one lab answer on another lab's page.
      expect(alice.terminals.get('some-other-lab', session.id)).toBeUndefined();
    } finally {
      await Promise.all([alice.close(), bob.close()]);
      await rm(runRoot, { recursive: true, force: true });
    }
  });
});
