// Which process made a leftover (a cgroup, a run folder, a uid lease): its pid and start time, so a
// pid reused by another process after a crash is not mistaken for the owner still running.
import fs from 'node:fs';

function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** "<pid>.<start time in clock ticks>" of this process. */
export function ownerTag(pid: number = process.pid): string {
  return `${pid}.${startTime(pid) ?? '0'}`;
}

const TAG = /^(\d+)\.(\d+)$/;

/** True when the tag names a running process; false for anything else, a malformed tag included. */
export function ownerAlive(tag: string): boolean {
  const match = TAG.exec(tag);
  if (!match) return false;
  return startTime(Number(match[1])) === match[2];
}

export function isOwnerTag(text: string): boolean {
  return TAG.test(text);
}
