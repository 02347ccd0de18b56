// Every limit a learner's sandbox gets, in one place. Sized for a learner running Node, tsx, nginx and
// redis at once; a class on one machine multiplies them (see the README's security section).
import { availableParallelism } from 'node:os';

export interface SandboxLimits {
  /** cgroup memory limit in bytes (swap is set to 0 where the kernel accounts it). */
  memoryBytes: number;
  /** cgroup pids limit: processes and threads (an idle Node has about ten). */
  pids: number;
  /** cgroup CPU quota in cores (1 = one full core); by default it depends on the machine (defaultCpuCores). */
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
  /** The most the learner's home may hold on disk, kept by the host (disk-quota.ts); --disk-quota. */
  diskBytes: number;
}

const MiB = 1024 * 1024;

/**
 * A learner's CPU quota: a quarter of the machine's cores, at least 0.25 and at most 1. The quota is
 * per period, not per moment: a learner spinning in several processes takes every core at once until
 * the quota is used, and everyone else waits meanwhile, quota x period / cores each period. A quarter
 * of the cores keeps that wait at a quarter period (5 ms) up to 4 cores and shorter beyond; one core on
 * 2 cores was measured at about 4x another learner's idle echo p99, half a core within 3x.
 */
export function defaultCpuCores(cores = availableParallelism()): number {
  return Math.min(1, Math.max(0.25, Math.round((cores / 4) * 100) / 100));
}

/** The rule in words, for the preflight line. */
export function describeCpuRule(cores = availableParallelism()): string {
  return `a quarter of this machine's ${cores} core${cores === 1 ? '' : 's'}, within 0.25 to 1`;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 768 * MiB,
  pids: 512,
  cpuCores: defaultCpuCores(),
  cpuWeight: 100,
  openFiles: 4096,
  fileBytes: 128 * MiB,
  processes: 512,
  tmpBytes: 64 * MiB,
  shmBytes: 16 * MiB,
  diskBytes: 512 * MiB,
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
