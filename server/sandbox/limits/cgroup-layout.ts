// Where cgroup controllers live on this machine, read from /proc: cgroup v1 hierarchies (one mount per
// controller), the v2 unified mount, and this process's place in each. Pure parsing, no writes.

export const CONTROLLERS = ['memory', 'pids', 'cpu'] as const;
export type Controller = (typeof CONTROLLERS)[number];

export interface Mounts {
  /** v1 mount point per controller. */
  v1: Partial<Record<Controller, string>>;
  /** The cgroup2 mount point (on a hybrid machine, usually /sys/fs/cgroup/unified). */
  v2: string | null;
}

/** From /proc/self/mountinfo. */
export function parseMountinfo(text: string): Mounts {
  const mounts: Mounts = { v1: {}, v2: null };
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4];
    const [fsType, , superOptions = ''] = right.split(' ');
    if (!mountPoint) continue;
    if (fsType === 'cgroup2') mounts.v2 ??= mountPoint;
    if (fsType !== 'cgroup') continue;
    const options = superOptions.split(',');
    for (const controller of CONTROLLERS) {
      if (options.includes(controller)) mounts.v1[controller] ??= mountPoint;
    }
  }
  return mounts;
}

export interface Membership {
  v1: Partial<Record<Controller, string>>;
  v2: string | null;
}

/** From /proc/self/cgroup: "id:controllers:path" lines; "0::path" is the v2 one. */
export function parseProcCgroup(text: string): Membership {
  const membership: Membership = { v1: {}, v2: null };
  for (const line of text.split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, id, list, where] = match as unknown as [string, string, string, string];
    if (id === '0' && list === '') membership.v2 = where;
    for (const controller of list.split(',')) {
      if ((CONTROLLERS as readonly string[]).includes(controller)) membership.v1[controller as Controller] = where;
    }
  }
  return membership;
}

/** What to write for each limit: [file, value] per controller and version, in the order to write them. */
export function limitFiles(controller: Controller, version: 1 | 2, limits: { memoryBytes: number; pids: number; cpuCores: number; cpuWeight: number }): [string, string][] {
  // A short period: a spinning sandbox is throttled in small slices, not in 100 ms stalls of everyone else.
  const period = 20_000;
  const quota = String(Math.max(1000, Math.round(limits.cpuCores * period)));
  if (version === 1) {
    switch (controller) {
      case 'memory': return [['memory.limit_in_bytes', String(limits.memoryBytes)], ['memory.memsw.limit_in_bytes', String(limits.memoryBytes)]];
      case 'pids': return [['pids.max', String(limits.pids)]];
      case 'cpu': return [['cpu.shares', String(Math.round((limits.cpuWeight * 1024) / 100))], ['cpu.cfs_period_us', String(period)], ['cpu.cfs_quota_us', quota]];
    }
  }
  switch (controller) {
    case 'memory': return [['memory.max', String(limits.memoryBytes)], ['memory.swap.max', '0']];
    case 'pids': return [['pids.max', String(limits.pids)]];
    case 'cpu': return [['cpu.weight', String(limits.cpuWeight)], ['cpu.max', `${quota} ${period}`]];
  }
}

/** Files that may be absent without the limit being missing (swap accounting off, or no swap at all). */
export const OPTIONAL_FILES = new Set(['memory.memsw.limit_in_bytes', 'memory.swap.max']);
