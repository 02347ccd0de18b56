// What learner code may not do, as a seccomp policy (x86_64 only: syscall numbers differ per arch, and a
// filter we cannot test on an arch is not one we claim). Kernel interfaces that are not namespaced or
// that widen the attack surface fail; glibc and Node fall back where they have to (clone3 -> clone,
// io_uring -> threads, the new mount API -> mount, which then fails too).
import { compilePolicy, type Policy, type Rule } from './policy.ts';
import { encodeProgram } from './bpf.ts';

const EPERM = 1;
const ENOSYS = 38;
const EAFNOSUPPORT = 97;

const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;

const TIOCSTI = 0x5412; // pushes bytes into a terminal's input: types commands into someone else's shell
const TIOCLINUX = 0x541c; // the same on a virtual console (CVE-2023-28100)

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16; // Node's os.networkInterfaces()

/** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: no new namespaces from inside. */
const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

const X86_64 = {
  ioctl: 16, socket: 41, clone: 56, clone3: 435, ptrace: 101, syslog: 103, uselib: 134,
  pivot_root: 155, chroot: 161, acct: 163, mount: 165, umount2: 166, swapon: 167, swapoff: 168, reboot: 169,
  init_module: 175, delete_module: 176, quotactl: 179, lookup_dcookie: 212, kexec_load: 246, add_key: 248,
  request_key: 249, keyctl: 250, unshare: 272, perf_event_open: 298, fanotify_init: 300, open_by_handle_at: 304,
  setns: 308, process_vm_readv: 310, process_vm_writev: 311, kcmp: 312, finit_module: 313, kexec_file_load: 320,
  bpf: 321, userfaultfd: 323, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, open_tree: 428,
  move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, pidfd_getfd: 438, process_madvise: 440,
  mount_setattr: 442, quotactl_fd: 443,
} as const;

type Name = keyof typeof X86_64;
const deny = (errno: number, names: Name[]): Rule[] => names.map((name) => ({ syscall: X86_64[name], errno }));

export const SANDBOX_POLICY_X86_64: Policy = {
  arch: AUDIT_ARCH_X86_64,
  foreignNrFrom: X32_SYSCALL_BIT,
  foreignErrno: ENOSYS,
  rules: [
    { syscall: X86_64.ioctl, errno: EPERM, arg: 1, anyOf: [TIOCSTI, TIOCLINUX] },
    { syscall: X86_64.socket, errno: EAFNOSUPPORT, arg: 0, noneOf: [AF_UNIX, AF_INET, AF_INET6, AF_NETLINK] },
    { syscall: X86_64.clone, errno: EPERM, arg: 0, anyBits: CLONE_NAMESPACE_FLAGS },
    // ENOSYS, not EPERM: callers treat it as "not available here" and take their fallback.
    ...deny(ENOSYS, ['clone3', 'io_uring_setup', 'io_uring_enter', 'io_uring_register',
      'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr']),
    ...deny(EPERM, ['unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'chroot',
      'keyctl', 'add_key', 'request_key', 'bpf', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp',
      'pidfd_getfd', 'process_madvise', 'perf_event_open', 'userfaultfd', 'kexec_load', 'kexec_file_load',
      'init_module', 'finit_module', 'delete_module', 'syslog', 'acct', 'quotactl', 'quotactl_fd', 'uselib',
      'open_by_handle_at', 'fanotify_init', 'lookup_dcookie', 'swapon', 'swapoff', 'reboot']),
  ],
};

/** The filter for this machine, or null when there is none we can vouch for (not x86_64). */
export function sandboxSeccompProgram(arch: string = process.arch): Buffer | null {
  return arch === 'x64' ? encodeProgram(compilePolicy(SANDBOX_POLICY_X86_64)) : null;
}
