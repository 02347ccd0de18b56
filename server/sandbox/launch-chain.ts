// The command that starts bwrap, as a pure function. Each step narrows the next, in this order:
//   unshare -m (root only)  a private mount namespace in which the folders bwrap binds are staged on a
//                            small tmpfs at /tmp (the host's /tmp is only hidden for this process), so
//                            the learner's uid can reach them whatever the host path's permissions are
//   sh                      joins the sandbox's cgroups before anything of the learner exists
//   prlimit                 rlimits (no RLIMIT_AS: Node reserves far more than it uses; no RLIMIT_CPU)
//   setpriv (root only)     the learner's own host uid and gid, no groups, no capabilities, no_new_privs
//   bwrap                   the sandbox
// The shell is gone once it has exec'd: the learner never sees its arguments or environment.

export const STAGE_DIR = '/tmp';

export interface ChainPlan {
  /** Host folders to stage (root only): `name` becomes /tmp/<name> for bwrap. */
  stage: { src: string; name: string }[] | null;
  /** The host-only folder the staging tmpfs is mounted on first (it is then moved to /tmp). */
  stageMount: string;
  cgroupProcs: string[];
  rlimits: { name: 'nofile' | 'fsize' | 'core' | 'nproc'; value: number }[];
  drop: { uid: number; gid: number } | null;
  /** bwrap and its arguments. */
  command: string[];
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const STAGE_NAME = /^[a-z][a-z0-9-]*$/;

function script(plan: ChainPlan): string {
  const lines = ['set -e'];
  if (plan.stage) {
    const mount = shellQuote(plan.stageMount);
    lines.push(`mount -t tmpfs -o mode=0711,size=64k cometlab-stage ${mount}`);
    for (const { src, name } of plan.stage) {
      if (!STAGE_NAME.test(name)) throw new Error(`bad stage name ${name}`);
      lines.push(`mkdir ${shellQuote(`${plan.stageMount}/${name}`)}`, `mount --bind ${shellQuote(src)} ${shellQuote(`${plan.stageMount}/${name}`)}`);
    }
    lines.push(`mount --move ${mount} ${STAGE_DIR}`);
  }
  for (const file of plan.cgroupProcs) lines.push(`echo $$ > ${shellQuote(file)}`);
  lines.push('unset PWD OLDPWD', 'exec "$@"');
  return lines.join('\n');
}

export function launchChain(plan: ChainPlan): { file: string; args: string[] } {
  if (plan.drop && (plan.drop.uid === 0 || plan.drop.gid === 0)) throw new Error('a learner is never uid or gid 0');
  const tail = [
    'prlimit', ...plan.rlimits.map(({ name, value }) => `--${name}=${value}:${value}`), '--',
    ...(plan.drop ? ['setpriv', `--reuid=${plan.drop.uid}`, `--regid=${plan.drop.gid}`, '--clear-groups',
      '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--'] : []),
    ...plan.command,
  ];
  if (!plan.stage && plan.cgroupProcs.length === 0) return { file: 'prlimit', args: tail.slice(1) };
  const shell = ['/bin/sh', '-c', script(plan), 'cometlab-launch', ...tail];
  if (!plan.stage) return { file: shell[0]!, args: shell.slice(1) };
  return { file: 'unshare', args: ['--mount', '--propagation', 'private', '--', ...shell] };
}
