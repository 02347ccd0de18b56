// Shared by the abuse tests: real bwrap sandboxes with small limits (the machine is shared), a terminal
// that keeps its output, and the process checks that prove nothing was left behind.
import fs from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'vitest';
import { BwrapLauncher, type BwrapLaunched } from '../../server/sandbox/bwrap-launcher.ts';
import type { Terminal } from '../../server/sandbox/types.ts';
import { until } from '../helpers/until.ts';

const MiB = 1024 * 1024;

/**
 * Small enough that a bomb stays cheap on a 2-core machine other engineers share. The CPU quota and
 * weight are the product's own defaults (a share of this machine's cores): the CPU spin test holds them
 * to the bar.
 */
export const ABUSE_LIMITS = {
  memoryBytes: 256 * MiB, pids: 128, processes: 256,
  openFiles: 1024, fileBytes: 48 * MiB, tmpBytes: 32 * MiB, shmBytes: 8 * MiB, diskBytes: 64 * MiB,
};

export function abuseLauncher(): BwrapLauncher {
  return new BwrapLauncher({ kind: 'bwrap', sandboxed: true, reason: 'abuse test' }, { limits: ABUSE_LIMITS });
}

export { until };

/**
 * A real skip, counted as one in the summary, with the reason printed. Only for what is truly absent
 * here (a kernel feature, or root for the uid pool); on a root CI machine of this kind nothing skips.
 */
export function skipWhen(ctx: TestContext, absent: boolean, reason: string): void {
  if (!absent) return;
  console.log(`[abuse] SKIP: ${reason}`);
  ctx.skip(reason);
}

const ANSI_CONTROL = /\x1b\[[0-9;?]*[A-Za-z]|\r(?!\n)/g;

export interface Screen {
  terminal: Terminal;
  /** Runs a command, waits for the first output line matching `marker` (the command's echo is skipped). */
  run(command: string, marker: RegExp, timeoutMs?: number): Promise<string>;
  readonly text: string;
}

/** A terminal whose output is kept and always acknowledged (flow control never holds it). */
export function screen(terminal: Terminal): Screen {
  let text = '';
  terminal.onData((chunk) => {
    text = (text + chunk.toString('utf8')).slice(-200_000);
    terminal.ack(chunk.length);
  });
  return {
    terminal,
    async run(command, marker, timeoutMs) {
      const from = text.length;
      terminal.write(`${command}\r`);
      const lines = () => text.slice(Math.min(from, text.length)).replace(ANSI_CONTROL, '').split(/\r?\n/).slice(1);
      return until(`${marker} after ${command}`, () => lines().find((line) => marker.test(line)), timeoutMs);
    },
    get text() {
      return text;
    },
  };
}

export interface Learner {
  base: string;
  home: string;
  runDir: string;
  launched: BwrapLaunched;
  shell: Screen;
  stop(): Promise<void>;
}

export async function startLearner(name: string, launcher = abuseLauncher()): Promise<Learner> {
  const base = await mkdtemp(path.join(os.tmpdir(), `cometlab-abuse-${name}-`));
  const home = path.join(base, 'home');
  const runDir = path.join(base, 'run');
  await mkdir(home);
  const launched = await launcher.launchDetailed({ learnerId: name, homeDir: home, runDir });
  const shell = screen(await launched.sandbox.openTerminal({ cwd: '', cols: 200, rows: 50 }));
  return {
    base, home, runDir, launched, shell,
    async stop() {
      await launched.sandbox.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Live (non-zombie) host processes whose real uid is `uid`. */
export function processesOf(uid: number): number[] {
  return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((pid) => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const realUid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      return realUid === uid && !/^State:\s+Z/m.test(status) ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Keystroke echo times: type a character, wait for it to come back. */
export async function echoTimes(terminal: Terminal, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no echo for key ${i}`)), 5000);
      const off = terminal.onData((chunk) => {
        if (!chunk.includes('x')) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    terminal.write('x');
    await seen;
    times.push(performance.now() - started);
  }
  terminal.write('\x15');
  return times;
}
