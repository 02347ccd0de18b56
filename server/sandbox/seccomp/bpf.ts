// A tiny classic-BPF assembler for seccomp filters: just the instructions a syscall filter needs, and
// the kernel's binary layout (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k, little-endian here).

export interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JGE_K = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const JSET_K = 0x45; // BPF_JMP | BPF_JSET | BPF_K
const RET_K = 0x06; // BPF_RET | BPF_K

export const RET_KILL_PROCESS = 0x80000000;
export const RET_ALLOW = 0x7fff0000;
export const retErrno = (errno: number): number => 0x00050000 | (errno & 0xffff);

/** Offsets in struct seccomp_data. */
export const DATA_NR = 0;
export const DATA_ARCH = 4;
/** The low 32 bits of argument `index` (little-endian: they come first). */
export const dataArgLow = (index: number): number => 16 + 8 * index;

function jump(code: number, k: number, jt: number, jf: number): Instruction {
  if (jt < 0 || jt > 255 || jf < 0 || jf > 255) throw new Error(`jump offset out of range (${jt}, ${jf})`);
  return { code, jt, jf, k: k >>> 0 };
}

export const load = (offset: number): Instruction => ({ code: LD_W_ABS, jt: 0, jf: 0, k: offset });
export const jeq = (k: number, jt: number, jf: number): Instruction => jump(JEQ_K, k, jt, jf);
export const jge = (k: number, jt: number, jf: number): Instruction => jump(JGE_K, k, jt, jf);
export const jset = (k: number, jt: number, jf: number): Instruction => jump(JSET_K, k, jt, jf);
export const ret = (k: number): Instruction => ({ code: RET_K, jt: 0, jf: 0, k: k >>> 0 });

/** What bwrap's --seccomp fd expects: the raw array of sock_filter. */
export function encodeProgram(program: Instruction[]): Buffer {
  if (program.length === 0 || program.length > 4096) throw new Error(`a filter has 1 to 4096 instructions, not ${program.length}`);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach((ins, i) => {
    bytes.writeUInt16LE(ins.code, i * 8);
    bytes.writeUInt8(ins.jt, i * 8 + 2);
    bytes.writeUInt8(ins.jf, i * 8 + 3);
    bytes.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return bytes;
}
