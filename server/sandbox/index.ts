// The sandbox part's public face: pick a launcher once at start (by a real self-test, after reaping
// what a dead previous run left behind), then launch one sandbox per learner with it.
import os from 'node:os';
import type { LauncherCheck, LauncherStatus } from '../contracts/api.ts';
import { BwrapLauncher, type BwrapOptions } from './bwrap-launcher.ts';
import { reapLeftovers } from './leftovers.ts';
import { PlainLauncher } from './plain-launcher.ts';
import { DEFAULT_LIMITS, formatBytes } from './limits/config.ts';
import { describeChecks, inspectBwrap, selfTest, verifyIsolated } from './preflight.ts';
import type { Launcher, Sandbox } from './types.ts';

export type { Launcher, Sandbox, SandboxSpec, Terminal, TerminalSpec, AppSpec, AppOutput } from './types.ts';
export { BwrapLauncher, type BwrapOptions } from './bwrap-launcher.ts';
export { PlainLauncher } from './plain-launcher.ts';
export { SupervisedSandbox } from './supervised-sandbox.ts';
export { createRunRoot, reapLeftovers } from './leftovers.ts';
export { DEFAULT_LIMITS, DEFAULT_UID_RANGE, type SandboxLimits, type UidRange } from './limits/config.ts';

class NoLauncher implements Launcher {
  readonly status: LauncherStatus;

  constructor(reason: string) {
    this.status = { kind: 'none', sandboxed: false, reason };
  }

  launch(): Promise<Sandbox> {
    return Promise.reject(new Error(`no sandbox is available: ${this.status.reason}`));
  }
}

/** Features a bwrap sandbox must have to be offered at all; the limits are reported, not required. */
const REQUIRED: LauncherCheck['feature'][] = ['sandbox', 'seccomp'];

async function probeBwrap(options: BwrapOptions): Promise<{ problem: string | null; checks: LauncherCheck[] }> {
  if (os.platform() !== 'linux') return { problem: 'bubblewrap needs Linux', checks: [] };
  if (process.arch !== 'x64') return { problem: `the seccomp filter exists for x86_64 only, not ${process.arch}`, checks: [] };
  const probe = new BwrapLauncher({ kind: 'bwrap', sandboxed: true, reason: '' }, options);
  let checks: LauncherCheck[] = [];
  const problem = await selfTest((spec) => probe.launchDetailed(spec), async (launched) => {
    const isolated = verifyIsolated(launched.ready);
    if (isolated) return isolated;
    checks = await inspectBwrap(launched, probe.limits, await probe.cgroupPlan());
    const failed = checks.filter((c) => !c.ok && (REQUIRED.includes(c.feature) || (c.feature === 'uid' && launched.hostUid !== null)));
    return failed.length ? failed.map((c) => c.detail).join('; ') : null;
  });
  return { problem, checks };
}

/**
 * bwrap when its self-test passes; else, when allowed (the default; workshop mode passes false), the
 * plain launcher, whose reason says loudly that it is not a sandbox; else kind 'none'. Limits that
 * could not be applied are named in the reason and in `checks`.
 */
export async function chooseLauncher(options: { allowPlain?: boolean; bwrap?: BwrapOptions; diskBytes?: number } = {}): Promise<Launcher> {
  const allowPlain = options.allowPlain ?? true;
  await reapLeftovers({ uidLeaseDir: options.bwrap?.uidLeaseDir });
  const diskBytes = options.diskBytes ?? DEFAULT_LIMITS.diskBytes;
  const bwrapOptions = { ...options.bwrap, limits: { ...options.bwrap?.limits, diskBytes } };
  const bwrap = await probeBwrap(bwrapOptions);
  if (bwrap.problem === null) {
    return new BwrapLauncher({ kind: 'bwrap', sandboxed: true, reason: describeChecks(bwrap.checks), checks: bwrap.checks }, bwrapOptions);
  }
  if (!allowPlain) return new NoLauncher(`bubblewrap does not work here (${bwrap.problem}) and unsandboxed mode is not allowed`);
  const probe = new PlainLauncher({ kind: 'plain', sandboxed: false, reason: '' });
  const plainProblem = await selfTest((spec) => probe.launchDetailed(spec), () => null);
  if (plainProblem !== null) {
    return new NoLauncher(`bubblewrap does not work here (${bwrap.problem}), nor does a plain supervisor (${plainProblem})`);
  }
  return new PlainLauncher({
    kind: 'plain', sandboxed: false,
    reason: `NOT A SANDBOX: learner code runs as ${os.userInfo().username} with full access to this machine, no limits but a ${formatBytes(diskBytes)} disk quota on the home (bubblewrap: ${bwrap.problem})`,
  }, { diskBytes });
}
