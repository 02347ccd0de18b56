// The set-up's build lock and its build-then-swap, in one process: who owns a lock, taking over from a
// dead owner, and a dist/ that only ever holds a complete, stamped build. Several processes at once:
// tests/integration/bootstrap-concurrent-build.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, ownerAlive, parseOwner, startTimeOf } from '../../scripts/build-lock.mjs';
import { ensureSiteBuild, isCurrent, swapIn } from '../../scripts/site-build.mjs';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cometlab-build-lock-'));
  lock = join(dir, '.cometlab-build.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that surely belongs to no process any more: a child that already exited and was reaped. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

describe('the lock file', () => {
  it('reads an owner, and refuses text that is not one (yet)', () => {
    expect(parseOwner('123 4567\n')).toEqual({ pid: 123, started: '4567' });
    expect(parseOwner('123 \n')).toEqual({ pid: 123, started: '' });
    for (const text of ['', '123', '123 4567', 'abc 1\n', '1 2 3\n']) expect(parseOwner(text)).toBeNull();
  });

  it('knows a live owner from a dead one and from a later process with the same pid', () => {
    const started = startTimeOf(process.pid);
    expect(started).toMatch(/^\d+$/);
    expect(ownerAlive({ pid: process.pid, started })).toBe(true);
    expect(ownerAlive({ pid: deadPid(), started: '' })).toBe(false);
    expect(ownerAlive({ pid: process.pid, started: String(Number(started) + 1) })).toBe(false);
  });

  it('is taken with our pid and start time, and released', () => {
    const release = acquireLock(lock);
    expect(readFileSync(lock, 'utf8')).toBe(`${process.pid} ${startTimeOf(process.pid)}\n`);
    release();
    expect(existsSync(lock)).toBe(false);
    acquireLock(lock)();
  });

  it('is taken over from a dead owner and from a recycled pid, without waiting', () => {
    const waited: number[] = [];
    for (const stale of [`${deadPid()} 99\n`, `${process.pid} 1\n`]) {
      writeFileSync(lock, stale);
      const release = acquireLock(lock, { onWait: (pid) => waited.push(pid) });
      expect(parseOwner(readFileSync(lock, 'utf8'))?.pid).toBe(process.pid);
      release();
    }
    expect(waited).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is taken over when a process died between making the file and writing its pid', () => {
    writeFileSync(lock, '');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, longAgo, longAgo);
    acquireLock(lock)();
    expect(existsSync(lock)).toBe(false);
  });

  it('is not removed by its releaser once it belongs to someone else', () => {
    const release = acquireLock(lock);
    writeFileSync(lock, '1 1\n');
    release();
    expect(readFileSync(lock, 'utf8')).toBe('1 1\n');
  });
});

describe('building and swapping in', () => {
  const fakeBuild = (pages: string[]) => (outDir: string) => {
    mkdirSync(join(outDir, 'client'), { recursive: true });
    for (const page of pages) writeFileSync(join(outDir, 'client', page), page);
  };

  it('builds once per stamp, and dist/ holds exactly the new build with its stamp', () => {
    const dist = join(dir, 'dist');
    const options = { lockPath: lock, dist, stamp: () => 'one', build: fakeBuild(['a.html', 'b.html']) };
    expect(ensureSiteBuild(options)).toBe(true);
    expect(readdirSync(join(dist, 'client')).sort()).toEqual(['a.html', 'b.html']);
    expect(isCurrent(dist, 'one')).toBe(true);
    expect(ensureSiteBuild(options)).toBe(false);

    expect(ensureSiteBuild({ ...options, stamp: () => 'two', build: fakeBuild(['c.html']) })).toBe(true);
    expect(readdirSync(join(dist, 'client'))).toEqual(['c.html']);
    expect(isCurrent(dist, 'two')).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['dist']);
  });

  it('runs the preparation under the lock, before the stamp is taken', () => {
    const dist = join(dir, 'dist');
    const order: string[] = [];
    ensureSiteBuild({
      lockPath: lock, dist,
      prepare: () => order.push(`prepare, lock held: ${existsSync(lock)}`),
      stamp: () => { order.push('stamp'); return 's'; },
      build: fakeBuild(['a.html']),
    });
    expect(order).toEqual(['prepare, lock held: true', 'stamp']);
  });

  it('keeps the last good build, unstamped for the new inputs, when a build fails, and frees the lock', () => {
    const dist = join(dir, 'dist');
    ensureSiteBuild({ lockPath: lock, dist, stamp: () => 'good', build: fakeBuild(['a.html']) });
    const failing = () => ensureSiteBuild({
      lockPath: lock, dist, stamp: () => 'next',
      build: (outDir: string) => {
        fakeBuild(['half.html'])(outDir);
        throw new Error('astro build failed');
      },
    });
    expect(failing).toThrow('astro build failed');
    expect(readdirSync(join(dist, 'client'))).toEqual(['a.html']);
    expect(isCurrent(dist, 'good')).toBe(true);
    expect(existsSync(lock)).toBe(false);
  });

  it('swaps a build in where there was none, and over an old one', () => {
    const next = join(dir, 'next');
    const dist = join(dir, 'dist');
    fakeBuild(['first.html'])(next);
    swapIn(next, dist);
    expect(readdirSync(join(dist, 'client'))).toEqual(['first.html']);
    fakeBuild(['second.html'])(next);
    swapIn(next, dist);
    expect(readdirSync(join(dist, 'client'))).toEqual(['second.html']);
    expect(readdirSync(dir).sort()).toEqual(['dist']);
  });
});
