// Several set-ups building the site at once, as real processes (two `npm start`, or `npm test` beside
// them): one builds while the others wait and then find the build current, a reader of dist/ never sees
// half a build, and a builder killed half-way leaves the last good build and a lock the next one takes over.
// The build itself is a stand-in that writes pages slowly; the lock and the swap are the set-up's own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../helpers/playground-process.ts';

const PAGES = 40;

const worker = `
import { mkdirSync, writeFileSync } from 'node:fs';
import { ensureSiteBuild } from ${JSON.stringify(pathToFileURL(join(projectRoot, 'scripts', 'site-build.mjs')).href)};
const [dist, lockPath, stamp, pages, pauseMs] = process.argv.slice(1);
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const built = ensureSiteBuild({
  lockPath, dist, stamp: () => stamp,
  onWait: (pid) => process.stderr.write('waiting for another build (pid ' + pid + ')\\n'),
  build: (outDir) => {
    process.stdout.write('building ' + process.pid + '\\n');
    mkdirSync(outDir + '/client', { recursive: true });
    for (let i = 0; i < Number(pages); i++) {
      writeFileSync(outDir + '/client/' + stamp + '-' + i + '.html', 'page');
      Atomics.wait(sleeper, 0, 0, Number(pauseMs));
    }
  },
});
process.stdout.write(built ? 'built\\n' : 'current\\n');
`;

interface Worker { child: ChildProcess; stdout: string; stderr: string; exited: Promise<number | null> }

function startWorker(stamp: string, pages = PAGES, pauseMs = 25): Worker {
  const child = spawn(process.execPath, ['--input-type=module', '-e', worker, dist, lock, stamp, String(pages), String(pauseMs)]);
  const running: Worker = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.on('exit', resolve)) };
  child.stdout!.on('data', (chunk) => { running.stdout += chunk; });
  child.stderr!.on('data', (chunk) => { running.stderr += chunk; });
  return running;
}

/** What a server reading dist/ would find at this instant: its stamp and how many pages, or null mid-swap. */
function look(): { stamp: string; pages: string[] } | null {
  try {
    return { stamp: readFileSync(join(dist, '.cometlab-build'), 'utf8'), pages: readdirSync(join(dist, 'client')) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let dir: string;
let dist: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cometlab-concurrent-build-'));
  dist = join(dir, 'dist');
  lock = join(dir, '.cometlab-build.lock');
  // The last good build, as a running server sees it.
  mkdirSync(join(dist, 'client'), { recursive: true });
  for (let i = 0; i < PAGES; i++) writeFileSync(join(dist, 'client', `old-${i}.html`), 'page');
  writeFileSync(join(dist, '.cometlab-build'), 'old');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('set-ups building at once', () => {
  it('build once; the others wait, naming the builder, and then find the build current', async () => {
    const workers = Array.from({ length: 4 }, () => startWorker('new'));
    const seen: { stamp: string; pages: string[] }[] = [];
    let done = false;
    const allExited = Promise.all(workers.map((w) => w.exited)).then((codes) => { done = true; return codes; });
    while (!done) {
      const now = look();
      if (now) seen.push(now);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await allExited).toEqual([0, 0, 0, 0]);

    const outcomes = workers.map((w) => w.stdout.trim().split('\n').at(-1));
    expect(outcomes.filter((o) => o === 'built')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'current')).toHaveLength(3);
    const builder = workers.find((w) => w.stdout.includes('built'))!;
    for (const w of workers.filter((other) => other !== builder)) {
      expect(w.stderr).toContain(`waiting for another build (pid ${builder.child.pid})`);
    }
    // Every look found one whole build: the old one or the new one, never a mix or a part.
    expect(seen.length).toBeGreaterThan(10);
    for (const { stamp, pages } of seen) {
      expect(pages).toHaveLength(PAGES);
      expect(pages.every((page) => page.startsWith(`${stamp}-`))).toBe(true);
    }
    expect(look()!.stamp).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(['dist']);
  });

  it('a builder killed half-way leaves the last good build, and the next set-up takes its lock over', async () => {
    const killed = startWorker('half', 400, 25);
    await until(() => killed.stdout.includes('building') && existsSync(join(`${dist}.next`, 'client', 'half-3.html')), 'the build to be under way');
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${killed.child.pid} `));
    expect(look()).toEqual({ stamp: 'old', pages: expect.arrayContaining([`old-${PAGES - 1}.html`]) });

    const next = startWorker('new');
    expect(await next.exited).toBe(0);
    expect(next.stdout).toContain('built');
    expect(next.stderr).not.toContain('waiting');
    const now = look()!;
    expect(now.stamp).toBe('new');
    expect(now.pages).toHaveLength(PAGES);
    expect(now.pages.every((page) => page.startsWith('new-'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['dist']);
  });
});
