// Starting bare sandboxes for the sandbox benchmarks: the real bwrap launcher with default limits, a
// scratch home each, and the processes that make up one sandbox.
import fs from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BwrapLauncher, type BwrapLaunched } from '../server/sandbox/bwrap-launcher.ts';
import type { SandboxLimits } from '../server/sandbox/limits/config.ts';
import type { Terminal } from '../server/sandbox/types.ts';

export interface BenchSandbox {
  launched: BwrapLaunched;
  home: string;
  stop(): Promise<void>;
}

export function benchLauncher(limits?: Partial<SandboxLimits>): BwrapLauncher {
  return new BwrapLauncher({ kind: 'bwrap', sandboxed: true, reason: 'bench' }, { limits });
}

export async function startSandbox(launcher: BwrapLauncher, name: string): Promise<BenchSandbox> {
  const base = await mkdtemp(path.join(os.tmpdir(), `cometlab-bench-${name}-`));
  const home = path.join(base, 'home');
  await mkdir(home);
  const launched = await launcher.launchDetailed({ learnerId: name, homeDir: home, runDir: path.join(base, 'run') });
  return {
    launched, home,
    async stop() {
      await launched.sandbox.stop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

/** Host pids of everything the sandbox consists of: the outer bwrap and all of its pid namespace. */
export async function sandboxProcesses(launched: BwrapLaunched): Promise<number[]> {
  const { pidNamespace } = await launched.bwrap;
  const inside = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/ns/pid`) === `pid:[${pidNamespace}]`;
    } catch {
      return false;
    }
  });
  return [launched.sandbox.hostPid, ...inside];
}

export function rssBytes(pid: number): number {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Resolves when the terminal has printed something matching `pattern` since the call. */
export function waitForOutput(terminal: Terminal, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      off();
      reject(new Error(`no ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    // The first listener of a terminal is handed its early output at once, inside onData itself.
    const off = terminal.onData((chunk) => {
      terminal.ack(chunk.length);
      if (done) return;
      text += chunk.toString('utf8');
      if (!pattern.test(text)) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => off());
      resolve();
    });
    if (done) off();
  });
}

/** One keystroke -> its echo, in ms. */
export async function echoOnce(terminal: Terminal): Promise<number> {
  const started = performance.now();
  const seen = waitForOutput(terminal, /x/, 10_000);
  terminal.write('x');
  await seen;
  return performance.now() - started;
}
