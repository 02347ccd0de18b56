// The learner's shells: bash on a pty made here, inside the sandbox, so the shell is a session leader
// with a controlling terminal and job control (Ctrl-C reaches the foreground job).
import fs from 'node:fs';
import os from 'node:os';
import pty from 'node-pty';
import type { IPty } from 'node-pty';
import type { Channel } from '../protocol/channel.ts';
import { FLOW_HIGH_BYTES, FLOW_LOW_BYTES, MAX_TERMINAL_CHUNK } from '../protocol/layout.ts';
import { resolveInside } from './paths.ts';

interface Shell {
  pty: IPty;
  unacked: number;
  paused: boolean;
}

const CLOSE_GRACE_MS = 1000;

/** The shell and the process group it leads; its background jobs get its SIGHUP first. */
function killShell(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const signalNames = new Map(Object.entries(os.constants.signals).map(([name, n]) => [n as number, name]));

export class Terminals {
  readonly #shells = new Map<number, Shell>();
  readonly #home: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #channel: Channel;

  constructor(home: string, env: NodeJS.ProcessEnv, channel: Channel) {
    this.#home = home;
    this.#env = env;
    this.#channel = channel;
  }

  open(id: number, cwd: string, cols: number, rows: number): void {
    if (this.#shells.has(id)) throw new Error(`terminal ${id} is open already`);
    const dir = resolveInside(this.#home, cwd);
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`no folder ${cwd} in the home folder`);
    const shell: Shell = {
      pty: pty.spawn('bash', ['--noprofile', '--norc', '-i'], {
        name: 'xterm-256color', cols, rows, cwd: dir, env: this.#env,
        encoding: null, // Buffers: bytes go to the host untouched, UTF-8 split across chunks included
      }),
      unacked: 0,
      paused: false,
    };
    this.#shells.set(id, shell);
    shell.pty.onData((data) => {
      const bytes = data as unknown as Buffer;
      for (let at = 0; at < bytes.length; at += MAX_TERMINAL_CHUNK) {
        this.#channel.sendTerminal(id, bytes.subarray(at, at + MAX_TERMINAL_CHUNK));
      }
      shell.unacked += bytes.length;
      if (!shell.paused && shell.unacked > FLOW_HIGH_BYTES) {
        shell.paused = true;
        shell.pty.pause();
      }
    });
    shell.pty.onExit(({ exitCode, signal }) => {
      this.#shells.delete(id);
      this.#channel.sendControl({
        type: 'terminal-exit', id,
        code: signal ? null : exitCode,
        signal: signal ? (signalNames.get(signal) ?? `SIG${signal}`) : null,
      });
    });
  }

  input(id: number, data: Buffer): void {
    this.#shells.get(id)?.pty.write(data);
  }

  resize(id: number, cols: number, rows: number): void {
    this.#shells.get(id)?.pty.resize(cols, rows);
  }

  ack(id: number, bytes: number): void {
    const shell = this.#shells.get(id);
    if (!shell) return;
    shell.unacked = Math.max(0, shell.unacked - bytes);
    if (shell.paused && shell.unacked < FLOW_LOW_BYTES) {
      shell.paused = false;
      shell.pty.resume();
    }
  }

  /** SIGHUP as a closed terminal window sends; a shell that ignores it is killed a second later. */
  close(id: number): void {
    const shell = this.#shells.get(id)?.pty;
    if (!shell) return;
    shell.kill('SIGHUP');
    const stubborn = setTimeout(() => killShell(shell.pid), CLOSE_GRACE_MS);
    shell.onExit(() => clearTimeout(stubborn));
  }

  /**
   * Ends every shell: SIGHUP first, which bash passes on to its jobs (background ones included), then
   * SIGKILL for what is left. Matters for the plain launcher, which has no pid namespace to collapse.
   */
  async hangUpAll(graceMs: number): Promise<void> {
    const shells = [...this.#shells.values()];
    const exits = shells.map(({ pty: shell }) => new Promise<void>((resolve) => shell.onExit(() => resolve())));
    for (const { pty: shell } of shells) shell.kill('SIGHUP');
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, graceMs))]);
    for (const { pty: shell } of shells) killShell(shell.pid);
  }
}
