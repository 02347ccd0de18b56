// A sandbox's CPU and memory, read from its cgroup folders. cgroup v2 counts CPU in cpu.stat; a v1 cpu
// hierarchy counts nothing (that is cpuacct's job, and it is mounted apart on hybrid machines), so there
// the CPU time of the cgroup's processes is summed from /proc (children they reaped included). Parsing is
// pure; `readUsage` does the I/O.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Linux's USER_HZ: /proc times are in these ticks. */
const TICKS_PER_SECOND = 100;

/** usage_usec from a v2 cpu.stat, in seconds. */
export function parseCpuStat(text: string): number | null {
  const match = /^usage_usec (\d+)$/m.exec(text);
  return match ? Number(match[1]) / 1e6 : null;
}

/** utime + stime + cutime + cstime from /proc/<pid>/stat, in seconds (the name may hold spaces and parens). */
export function parseProcStatCpu(text: string): number | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) is at index 11 here.
  const ticks = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return ticks.every(Number.isFinite) ? ticks.reduce((a, b) => a + b, 0) / TICKS_PER_SECOND : null;
}

/** CPU in cores between two readings; a process that left without being reaped inside can make time go back. */
export function coresBetween(before: { cpuSeconds: number; at: number }, after: { cpuSeconds: number; at: number }): number {
  const wall = (after.at - before.at) / 1000;
  if (wall <= 0) return 0;
  return Math.max(0, (after.cpuSeconds - before.cpuSeconds) / wall);
}

export interface SandboxUsage {
  /** Cores busy over the last sample. */
  cpu: number;
  memoryBytes: number;
  running: boolean;
}

const read = (file: string) => readFile(file, 'utf8').catch(() => null);

async function cpuSeconds(folders: string[]): Promise<number | null> {
  for (const folder of folders) {
    const acct = await read(join(folder, 'cpuacct.usage'));
    if (acct !== null) return Number(acct) / 1e9;
    const stat = await read(join(folder, 'cpu.stat'));
    const v2 = stat === null ? null : parseCpuStat(stat);
    if (v2 !== null) return v2;
  }
  const procs = folders.length ? await read(join(folders[0]!, 'cgroup.procs')) : null;
  if (procs === null) return null;
  let total = 0;
  for (const pid of procs.split('\n').filter(Boolean)) {
    const stat = await read(`/proc/${pid}/stat`);
    total += stat === null ? 0 : parseProcStatCpu(stat) ?? 0;
  }
  return total;
}

async function memoryBytes(folders: string[]): Promise<number | null> {
  for (const folder of folders) {
    const text = (await read(join(folder, 'memory.current'))) ?? (await read(join(folder, 'memory.usage_in_bytes')));
    if (text !== null) return Number(text);
  }
  return null;
}

/** null when the folders are gone (the sandbox stopped). */
export async function readUsage(folders: string[]): Promise<{ cpuSeconds: number; memoryBytes: number } | null> {
  const [cpu, memory] = await Promise.all([cpuSeconds(folders), memoryBytes(folders)]);
  if (cpu === null && memory === null) return null;
  return { cpuSeconds: cpu ?? 0, memoryBytes: memory ?? 0 };
}
