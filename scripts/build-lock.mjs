// An exclusive lock between processes on one checkout, with nothing but Node's standard library (the
// set-up runs before any dependency exists). The lock is a file created with O_EXCL holding its owner's
// pid and that process's start time; a waiter polls while the owner lives and takes the lock over from
// an owner that died (a build killed by Ctrl-C leaves its file behind). The start time tells a dead
// owner from an unrelated process that later got the same pid.
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

/** When a process started, in clock ticks since boot (Linux); '' where /proc has no answer. */
export function startTimeOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** Parses a lock file's text: `{ pid, started }`, or null when it is not (yet) a lock's text. */
export function parseOwner(text) {
  const match = /^(\d+) (\d*)\n$/.exec(text);
  return match ? { pid: Number(match[1]), started: match[2] } : null;
}

export function ownerAlive(owner) {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return false;
  }
  const started = startTimeOf(owner.pid);
  return owner.started === '' || started === '' || started === owner.started;
}

function readOwner(path) {
  try {
    return { text: readFileSync(path, 'utf8'), modifiedMs: statSync(path).mtimeMs };
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

function tryCreate(path) {
  let fd;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if (error.code === 'EEXIST') return false;
    throw error;
  }
  writeSync(fd, `${process.pid} ${startTimeOf(process.pid)}\n`);
  closeSync(fd);
  return true;
}

/**
 * Moves a dead owner's file aside and removes it. Two waiters may both see the same dead owner; the
 * rename lets only one of them take that file, and one that took a fresh lock instead puts it back.
 */
function takeOver(path, seenText) {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (error.code === 'ENOENT') return;
    throw error;
  }
  if (readFileSync(aside, 'utf8') !== seenText) {
    try {
      renameSync(aside, path);
      return;
    } catch {
      // Fall through: the file is gone either way, and its owner will find that out when it releases.
    }
  }
  rmSync(aside, { force: true });
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(sleeper, 0, 0, ms);

/** A lock file without a pid this long after it was made belongs to a process that died making it. */
const HALF_WRITTEN_MS = 5_000;

/**
 * Waits for the lock at `path` and returns a function that releases it. `onWait(pid)` is called once
 * per owner it waits for. Synchronous on purpose: the set-up around it is.
 */
export function acquireLock(path, { onWait = () => {}, pollMs = 250 } = {}) {
  let waitedFor;
  while (!tryCreate(path)) {
    const seen = readOwner(path);
    if (seen === null) continue;
    const owner = parseOwner(seen.text);
    const dead = owner ? !ownerAlive(owner) : Date.now() - seen.modifiedMs > HALF_WRITTEN_MS;
    if (dead) {
      takeOver(path, seen.text);
      continue;
    }
    if (owner && owner.pid !== waitedFor) {
      waitedFor = owner.pid;
      onWait(owner.pid);
    }
    sleep(pollMs);
  }
  const mine = readFileSync(path, 'utf8');
  const release = () => {
    process.off('exit', release);
    // Only our own file: had a waiter wrongly taken us over, the file now is someone else's.
    if (readOwner(path)?.text === mine) rmSync(path, { force: true });
  };
  // The set-up ends with process.exit on failure, which skips `finally` blocks.
  process.on('exit', release);
  return release;
}

export function withLock(path, options, work) {
  const release = acquireLock(path, options);
  try {
    return work();
  } finally {
    release();
  }
}
