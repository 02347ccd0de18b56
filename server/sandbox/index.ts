// The sandbox part's public face: pick a launcher once at start (by a real self-test), then launch one
// sandbox per learner with it.
import os from 'node:os';
import type { LauncherStatus } from '../contracts/api.ts';
import { BwrapLauncher } from './bwrap-launcher.ts';
import { PlainLauncher } from './plain-launcher.ts';
import { selfTest, verifyIsolated } from './preflight.ts';
import type { Launcher, Sandbox } from './types.ts';

export type { Launcher, Sandbox, SandboxSpec, Terminal, TerminalSpec, AppSpec, AppOutput } from './types.ts';
export { BwrapLauncher } from './bwrap-launcher.ts';
export { PlainLauncher } from './plain-launcher.ts';
export { SupervisedSandbox } from './supervised-sandbox.ts';

class NoLauncher implements Launcher {
  readonly status: LauncherStatus;

  constructor(reason: string) {
    this.status = { kind: 'none', sandboxed: false, reason };
  }

  launch(): Promise<Sandbox> {
    return Promise.reject(new Error(`no sandbox is available: ${this.status.reason}`));
  }
}

/**
 * bwrap when its self-test passes; else, when allowed (the default; workshop mode passes false), the
 * plain launcher, whose reason says loudly that it is not a sandbox; else kind 'none'.
 */
export async function chooseLauncher(options: { allowPlain?: boolean } = {}): Promise<Launcher> {
  const allowPlain = options.allowPlain ?? true;
  let bwrapProblem: string | null;
  if (os.platform() !== 'linux') {
    bwrapProblem = 'bubblewrap needs Linux';
  } else {
    const probe = new BwrapLauncher({ kind: 'bwrap', sandboxed: true, reason: '' });
    bwrapProblem = await selfTest((spec) => probe.launchDetailed(spec), verifyIsolated);
  }
  if (bwrapProblem === null) {
    return new BwrapLauncher({
      kind: 'bwrap', sandboxed: true,
      reason: 'bubblewrap sandbox: own user (uid 1000), loopback-only network, private /tmp, read-only system',
    });
  }
  if (!allowPlain) return new NoLauncher(`bubblewrap does not work here (${bwrapProblem}) and unsandboxed mode is not allowed`);
  const probe = new PlainLauncher({ kind: 'plain', sandboxed: false, reason: '' });
  const plainProblem = await selfTest((spec) => probe.launchDetailed(spec), () => null);
  if (plainProblem !== null) {
    return new NoLauncher(`bubblewrap does not work here (${bwrapProblem}), nor does a plain supervisor (${plainProblem})`);
  }
  return new PlainLauncher({
    kind: 'plain', sandboxed: false,
    reason: `NOT A SANDBOX: learner code runs as ${os.userInfo().username} with full access to this machine (bubblewrap: ${bwrapProblem})`,
  });
}
