import { describe, expect, it } from 'vitest';
import { encodeProgram, RET_ALLOW, RET_KILL_PROCESS, retErrno, type Instruction } from '../../server/sandbox/seccomp/bpf.ts';
import { compilePolicy, type Policy } from '../../server/sandbox/seccomp/policy.ts';
import { SANDBOX_POLICY_X86_64, sandboxSeccompProgram } from '../../server/sandbox/seccomp/sandbox-policy.ts';

/** A cBPF interpreter for just the instructions the compiler emits, over a struct seccomp_data. */
function run(program: Instruction[], data: { nr: number; arch: number; args?: bigint[] }): number {
  const bytes = Buffer.alloc(64);
  bytes.writeInt32LE(data.nr, 0);
  bytes.writeUInt32LE(data.arch, 4);
  (data.args ?? []).forEach((arg, i) => bytes.writeBigUInt64LE(BigInt.asUintN(64, arg), 16 + 8 * i));
  let acc = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc]!;
    switch (code) {
      case 0x20: acc = bytes.readUInt32LE(k); break;
      case 0x15: pc += acc === k ? jt : jf; break;
      case 0x35: pc += acc >= k ? jt : jf; break;
      case 0x45: pc += (acc & k) !== 0 ? jt : jf; break;
      case 0x06: return k;
      default: throw new Error(`unknown instruction ${code}`);
    }
  }
  throw new Error('fell off the end of the program');
}

const X86_64 = 0xc000003e;

describe('the cBPF assembler and policy compiler', () => {
  it('produces these exact bytes for a small policy', () => {
    const policy: Policy = {
      arch: X86_64, foreignNrFrom: 0x40000000, foreignErrno: 38,
      rules: [{ syscall: 101, errno: 1 }, { syscall: 16, errno: 1, arg: 1, anyOf: [0x5412] }],
    };
    expect(encodeProgram(compilePolicy(policy)).toString('hex').match(/.{16}/g)).toEqual([
      '2000000004000000', // ld [4]             arch
      '150001003e0000c0', // jeq x86_64, +1
      '0600000000000080', // ret KILL_PROCESS
      '2000000000000000', // ld [0]             nr
      '3500000100000040', // jge 0x40000000, +0, +1
      '0600000026000500', // ret ERRNO(ENOSYS)  x32
      '1500000165000000', // jeq ptrace, +0, +1
      '0600000001000500', // ret ERRNO(EPERM)
      '1500000410000000', // jeq ioctl, +0, +4
      '2000000018000000', // ld [24]            args[1], low half
      '1500010012540000', // jeq TIOCSTI, +1, +0
      '060000000000ff7f', // ret ALLOW
      '0600000001000500', // ret ERRNO(EPERM)
      '060000000000ff7f', // ret ALLOW
    ]);
  });

  it('refuses an empty or oversized program, a far jump and two rules for one syscall', () => {
    expect(() => encodeProgram([])).toThrow(/1 to 4096/);
    const many = { arch: X86_64, foreignNrFrom: null, foreignErrno: 38, rules: [{ syscall: 1, errno: 1, arg: 0, anyOf: Array.from({ length: 300 }, (_, i) => i) }] };
    expect(() => compilePolicy(many)).toThrow(/out of range/);
    expect(() => compilePolicy({ ...many, rules: [{ syscall: 1, errno: 1 }, { syscall: 1, errno: 2 }] })).toThrow(/one rule/);
  });
});

describe('the sandbox policy (x86_64)', () => {
  const program = compilePolicy(SANDBOX_POLICY_X86_64);
  const call = (nr: number, args: bigint[] = [], arch = X86_64) => run(program, { nr, arch, args });

  it('kills any other architecture and refuses the x32 ABI', () => {
    expect(call(39, [], 0x40000003)).toBe(RET_KILL_PROCESS); // i386 getpid through int 0x80
    expect(call(0x40000000 + 39)).toBe(retErrno(38));
    expect(call(39)).toBe(RET_ALLOW);
  });

  it('blocks TIOCSTI and TIOCLINUX, also with junk in the high half, and allows other ioctls', () => {
    expect(call(16, [0n, 0x5412n])).toBe(retErrno(1));
    expect(call(16, [0n, 0x1_0000_5412n])).toBe(retErrno(1));
    expect(call(16, [0n, 0x541cn])).toBe(retErrno(1));
    expect(call(16, [0n, 0x5413n])).toBe(RET_ALLOW); // TIOCGWINSZ
  });

  it('allows unix, inet, inet6 and netlink sockets only', () => {
    for (const family of [1n, 2n, 10n, 16n]) expect(call(41, [family])).toBe(RET_ALLOW);
    for (const family of [40n, 17n, 0x1_0000_0028n]) expect(call(41, [family])).toBe(retErrno(97)); // vsock, packet, vsock with a high half
    expect(call(41, [0x1_0000_0002n])).toBe(RET_ALLOW); // the kernel reads an int: this is AF_INET
  });

  it('lets clone make threads and processes but no namespaces; clone3 is ENOSYS', () => {
    expect(call(56, [0x3d0f00n])).toBe(RET_ALLOW); // pthread_create's flags
    expect(call(56, [0x01200011n])).toBe(RET_ALLOW); // fork()
    expect(call(56, [0x10000000n | 17n])).toBe(retErrno(1)); // CLONE_NEWUSER
    expect(call(56, [0x40000000n | 17n])).toBe(retErrno(1)); // CLONE_NEWNET
    expect(call(435)).toBe(retErrno(38));
  });

  it('refuses namespace, mount, key, bpf, ptrace and io_uring calls', () => {
    const eperm = [272, 308, 165, 166, 155, 250, 248, 249, 321, 101, 310, 311, 298, 323, 246, 320, 175, 313];
    for (const nr of eperm) expect(call(nr)).toBe(retErrno(1));
    for (const nr of [425, 426, 427, 428, 429, 430, 431, 432, 433, 442]) expect(call(nr)).toBe(retErrno(38));
    for (const nr of [0, 1, 2, 9, 57, 59, 257]) expect(call(nr)).toBe(RET_ALLOW); // read, write, open, mmap, fork, execve, openat
  });

  it('exists for x86_64 only', () => {
    expect(sandboxSeccompProgram('x64')?.length).toBe(program.length * 8);
    expect(sandboxSeccompProgram('arm64')).toBeNull();
  });
});
