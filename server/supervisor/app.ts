// The learner's app: `node <entry>` in its lab folder, in its own process group so a stop reaches the
// children it forked. Reports state changes and output to the host.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { AppState } from '../contracts/api.ts';
import type { Channel } from '../protocol/channel.ts';
import { resolveInside } from './paths.ts';

const APP_PORT = 8999;
const LISTEN_POLL_MS = 50;
const STOP_GRACE_MS = 1500;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export class App {
  #state: AppState = { state: 'stopped', listening: false, exitCode: null, signal: null, since: new Date().toISOString() };
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  /** Start and stop run one at a time, in the order asked. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #home: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #channel: Channel;

  constructor(home: string, env: NodeJS.ProcessEnv, channel: Channel) {
    this.#home = home;
    this.#env = env;
    this.#channel = channel;
  }

  get state(): AppState {
    return this.#state;
  }

  start(cwd: string, entry: string): Promise<AppState> {
    return this.#serially(async () => {
      await this.#stop();
      const dir = resolveInside(this.#home, cwd);
      const file = resolveInside(dir, entry);
      return this.#spawn(dir, path.relative(dir, file));
    });
  }

  stop(): Promise<AppState> {
    return this.#serially(() => this.#stop());
  }

  /** Immediate and final: used when the supervisor itself goes away. */
  kill(): void {
    if (this.#child?.pid !== undefined) killGroup(this.#child.pid, 'SIGKILL');
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #set(change: Partial<AppState>): void {
    this.#state = { ...this.#state, ...change, since: new Date().toISOString() };
    this.#channel.sendControl({ type: 'app-state', state: this.#state });
  }

  #output(stream: 'stdout' | 'stderr' | 'system', text: string): void {
    if (text) this.#channel.sendControl({ type: 'app-output', stream, text });
  }

  #spawn(dir: string, entry: string): Promise<AppState> {
    this.#set({ state: 'starting', listening: false, exitCode: null, signal: null });
    this.#output('system', `$ node ${entry}\n`);
    const child = spawn(process.execPath, [entry], {
      cwd: dir, env: this.#env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      let reported = false;
      const report = (code: number | null, signal: NodeJS.Signals | null) => {
        if (reported) return;
        reported = true;
        this.#child = null;
        this.#output('system', signal ? `[app stopped by ${signal}]\n` : `[app exited with code ${code}]\n`);
        this.#set({ state: 'exited', listening: false, exitCode: code, signal });
        resolve();
      };
      child.once('exit', (code, signal) => {
        // Children the app left in its group would otherwise hold the port and the output pipes.
        killGroup(child.pid!, 'SIGKILL');
        // Report after the last output ('close'), unless something that left the group holds the pipes.
        const late = setTimeout(() => report(code, signal), 250);
        child.once('close', () => {
          clearTimeout(late);
          report(code, signal);
        });
      });
      child.once('error', (error) => {
        this.#output('system', `[could not start the app: ${error.message}]\n`);
        report(null, null);
      });
    });
    for (const [name, stream] of [['stdout', child.stdout!], ['stderr', child.stderr!]] as const) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => {
        // Backpressure: a flooding app waits for the host instead of growing the supervisor's memory.
        const text = decoder.write(chunk);
        if (text && !this.#channel.sendControl({ type: 'app-output', stream: name, text })) {
          stream.pause();
          this.#channel.onDrain(() => stream.resume());
        }
      });
    }
    return new Promise((resolve) => {
      child.once('spawn', () => {
        this.#set({ state: 'running' });
        this.#pollListening(child);
        resolve(this.#state);
      });
      child.once('error', () => resolve(this.#state));
    });
  }

  /** Connect attempts until the app accepts on its port: that is when a learner's request can succeed. */
  #pollListening(child: ChildProcess): void {
    const attempt = () => {
      if (this.#child !== child) return;
      const probe = net.connect({ host: '127.0.0.1', port: APP_PORT });
      probe.once('connect', () => {
        probe.destroy();
        if (this.#child === child) this.#set({ listening: true });
      });
      probe.once('error', () => setTimeout(attempt, LISTEN_POLL_MS));
    };
    attempt();
  }

  async #stop(): Promise<AppState> {
    const child = this.#child;
    if (child?.pid === undefined) return this.#state;
    killGroup(child.pid, 'SIGTERM');
    const deadline = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(deadline);
    return this.#state;
  }
}
