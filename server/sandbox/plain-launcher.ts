// The plain launcher: the same supervisor as an ordinary child process, for machines without a working
// bubblewrap (macOS, locked-down kernels). NOT a sandbox: learner code runs as the server's user with
// everything that user can reach. Everything above the launcher works the same.
import os from 'node:os';
import path from 'node:path';
import type { LauncherStatus } from '../contracts/api.ts';
import { launchSupervisor, type LaunchedSupervisor } from './launch-supervisor.ts';
import { learnerEnv } from './learner-env.ts';
import { DEFAULT_LIMITS } from './limits/config.ts';
import { PROJECT_ROOT, SUPERVISOR_MAIN } from './supervisor-code.ts';
import type { Launcher, Sandbox, SandboxSpec } from './types.ts';

export class PlainLauncher implements Launcher {
  readonly status: LauncherStatus;
  /** The disk quota of the home: the one limit a plain supervisor can keep, since the host keeps it. */
  readonly diskBytes: number;

  constructor(status: LauncherStatus, options: { diskBytes?: number } = {}) {
    this.status = status;
    this.diskBytes = options.diskBytes ?? DEFAULT_LIMITS.diskBytes;
  }

  async launch(spec: SandboxSpec): Promise<Sandbox> {
    return (await this.launchDetailed(spec)).sandbox;
  }

  launchDetailed(spec: SandboxSpec): Promise<LaunchedSupervisor> {
    const home = path.resolve(spec.homeDir);
    return launchSupervisor(spec, {
      file: process.execPath,
      // The `lab` socket goes in the host-only run folder, which the host removes even if the supervisor is killed.
      args: [path.join(PROJECT_ROOT, SUPERVISOR_MAIN), '--home', home, '--socket-dir', spec.runDir],
      env: learnerEnv(path.dirname(process.execPath), home, os.userInfo().username),
      cwd: home,
      feeds: [],
    }, this.diskBytes);
  }
}
