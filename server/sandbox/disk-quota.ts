// A learner's disk quota, kept by the host while their sandbox runs. The home is a folder of the host's
// own filesystem (the file API and the editor write it while no sandbox runs), so nothing in the kernel
// bounds it; instead the host watches it: a statfs of the filesystem every tenth of a second (one system
// call) notices growth, and then a walk of the home (disk-usage.ts) says whose it is. A sandbox over its
// limit is ended as a whole, which stops every writer at once (the app, a service, a loop in a shell),
// and the learner is told why in their terminals and on the page. What it can still write meanwhile is
// one poll and one walk's worth at the disk's speed.
import fs from 'node:fs/promises';
import { measureUsage, type DiskUsage } from './disk-usage.ts';

const MiB = 1024 * 1024;
const POLL_MS = 100;
/** A walk at least this often, whatever statfs says (another process freeing space could hide growth). */
const WALK_EVERY_MS = 5_000;
/** Room a sandbox started over the quota gets, so the learner can open a shell and delete files. */
export const OVER_QUOTA_ROOM_BYTES = 16 * MiB;

export function formatSize(bytes: number): string {
  return bytes >= 1024 * MiB ? `${(bytes / (1024 * MiB)).toFixed(1)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

export type Allowance = { limit: number } | { refused: string };

/**
 * How far a sandbox starting with `used` in its home may let it grow. Under the quota: up to the quota.
 * Over it (a sandbox was ended there, or files came from elsewhere): a little room to work and delete,
 * never past twice the quota, so ending and starting again and again cannot grow it without bound.
 */
export function allowance(used: DiskUsage, quota: number): Allowance {
  if (used.incomplete !== null) {
    return { refused: `your sandbox cannot start: the disk quota cannot be checked (${used.incomplete}); whoever runs this playground can make room` };
  }
  if (used.bytes <= quota) return { limit: quota };
  const limit = Math.min(2 * quota, used.bytes + OVER_QUOTA_ROOM_BYTES);
  if (used.bytes < limit) return { limit };
  return { refused: `your sandbox cannot start: your files take ${formatSize(used.bytes)}, more than twice the disk quota of ${formatSize(quota)}; whoever runs this playground can make room` };
}

/** The reason a sandbox is ended with, or null while it is within `limit`. */
export function overLimit(used: DiskUsage, limit: number, quota: number): string | null {
  if (used.incomplete !== null) return `disk quota: ${used.incomplete} in your home; everything in the sandbox was stopped`;
  if (used.bytes <= limit) return null;
  return `disk quota exceeded: your files take ${formatSize(used.bytes)} of ${formatSize(quota)}; everything in the sandbox was stopped, delete files (rm in a terminal) to go on`;
}

export interface QuotaWatch {
  home: string;
  /** Where it ends the sandbox (allowance) and the quota itself, for the message. */
  limit: number;
  quota: number;
  /** What the home held when the sandbox started. */
  used: number;
}

/** The watch for a sandbox about to start on `home`; throws, saying why, when it may not start. */
export async function quotaForStart(home: string, quota: number): Promise<QuotaWatch> {
  const used = await measureUsage(home);
  const allowed = allowance(used, quota);
  if ('refused' in allowed) throw new Error(allowed.refused);
  return { home, limit: allowed.limit, quota, used: used.bytes };
}

async function filesystemUse(dir: string): Promise<number | null> {
  try {
    const stats = await fs.statfs(dir);
    return (stats.blocks - stats.bfree) * stats.bsize;
  } catch {
    return null;
  }
}

/**
 * Watches a home until stopped; calls `over` once, with the reason, when it passes its limit. The home
 * can only have grown as much as the whole filesystem has since its last walk, so it is walked again
 * only once the filesystem has grown by the home's headroom: a learner far from the limit costs a statfs
 * per poll, however much others write, and one near it is walked at once.
 */
export function watchDiskQuota(watch: QuotaWatch, over: (reason: string) => void): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastWalk = Date.now();
  let used = watch.used;
  let useAtWalk: number | null = null;
  const tick = async () => {
    const use = await filesystemUse(watch.home);
    const grown = use === null || useAtWalk === null ? Infinity : use - useAtWalk;
    if (grown < watch.limit - used && Date.now() - lastWalk < WALK_EVERY_MS) return;
    lastWalk = Date.now();
    useAtWalk = use;
    const measured = await measureUsage(watch.home);
    used = measured.bytes;
    const reason = overLimit(measured, watch.limit, watch.quota);
    if (reason === null || stopped) return;
    stopped = true;
    over(reason);
  };
  const schedule = () => {
    if (!stopped) timer = setTimeout(() => void tick().catch(() => undefined).then(schedule), POLL_MS);
  };
  void filesystemUse(watch.home).then((use) => {
    useAtWalk = use;
    schedule();
  });
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
