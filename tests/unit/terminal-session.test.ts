// A terminal session's bookkeeping with a real headless screen and a stand-in for the sandbox's pty
// (the pty side is covered by the integration tests): what is acknowledged to the pty when attached,
// when detached, and what a viewer gets when it comes back.
import { describe, expect, it } from 'vitest';
import type { Terminal } from '../../server/sandbox/types.ts';
import { DETACHED_BUDGET_BYTES, TerminalSession, type Viewer } from '../../server/learners/terminal-session.ts';
import { MAX_TERMINALS, TerminalSessions } from '../../server/learners/terminal-sessions.ts';
import { IdleWatch } from '../../server/learners/idle.ts';

function fakePty() {
  let data: ((chunk: Buffer) => void) | undefined;
  let exit: ((e: { code: number | null; signal: string | null }) => void) | undefined;
  const pty = {
    acked: 0,
    closed: false,
    sizes: [] as Array<[number, number]>,
    terminal: {
      id: '1',
      write: () => undefined,
      resize: (cols: number, rows: number) => pty.sizes.push([cols, rows]),
      onData: (listener: (chunk: Buffer) => void) => { data = listener; return () => { data = undefined; }; },
      onExit: (listener: typeof exit) => { exit = listener; return () => { exit = undefined; }; },
      ack: (bytes: number) => { pty.acked += bytes; },
      close: () => { pty.closed = true; },
    } satisfies Terminal,
    print: (text: string) => data?.(Buffer.from(text)),
    exit: (code: number) => exit?.({ code, signal: null }),
  };
  return pty;
}

function recordingViewer() {
  const seen = { screens: [] as string[], live: '', exits: [] as unknown[], replaced: 0, ended: [] as string[] };
  const viewer: Viewer = {
    screen: (data) => seen.screens.push(data),
    output: (chunk) => { seen.live += chunk.toString(); },
    exit: (e) => seen.exits.push(e),
    ended: (reason) => seen.ended.push(reason),
    replaced: () => { seen.replaced++; },
  };
  return { viewer, seen };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
const session = (pty: ReturnType<typeof fakePty>, onGone: () => void = () => undefined) =>
  new TerminalSession({ id: 'abcdefgh', lab: 'lab', name: 'Terminal 1', terminal: pty.terminal, cols: 80, rows: 24, onGone });

describe('TerminalSession', () => {
  it('acknowledges output only once the viewer has drawn it', async () => {
    const pty = fakePty();
    const s = session(pty);
    const { viewer, seen } = recordingViewer();
    s.attach(viewer, 80, 24);
    await settle();
    pty.print('hello\r\n');
    await settle();
    expect(seen.live).toBe('hello\r\n');
    expect(pty.acked).toBe(0);
    s.ack(7);
    expect(pty.acked).toBe(7);
    // A viewer cannot acknowledge more than it was sent.
    s.ack(1000);
    expect(pty.acked).toBe(7);
  });

  it('detached, keeps drawing into its screen up to a budget, then lets the pty pause', async () => {
    const pty = fakePty();
    const s = session(pty);
    const { viewer } = recordingViewer();
    s.attach(viewer, 80, 24);
    s.detach(viewer);
    const chunk = 'x'.repeat(64 * 1024);
    let printed = 0;
    while (printed < DETACHED_BUDGET_BYTES * 2) {
      pty.print(chunk);
      printed += chunk.length;
    }
    // Parsing a megabyte takes a while on a busy machine: wait for it, then make sure nothing more comes.
    const deadline = Date.now() + 10_000;
    while (pty.acked < DETACHED_BUDGET_BYTES && Date.now() < deadline) await settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pty.acked).toBe(DETACHED_BUDGET_BYTES);
  });

  it('gives a returning viewer the screen so far, at its size, then live output', async () => {
    const pty = fakePty();
    const s = session(pty);
    const first = recordingViewer();
    s.attach(first.viewer, 80, 24);
    pty.print('\x1b[31mred line\x1b[0m\r\n$ ');
    s.detach(first.viewer);
    const second = recordingViewer();
    s.attach(second.viewer, 100, 30);
    pty.print('after');
    await settle();
    expect(second.seen.screens).toHaveLength(1);
    expect(second.seen.screens[0]).toContain('red line');
    expect(second.seen.screens[0]).toContain('\x1b[31m');
    expect(second.seen.screens[0]).not.toContain('after');
    expect(second.seen.live).toBe('after');
    expect(pty.sizes).toEqual([[100, 30]]);
  });

  it('gives the first viewer a new shell\'s first words byte for byte, not a snapshot', async () => {
    const pty = fakePty();
    const s = session(pty);
    pty.print('\x1b[?2004hlearner@lab:~$ ');
    const { viewer, seen } = recordingViewer();
    s.attach(viewer, 100, 30);
    pty.print('x');
    await settle();
    expect(seen.screens).toEqual([]);
    expect(seen.live).toBe('\x1b[?2004hlearner@lab:~$ x');
  });

  it('a second viewer replaces the first, which is told', async () => {
    const pty = fakePty();
    const s = session(pty);
    const a = recordingViewer();
    const b = recordingViewer();
    s.attach(a.viewer, 80, 24);
    s.attach(b.viewer, 80, 24);
    await settle();
    pty.print('only b');
    expect(a.seen.replaced).toBe(1);
    expect(a.seen.live).toBe('');
    expect(b.seen.live).toBe('only b');
    // The replaced viewer's late close must not detach the new one.
    s.detach(a.viewer);
    expect(s.attached).toBe(true);
  });

  it('reports the exit to its viewer and is gone', () => {
    const pty = fakePty();
    let gone = 0;
    const s = session(pty, () => gone++);
    const { viewer, seen } = recordingViewer();
    s.attach(viewer, 80, 24);
    pty.exit(3);
    expect(seen.exits).toEqual([{ code: 3, signal: null }]);
    expect(gone).toBe(1);
  });
});

describe('TerminalSessions', () => {
  it('names terminals, lists them per lab, and finds them only in their lab', () => {
    const sessions = new TerminalSessions();
    const one = sessions.add('lab', fakePty().terminal, { cols: 80, rows: 24 });
    const two = sessions.add('lab', fakePty().terminal, { cols: 80, rows: 24 });
    const other = sessions.add('other', fakePty().terminal, { cols: 80, rows: 24 });
    expect(sessions.list('lab').map((t) => t.name)).toEqual(['Terminal 1', 'Terminal 2']);
    expect(sessions.list('other')).toEqual([{ id: other.id, name: 'Terminal 1' }]);
    expect(one.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(sessions.get('lab', two.id)).toBe(two);
    expect(sessions.get('other', two.id)).toBeUndefined();
    expect(sessions.get('lab', 'nonexistent-id')).toBeUndefined();
    one.close();
    expect(sessions.add('lab', fakePty().terminal, { cols: 80, rows: 24 }).name).toBe('Terminal 1');
  });

  it('keeps at most MAX_TERMINALS: closes the longest-detached one, refuses when all are watched', () => {
    const sessions = new TerminalSessions();
    const ptys = Array.from({ length: MAX_TERMINALS }, () => fakePty());
    const all = ptys.map((pty) => sessions.add('lab', pty.terminal, { cols: 80, rows: 24 }));
    all.forEach((s, i) => { s.detachedAt = 1000 + i; });
    all[3]!.detachedAt = 1;
    sessions.add('lab', fakePty().terminal, { cols: 80, rows: 24 });
    expect(ptys[3]!.closed).toBe(true);
    expect(sessions.size).toBe(MAX_TERMINALS);
    for (const s of sessions.list('lab')) sessions.get('lab', s.id)!.attach(recordingViewer().viewer, 80, 24);
    expect(() => sessions.add('lab', fakePty().terminal, { cols: 80, rows: 24 })).toThrow(/At most/);
  });
});

describe('IdleWatch', () => {
  it('fires after the timeout only when nothing holds it', async () => {
    let idle = 0;
    const watch = new IdleWatch(40, () => idle++);
    const release = watch.hold();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(idle).toBe(0);
    release();
    release(); // twice is once
    watch.touch();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(idle).toBe(1);
    watch.stop();
  });
});
