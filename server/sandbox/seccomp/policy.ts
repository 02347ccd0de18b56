// Turns a syscall policy into a seccomp program. Every rule is keyed by syscall number and ends in a
// return, so a rule never falls through into the next one; argument tests look at the low 32 bits only,
// which is what the kernel uses for int and unsigned int arguments (a 64-bit compare could be dodged by
// setting the high half, CVE-2019-10063).
import {
  DATA_ARCH, DATA_NR, dataArgLow, jeq, jge, jset, load, ret, RET_ALLOW, RET_KILL_PROCESS, retErrno, type Instruction,
} from './bpf.ts';

export type Rule =
  /** The call always fails with errno. */
  | { syscall: number; errno: number }
  /** Fails when the argument is one of the values, else allowed. */
  | { syscall: number; errno: number; arg: number; anyOf: number[] }
  /** Fails unless the argument is one of the values. */
  | { syscall: number; errno: number; arg: number; noneOf: number[] }
  /** Fails when the argument has any of these bits set. */
  | { syscall: number; errno: number; arg: number; anyBits: number };

export interface Policy {
  /** AUDIT_ARCH_* value; any other arch is killed (its syscall numbers mean other things). */
  arch: number;
  /** Syscall numbers at or above this fail with `foreignErrno` (x86_64: the x32 ABI bit). */
  foreignNrFrom: number | null;
  foreignErrno: number;
  rules: Rule[];
}

function ruleBlock(rule: Rule): Instruction[] {
  const fail = ret(retErrno(rule.errno));
  const allow = ret(RET_ALLOW);
  let body: Instruction[];
  if ('anyOf' in rule || 'noneOf' in rule) {
    const values = 'anyOf' in rule ? rule.anyOf : rule.noneOf;
    // Each compare jumps over the rest of them and the first return to reach the second.
    const compares = values.map((value, i) => jeq(value, values.length - i, 0));
    body = [load(dataArgLow(rule.arg)), ...compares, ...('anyOf' in rule ? [allow, fail] : [fail, allow])];
  } else if ('anyBits' in rule) {
    body = [load(dataArgLow(rule.arg)), jset(rule.anyBits, 1, 0), allow, fail];
  } else {
    body = [fail];
  }
  return [jeq(rule.syscall, 0, body.length), ...body];
}

export function compilePolicy(policy: Policy): Instruction[] {
  const numbers = policy.rules.map((rule) => rule.syscall);
  if (new Set(numbers).size !== numbers.length) throw new Error('a syscall may have only one rule');
  const program = [load(DATA_ARCH), jeq(policy.arch, 1, 0), ret(RET_KILL_PROCESS), load(DATA_NR)];
  if (policy.foreignNrFrom !== null) program.push(jge(policy.foreignNrFrom, 0, 1), ret(retErrno(policy.foreignErrno)));
  for (const rule of policy.rules) program.push(...ruleBlock(rule));
  program.push(ret(RET_ALLOW));
  return program;
}
