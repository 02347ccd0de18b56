// Starting a supervisor process, shared by every launcher: the channel and relay fds in the layout the
// supervisor expects, extra inputs for the launcher (bwrap's --args and data files), an explicit env.
import { spawn, type StdioOptions } from 'node:child_process';
import fs from 'node:fs/promises';
import type { Duplex, Readable, Writable } from 'node:stream';
import { CHANNEL_FD, RELAY_FDS, RELAY_PORTS } from '../protocol/layout.ts';
import { quotaForStart, watchDiskQuota } from './disk-quota.ts';
import { listenRelaySockets } from './relay-sockets.ts';
import { SupervisedSandbox, type SupervisorReady } from './supervised-sandbox.ts';
import type { SandboxSpec } from './types.ts';

export interface SupervisorCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Written to the fds that follow the relay fds (FIRST_EXTRA_FD, +1, ...) and then closed. */
  feeds: Buffer[];
  /** When given, one more fd after the feeds, handed to this reader (bwrap's --json-status-fd). */
  onStatus?(stream: Readable): void;
  /** After the process has exited: wait until nothing of the sandbox runs any more. */
  waitGone?(): Promise<void>;
  /** Killing the process ends everything it started (a pid namespace of its own). */
  killEndsAll?: boolean;
  /** Just before the app starts (bwrap: a moment of a whole core, see cgroups.ts). */
  beforeAppStart?(): void;
}

export const FIRST_EXTRA_FD = Math.max(CHANNEL_FD, ...Object.values(RELAY_FDS)) + 1;

export interface LaunchedSupervisor {
  sandbox: SupervisedSandbox;
  ready: SupervisorReady;
}

/** `diskQuotaBytes`: the most the home may hold (disk-quota.ts), or undefined for no quota. */
export async function launchSupervisor(spec: SandboxSpec, command: SupervisorCommand, diskQuotaBytes?: number): Promise<LaunchedSupervisor> {
  const disk = diskQuotaBytes === undefined ? null : await quotaForStart(spec.homeDir, diskQuotaBytes);
  await fs.mkdir(spec.runDir, { recursive: true, mode: 0o700 });
  const relays = await listenRelaySockets(spec.runDir);
  const stdio: StdioOptions = ['ignore', 'ignore', 'pipe', 'pipe'];
  for (const port of RELAY_PORTS) stdio[RELAY_FDS[port]] = relays.fds[port];
  for (let i = 0; i < command.feeds.length + (command.onStatus ? 1 : 0); i++) stdio[FIRST_EXTRA_FD + i] = 'pipe';

  let child;
  try {
    child = spawn(command.file, command.args, { cwd: command.cwd, env: command.env, stdio });
  } catch (error) {
    await relays.release();
    throw error;
  }
  // A failed spawn is reported by SupervisedSandbox (its 'error' handler); until it exists, don't crash.
  child.once('error', () => undefined);
  const released = relays.release();
  // These socketpairs may be reset when the other side closes them after reading; that is their normal
  // end, not a failure (a broken channel is noticed by the Channel itself).
  for (const stream of child.stdio) stream?.on('error', () => undefined);
  command.feeds.forEach((feed, i) => (child.stdio[FIRST_EXTRA_FD + i] as Writable | null)?.end(feed));
  const status = child.stdio[FIRST_EXTRA_FD + command.feeds.length] as Readable | null;
  if (command.onStatus && status) command.onStatus(status);

  // Once, whether the host stops the sandbox or it ends by itself (a killed supervisor must not leave
  // its cgroup, uid lease or sockets behind until someone calls stop()).
  let cleaning: Promise<void> | null = null;
  let quota: { stop(): void } | null = null;
  const cleanUp = () => (cleaning ??= (async () => {
    quota?.stop();
    await command.waitGone?.();
    await Promise.all(Object.values(relays.paths).map((p) => fs.rm(p, { force: true })));
  })());
  child.once('exit', () => void cleanUp().catch(() => undefined));
  const sandbox = new SupervisedSandbox({
    learnerId: spec.learnerId,
    child,
    channel: child.stdio[CHANNEL_FD] as unknown as Duplex,
    relayPaths: relays.paths,
    cleanUp,
    killEndsAll: command.killEndsAll,
    beforeAppStart: command.beforeAppStart,
  });
  if (disk) quota = watchDiskQuota(disk, (reason) => void sandbox.abort(reason));
  await released;
  try {
    return { sandbox, ready: await sandbox.ready() };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}
