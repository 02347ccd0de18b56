// The bubblewrap launcher: one sandbox per learner with the supervisor inside (see bwrap-args.ts for
// what it isolates). bwrap gets every option through --args so /proc/1/cmdline inside shows no host
// path, and a near-empty env because its pid 1 keeps it (readable in /proc/1/environ).
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { LauncherStatus } from '../contracts/api.ts';
import { buildBwrapArgs, encodeArgs, etcFiles, SANDBOX_CODE_ROOT, SANDBOX_HOME, SANDBOX_NODE_PREFIX } from './bwrap-args.ts';
import { FIRST_EXTRA_FD, launchSupervisor, type LaunchedSupervisor } from './launch-supervisor.ts';
import { LAUNCHER_ENV, learnerEnv } from './learner-env.ts';
import { SUPERVISOR_MAIN, supervisorMounts } from './supervisor-code.ts';
import type { Launcher, Sandbox, SandboxSpec } from './types.ts';

const TMP_BYTES = 64 * 1024 * 1024;
const SHM_BYTES = 16 * 1024 * 1024;
const GONE_TIMEOUT_MS = 3000;

/** What bwrap reports on --json-status-fd: host pid of the sandbox's pid 1 and namespace inodes. */
export interface BwrapStatus {
  childPid: number;
  pidNamespace: number;
}

export interface BwrapLaunched extends LaunchedSupervisor {
  bwrap: Promise<BwrapStatus>;
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

  constructor(status: LauncherStatus) {
    this.status = status;
  }

  async launch(spec: SandboxSpec): Promise<Sandbox> {
    return (await this.launchDetailed(spec)).sandbox;
  }

  async launchDetailed(spec: SandboxSpec): Promise<BwrapLaunched> {
    const homeDir = fs.realpathSync(spec.homeDir);
    const node = nodeLayout();
    const files = [...etcFiles(), { dest: `${SANDBOX_CODE_ROOT}/package.json`, content: '{"type":"module"}\n' }];
    // fd layout after the supervisor's own: the --args blob, one fd per data file, then the status fd.
    const argsFd = FIRST_EXTRA_FD;
    const dataFiles = files.map((file, i) => ({ fd: argsFd + 1 + i, dest: file.dest }));
    const jsonStatusFd = argsFd + 1 + files.length;
    const args = buildBwrapArgs({
      rootEntries: rootEntries(),
      nodePrefix: node.prefix,
      codeMounts: supervisorMounts().map(({ src, rel }) => ({ src, dest: `${SANDBOX_CODE_ROOT}/${rel}` })),
      homeDir,
      dataFiles,
      jsonStatusFd,
      env: learnerEnv(path.dirname(node.nodeInside), SANDBOX_HOME, 'learner'),
      tmpBytes: TMP_BYTES,
      shmBytes: SHM_BYTES,
    });

    let status: Promise<BwrapStatus> | null = null;
    const launched = await launchSupervisor(spec, {
      file: 'bwrap',
      // Only sandbox paths on the visible command line; host paths stay in the --args blob.
      args: ['--args', String(argsFd), '--', node.nodeInside, `${SANDBOX_CODE_ROOT}/${SUPERVISOR_MAIN}`, '--home', SANDBOX_HOME],
      env: LAUNCHER_ENV,
      cwd: '/',
      feeds: [encodeArgs(args), ...files.map((file) => Buffer.from(file.content, 'utf8'))],
      async waitGone() {
        // bwrap's own exit does not wait for the namespace to empty when it was killed.
        const known = await status?.catch(() => null);
        if (!known) return;
        const deadline = Date.now() + GONE_TIMEOUT_MS;
        while (sandboxRuns(known) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      onStatus(stream) {
        status = readStatus(stream);
        status.catch(() => undefined);
      },
    });
    return { ...launched, bwrap: status! };
  }
}
