// The bubblewrap command line of a learner's sandbox, as a pure function so its security-relevant flags
// can be checked by a unit test. Deliberately absent: --new-session (it takes the shell's controlling
// terminal away: no job control, and Ctrl-C would kill the whole sandbox) and any bind of the project
// checkout, /home, /root, /etc, /run or the data folder.

export const SANDBOX_HOME = '/home/learner';
export const SANDBOX_NODE_PREFIX = '/opt/node';
export const SANDBOX_CODE_ROOT = '/opt/cometlab';
export const LEARNER_UID = 1000;

export interface BwrapPlan {
  /** Host /bin, /lib, ...: a symlink into /usr is recreated, a real folder is bound read-only. */
  rootEntries: { name: string; symlinkTo: string | null }[];
  /** Node's install prefix on the host when it is not under /usr (it is then bound at /opt/node). */
  nodePrefix: string | null;
  /** Read-only binds of the supervisor's code and runtime dependencies, dest under SANDBOX_CODE_ROOT. */
  codeMounts: { src: string; dest: string }[];
  homeDir: string;
  /** fds (open in bwrap) whose contents become read-only files inside: /etc/passwd and friends. */
  dataFiles: { fd: number; dest: string }[];
  jsonStatusFd: number;
  /** fd of the seccomp program (sandbox-policy.ts), or null where we have none for this arch. */
  seccompFd: number | null;
  env: Record<string, string>;
  tmpBytes: number;
  shmBytes: number;
}

/** The options only: bwrap 0.8 takes the command from its real argv, not from --args. */
export function buildBwrapArgs(plan: BwrapPlan): string[] {
  const args = [
    '--unshare-all', // user, ipc, pid, net (loopback only), uts, cgroup
    '--unshare-user', // --unshare-all only *tries* a user namespace; --uid needs one
    '--disable-userns', // no user namespace inside: the door to most kernel attack surface for non-root
    '--uid', String(LEARNER_UID), '--gid', String(LEARNER_UID), // as host root, no --uid means a capable root inside
    '--cap-drop', 'ALL',
    '--die-with-parent',
    '--hostname', 'lab',
    '--json-status-fd', String(plan.jsonStatusFd),
    ...(plan.seccompFd === null ? [] : ['--seccomp', String(plan.seccompFd)]),
    '--ro-bind', '/usr', '/usr',
  ];
  for (const entry of plan.rootEntries) {
    if (entry.symlinkTo !== null) args.push('--symlink', entry.symlinkTo, `/${entry.name}`);
    else args.push('--ro-bind', `/${entry.name}`, `/${entry.name}`);
  }
  for (const file of ['/etc/alternatives', '/etc/ld.so.cache', '/etc/localtime', '/etc/nginx/mime.types']) {
    args.push('--ro-bind-try', file, file);
  }
  for (const { fd, dest } of plan.dataFiles) args.push('--ro-bind-data', String(fd), dest);
  if (plan.nodePrefix !== null) args.push('--ro-bind', plan.nodePrefix, SANDBOX_NODE_PREFIX);
  for (const { src, dest } of plan.codeMounts) {
    if (!dest.startsWith(`${SANDBOX_CODE_ROOT}/`)) throw new Error(`code mount ${dest} must live under ${SANDBOX_CODE_ROOT}`);
    args.push('--ro-bind', src, dest);
  }
  args.push(
    '--proc', '/proc',
    '--dev', '/dev',
    '--size', String(plan.tmpBytes), '--tmpfs', '/tmp',
    '--size', String(plan.shmBytes), '--tmpfs', '/dev/shm',
    '--bind', plan.homeDir, SANDBOX_HOME, // the only writable host path
    // bwrap's root is a tmpfs without a size: left writable, a learner could fill host RAM through
    // `/`, `/etc` or `/opt` (and, under a memory cgroup, get the whole sandbox OOM-killed). After the
    // last mount it is read-only; /tmp, /dev/shm and the home are mounts of their own and stay writable.
    '--remount-ro', '/',
    '--chdir', SANDBOX_HOME,
    '--clearenv',
  );
  for (const [name, value] of Object.entries(plan.env)) args.push('--setenv', name, value);
  return args;
}

/** bwrap's --args format: NUL-terminated arguments. */
export function encodeArgs(args: string[]): Buffer {
  return Buffer.from(args.map((arg) => `${arg}\0`).join(''), 'utf8');
}

export function etcFiles(): { dest: string; content: string }[] {
  return [
    { dest: '/etc/passwd', content: `root:x:0:0:root:/root:/usr/sbin/nologin\nlearner:x:${LEARNER_UID}:${LEARNER_UID}:learner:${SANDBOX_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n` },
    { dest: '/etc/group', content: `root:x:0:\nlearner:x:${LEARNER_UID}:\nnogroup:x:65534:\n` },
    { dest: '/etc/hosts', content: '127.0.0.1 localhost lab\n::1 localhost ip6-localhost\n' },
  ];
}
