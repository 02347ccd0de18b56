// The bubblewrap launcher: one sandbox per learner with the supervisor inside (bwrap-args.ts says what
// it isolates, launch-chain.ts how it is started). bwrap gets every option through --args so
// /proc/1/cmdline inside shows no host path, and a near-empty env because its pid 1 keeps it (readable
// in /proc/1/environ). As root, each sandbox runs as a host uid of its own from a pool.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { LauncherStatus } from '../contracts/api.ts';
import { buildBwrapArgs, encodeArgs, etcFiles, SANDBOX_CODE_ROOT, SANDBOX_HOME, SANDBOX_NODE_PREFIX } from './bwrap-args.ts';
import { ownTree } from './home-ownership.ts';
import { launchChain, STAGE_DIR } from './launch-chain.ts';
import { FIRST_EXTRA_FD, launchSupervisor, type LaunchedSupervisor } from './launch-supervisor.ts';
import { LAUNCHER_ENV, learnerEnv } from './learner-env.ts';
import { createSandboxCgroup, planCgroups, type CgroupPlan, type SandboxCgroup } from './limits/cgroups.ts';
import { DEFAULT_LIMITS, DEFAULT_UID_RANGE, type SandboxLimits, type UidRange } from './limits/config.ts';
import { UidPool, type UidLease } from './limits/uid-pool.ts';
import { sandboxSeccompProgram } from './seccomp/sandbox-policy.ts';
import { SUPERVISOR_MAIN, supervisorMounts } from './supervisor-code.ts';
import type { Launcher, Sandbox, SandboxSpec } from './types.ts';

const GONE_TIMEOUT_MS = 3000;

/** What bwrap reports on --json-status-fd: host pid of the sandbox's pid 1 and namespace inodes. */
export interface BwrapStatus {
  childPid: number;
  pidNamespace: number;
}

export interface BwrapLaunched extends LaunchedSupervisor {
  bwrap: Promise<BwrapStatus>;
  /** The learner's host uid, or null when the server is not root (the sandbox then runs as the server's user). */
  hostUid: number | null;
  /** The sandbox's cgroup folders (empty where no controller could be used). */
  cgroupFolders: string[];
}

export interface BwrapOptions {
  limits?: Partial<SandboxLimits>;
  uidRange?: UidRange;
  /** Where uid leases are kept (root-only folder). */
  uidLeaseDir?: string;
}

function nodeLayout(): { prefix: string | null; nodeInside: string } {
  const exec = fs.realpathSync(process.execPath);
  const prefix = path.dirname(path.dirname(exec));
  if (prefix === '/usr' || prefix.startsWith('/usr/')) return { prefix: null, nodeInside: exec };
  return { prefix, nodeInside: path.join(SANDBOX_NODE_PREFIX, path.relative(prefix, exec)) };
}

function rootEntries(): { name: string; symlinkTo: string | null }[] {
  return ['bin', 'lib', 'lib64', 'lib32', 'sbin'].flatMap((name) => {
    const stat = fs.lstatSync(`/${name}`, { throwIfNoEntry: false });
    if (!stat) return [];
    return [{ name, symlinkTo: stat.isSymbolicLink() ? fs.readlinkSync(`/${name}`) : null }];
  });
}

function readStatus(stream: Readable): Promise<BwrapStatus> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    const onData = (chunk: string) => {
      text += chunk;
      for (const line of text.split('\n')) {
        try {
          const doc = JSON.parse(line) as Record<string, unknown>;
          if (typeof doc['child-pid'] === 'number' && typeof doc['pid-namespace'] === 'number') {
            stream.off('data', onData);
            stream.resume();
            resolve({ childPid: doc['child-pid'], pidNamespace: doc['pid-namespace'] });
            return;
          }
        } catch {
          // an incomplete line; wait for more
        }
      }
      if (text.length > 65536) reject(new Error('bwrap status is too long'));
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error('bwrap ended before reporting its status')));
  });
}

/**
 * True while the sandbox's pid 1 still runs. Its exit takes every other process of the namespace with
 * it (the kernel kills them and waits for them first), so a zombie pid 1 means nothing is left. A zombie
 * it is for a while: once bwrap is gone, the host's init reaps it whenever it gets to it.
 */
function sandboxRuns(status: BwrapStatus): boolean {
  try {
    if (fs.readlinkSync(`/proc/${status.childPid}/ns/pid`) !== `pid:[${status.pidNamespace}]`) return false;
    const stat = fs.readFileSync(`/proc/${status.childPid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export class BwrapLauncher implements Launcher {
  readonly status: LauncherStatus;
  readonly limits: SandboxLimits;
  readonly #uids: UidPool;
  #cgroups: Promise<CgroupPlan> | null = null;

  constructor(status: LauncherStatus, options: BwrapOptions = {}) {
    this.status = status;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#uids = new UidPool(options.uidRange ?? DEFAULT_UID_RANGE, options.uidLeaseDir);
  }

  /** The cgroup controllers this launcher can use, found once. */
  cgroupPlan(): Promise<CgroupPlan> {
    this.#cgroups ??= planCgroups();
    return this.#cgroups;
  }

  get uidRange(): UidRange {
    return this.#uids.range;
  }

  async launch(spec: SandboxSpec): Promise<Sandbox> {
    return (await this.launchDetailed(spec)).sandbox;
  }

  async launchDetailed(spec: SandboxSpec): Promise<BwrapLaunched> {
    const seccomp = sandboxSeccompProgram();
    if (!seccomp) throw new Error(`no seccomp filter for ${process.arch}: this launcher is x86_64 only`);
    const homeDir = fs.realpathSync(spec.homeDir);
    const root = process.getuid?.() === 0;
    let lease: UidLease | null = null;
    let cgroup: SandboxCgroup | null = null;
    let releasing: Promise<void> | null = null;
    const release = () => (releasing ??= (async () => {
      await cgroup?.remove().catch(() => undefined);
      await lease?.release();
    })());
    try {
      if (root) {
        lease = await this.#uids.acquire(homeDir);
        const { first, last } = this.#uids.range;
        await ownTree(homeDir, lease.uid, lease.uid, (owner) => owner === 0 || (owner >= first && owner <= last));
      }
      const plan = await this.cgroupPlan();
      if (plan.places.length > 0) cgroup = await createSandboxCgroup(plan, this.limits);
      const launched = await this.#start(spec, homeDir, seccomp, lease?.uid ?? null, cgroup, release);
      return { ...launched, hostUid: lease?.uid ?? null, cgroupFolders: cgroup?.folders ?? [] };
    } catch (error) {
      await release();
      throw error;
    }
  }

  async #start(spec: SandboxSpec, homeDir: string, seccomp: Buffer, uid: number | null, cgroup: SandboxCgroup | null, release: () => Promise<void>) {
    const node = nodeLayout();
    const code = supervisorMounts();
    // As root the learner's uid may not be able to walk the host paths to these folders: they are
    // staged (bind-mounted in a private mount namespace) under /tmp where bwrap can reach them.
    const staged = uid !== null;
    const at = (src: string, name: string) => (staged ? `${STAGE_DIR}/${name}` : src);
    const stage = [
      { src: homeDir, name: 'home' },
      ...(node.prefix ? [{ src: node.prefix, name: 'node' }] : []),
      ...code.map(({ src }, i) => ({ src, name: `code-${i}` })),
    ];
    const files = [...etcFiles(), { dest: `${SANDBOX_CODE_ROOT}/package.json`, content: '{"type":"module"}\n' }];
    // fd layout after the supervisor's own: the --args blob, one fd per data file, seccomp, then status.
    const argsFd = FIRST_EXTRA_FD;
    const dataFiles = files.map((file, i) => ({ fd: argsFd + 1 + i, dest: file.dest }));
    const seccompFd = argsFd + 1 + files.length;
    const jsonStatusFd = seccompFd + 1;
    const args = buildBwrapArgs({
      rootEntries: rootEntries(),
      nodePrefix: node.prefix ? at(node.prefix, 'node') : null,
      codeMounts: code.map(({ src, rel }, i) => ({ src: at(src, `code-${i}`), dest: `${SANDBOX_CODE_ROOT}/${rel}` })),
      homeDir: at(homeDir, 'home'),
      dataFiles,
      jsonStatusFd,
      seccompFd,
      env: learnerEnv(path.dirname(node.nodeInside), SANDBOX_HOME, 'learner'),
      tmpBytes: this.limits.tmpBytes,
      shmBytes: this.limits.shmBytes,
    });
    const chain = launchChain({
      stage: staged ? stage : null,
      stageMount: spec.runDir,
      cgroupProcs: cgroup?.procsFiles ?? [],
      rlimits: [
        { name: 'nofile', value: this.limits.openFiles },
        { name: 'fsize', value: this.limits.fileBytes },
        { name: 'core', value: 0 },
        // Per uid: only meaningful, and only safe, when the uid is the learner's alone.
        ...(uid !== null ? [{ name: 'nproc' as const, value: this.limits.processes }] : []),
      ],
      drop: uid !== null ? { uid, gid: uid } : null,
      // Only sandbox paths on bwrap's visible command line; host paths stay in the --args blob.
      command: ['bwrap', '--args', String(argsFd), '--', node.nodeInside, `${SANDBOX_CODE_ROOT}/${SUPERVISOR_MAIN}`, '--home', SANDBOX_HOME],
    });

    let status: Promise<BwrapStatus> | null = null;
    const launched = await launchSupervisor(spec, {
      file: chain.file,
      args: chain.args,
      env: LAUNCHER_ENV,
      cwd: '/',
      feeds: [encodeArgs(args), ...files.map((file) => Buffer.from(file.content, 'utf8')), seccomp],
      killEndsAll: true, // the pid namespace dies with bwrap (--die-with-parent)
      beforeAppStart: () => cgroup?.boostCpu(),
      async waitGone() {
        // bwrap's own exit does not wait for the namespace to empty when it was killed.
        const known = await status?.catch(() => null);
        if (known) {
          const deadline = Date.now() + GONE_TIMEOUT_MS;
          while (sandboxRuns(known) && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
        await release();
      },
      onStatus(stream) {
        status = readStatus(stream);
        status.catch(() => undefined);
      },
    }, this.limits.diskBytes);
    return { ...launched, bwrap: status! };
  }
}
