// Every limit a learner's sandbox gets, in one place. Sized for a learner running Node, tsx, nginx and
// redis at once; a class on one machine multiplies them (see the README's security section).

export interface SandboxLimits {
  /** cgroup memory limit in bytes (swap is set to 0 where the kernel accounts it). */
  memoryBytes: number;
  /** cgroup pids limit: processes and threads (an idle Node has about ten). */
  pids: number;
  /** cgroup CPU quota in cores (1 = one full core). */
  cpuCores: number;
  /** cgroup CPU weight under contention, where a host process has 100. The whole sandbox is one such entity,
   *  so a learner spinning in ten processes gets the share of one; lower it and every learner's typing
   *  waits longer behind host work. */
  cpuWeight: number;
  /** RLIMIT_NOFILE */
  openFiles: number;
  /** RLIMIT_FSIZE: the largest file a learner can write, in the workspace or /tmp. */
  fileBytes: number;
  /** RLIMIT_NPROC for the learner's own host uid (only when the server runs as root). */
  processes: number;
  /** Size of the private /tmp and /dev/shm (tmpfs, charged to the memory limit). */
  tmpBytes: number;
  shmBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 768 * MiB,
  pids: 512,
  cpuCores: 1,
  cpuWeight: 100,
  openFiles: 4096,
  fileBytes: 128 * MiB,
  processes: 512,
  tmpBytes: 64 * MiB,
  shmBytes: 16 * MiB,
};

/** Host uids handed to learners, one each, when the server runs as root. */
export interface UidRange {
  first: number;
  last: number;
}

export const DEFAULT_UID_RANGE: UidRange = { first: 23000, last: 23999 };

export function formatBytes(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB}M` : `${bytes}B`;
}
