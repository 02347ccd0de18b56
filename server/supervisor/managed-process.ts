// One long-running process the supervisor looks after for the learner (the app, nginx, redis): started
// in its own process group so a stop reaches whatever it forked, watched until it accepts on its port,
// its output and every state change reported to the host.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { AppState } from '../contracts/api.ts';

const LISTEN_POLL_MS = 50;
const STOP_GRACE_MS = 1500;

export type OutputStream = 'stdout' | 'stderr' | 'system';

export interface ProcessReport {
  state(state: AppState): void;
  /** False when the channel is full: the process's output then waits for `drained`. */
  output(stream: OutputStream, text: string): boolean;
  drained(resume: () => void): void;
}

export interface Launch {
  file: string;
  args: string[];
  cwd: string;
  /** The command line as the learner should read it, e.g. `node server.ts`. */
  shown: string;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export class ManagedProcess {
  #state: AppState = { state: 'stopped', listening: false, exitCode: null, signal: null, since: new Date().toISOString() };
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  /** Start and stop run one at a time, in the order asked. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #port: number;
  readonly #env: NodeJS.ProcessEnv;
  readonly #report: ProcessReport;
  readonly #name: string;

  constructor(name: string, port: number, env: NodeJS.ProcessEnv, report: ProcessReport) {
    this.#name = name;
    this.#port = port;
    this.#env = env;
    this.#report = report;
  }

  get state(): AppState {
    return this.#state;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Runs `task` after every start and stop asked before it. */
  serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Stops what runs, then starts `launch`; only call inside `serially`. */
  async restart(launch: Launch): Promise<AppState> {
    await this.stopNow();
    return this.#spawn(launch);
  }

  stop(): Promise<AppState> {
    return this.serially(() => this.stopNow());
  }

  /** Immediate and final: used when the supervisor itself goes away. */
  kill(): void {
    if (this.#child?.pid !== undefined) killGroup(this.#child.pid, 'SIGKILL');
  }

  system(text: string): void {
    this.#report.output('system', text);
  }

  async stopNow(): Promise<AppState> {
    const child = this.#child;
    if (child?.pid === undefined) return this.#state;
    killGroup(child.pid, 'SIGTERM');
    const deadline = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(deadline);
    return this.#state;
  }

  #set(change: Partial<AppState>): void {
    this.#state = { ...this.#state, ...change, since: new Date().toISOString() };
    this.#report.state(this.#state);
  }

  #spawn(launch: Launch): Promise<AppState> {
    this.#set({ state: 'starting', listening: false, exitCode: null, signal: null });
    this.system(`$ ${launch.shown}\n`);
    const child = spawn(launch.file, launch.args, {
      cwd: launch.cwd, env: this.#env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      let reported = false;
      const report = (code: number | null, signal: NodeJS.Signals | null) => {
        if (reported) return;
        reported = true;
        this.#child = null;
        this.system(signal ? `[${this.#name} stopped by ${signal}]\n` : `[${this.#name} exited with code ${code}]\n`);
        this.#set({ state: 'exited', listening: false, exitCode: code, signal });
        resolve();
      };
      child.once('exit', (code, signal) => {
        // Children left in its group would otherwise hold the port and the output pipes.
        killGroup(child.pid!, 'SIGKILL');
        // Report after the last output ('close'), unless something that left the group holds the pipes.
        const late = setTimeout(() => report(code, signal), 250);
        child.once('close', () => {
          clearTimeout(late);
          report(code, signal);
        });
      });
      child.once('error', (error) => {
        this.system(`[could not start ${this.#name}: ${error.message}]\n`);
        report(null, null);
      });
    });
    for (const [name, stream] of [['stdout', child.stdout!], ['stderr', child.stderr!]] as const) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => {
        // Backpressure: a flooding process waits for the host instead of growing the supervisor's memory.
        const text = decoder.write(chunk);
        if (text && !this.#report.output(name, text)) {
          stream.pause();
          this.#report.drained(() => stream.resume());
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

  /** Connect attempts until the process accepts on its port: that is when a request can succeed. */
  #pollListening(child: ChildProcess): void {
    const attempt = () => {
      if (this.#child !== child) return;
      const probe = net.connect({ host: '127.0.0.1', port: this.#port });
      probe.once('connect', () => {
        probe.destroy();
        if (this.#child === child) this.#set({ listening: true });
      });
      probe.once('error', () => setTimeout(attempt, LISTEN_POLL_MS));
    };
    attempt();
  }
}
