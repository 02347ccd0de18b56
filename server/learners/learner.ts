// One learner: their workspace, their sandbox (started on first need, started again if it ends), and
// the app of the lab they are working on. Everything the API and the sockets do for a learner goes here.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { AppState } from '../contracts/api.ts';
import type { CheckReport } from '../contracts/check.ts';
import type { EventMessage } from '../contracts/terminal.ts';
import type { Launcher, Sandbox } from '../sandbox/types.ts';
import type { Lab } from '../labs/registry.ts';
import { WorkspaceStore } from '../workspace/store.ts';
import { runChecks } from '../checks/run-checks.ts';
import { createHttpProbe } from '../checks/http-probe.ts';
import { HttpError } from '../http/errors.ts';
import type { Log } from '../log.ts';

const LISTEN_WAIT_MS = 5_000;

export const stoppedApp = (): AppState => ({ state: 'stopped', listening: false, exitCode: null, signal: null, since: new Date().toISOString() });

export class Learner {
  readonly id: string;
  readonly store: WorkspaceStore;
  private readonly launcher: Launcher;
  private readonly runDir: string;
  private sandboxPromise: Promise<Sandbox> | undefined;
  /** The lab whose app the sandbox runs (one app at a time, on port 8999). */
  private appLab: string | undefined;
  private readonly listeners = new Set<(event: EventMessage) => void>();
  private readonly log: Log;

  /** runRoot: a short host-only folder (unix socket paths are limited to about 100 bytes). */
  constructor(id: string, dataDir: string, runRoot: string, launcher: Launcher, log: Log) {
    this.id = id;
    this.launcher = launcher;
    this.log = (message) => log(`[${id}] ${message}`);
    this.store = new WorkspaceStore(join(dataDir, 'learners', id, 'home'));
    this.runDir = join(runRoot, id);
  }

  sandbox(): Promise<Sandbox> {
    this.sandboxPromise ??= this.launch();
    return this.sandboxPromise;
  }

  private async launch(): Promise<Sandbox> {
    if (!this.launcher.status.sandboxed && this.launcher.status.kind === 'none') {
      throw new HttpError(503, 'no_sandbox', `Labs cannot run here: ${this.launcher.status.reason}`);
    }
    await mkdir(this.store.homeDir, { recursive: true });
    await mkdir(this.runDir, { recursive: true, mode: 0o700 });
    const started = performance.now();
    const attempt = this.launcher.launch({ learnerId: this.id, homeDir: this.store.homeDir, runDir: this.runDir });
    attempt.catch((error: Error) => {
      this.sandboxPromise = undefined;
      this.log(`sandbox failed to start: ${error.message}`);
    });
    const sandbox = await attempt;
    this.log(`sandbox started (${this.launcher.status.kind}) in ${Math.round(performance.now() - started)} ms`);
    sandbox.onAppState((state) => {
      if (state.state === 'exited') this.log(`app exited (${state.signal ?? `code ${state.exitCode}`})`);
      else if (state.listening) this.log('app listening on :8999');
    });
    sandbox.onAppState((state) => this.appLab && this.emit({ type: 'app-state', lab: this.appLab, ...state }));
    sandbox.onAppOutput((output) => this.appLab && this.emit({ type: 'app-output', lab: this.appLab, ...output }));
    sandbox.onEnd((reason) => {
      this.log(`sandbox ended: ${reason}`);
      this.sandboxPromise = undefined;
      if (this.appLab) this.emit({ type: 'app-output', lab: this.appLab, stream: 'system', text: `The sandbox ended: ${reason}\n` });
      this.appLab = undefined;
    });
    return sandbox;
  }

  subscribe(listener: (event: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EventMessage): void {
    for (const listener of this.listeners) listener(event);
  }

  async appState(lab: Lab): Promise<AppState> {
    if (this.appLab !== lab.meta.id || !this.sandboxPromise) return stoppedApp();
    return (await this.sandbox()).appState();
  }

  async run(lab: Lab): Promise<AppState> {
    const sandbox = await this.sandbox();
    if (this.appLab && this.appLab !== lab.meta.id) await sandbox.stopApp();
    await this.store.open(lab);
    this.appLab = lab.meta.id;
    this.log(`starting node ${lab.meta.entry} in ~/${lab.meta.id}`);
    return sandbox.startApp({ cwd: lab.meta.id, entry: lab.meta.entry });
  }

  async stop(lab: Lab): Promise<AppState> {
    if (this.appLab !== lab.meta.id || !this.sandboxPromise) return stoppedApp();
    return (await this.sandbox()).stopApp();
  }

  async save(lab: Lab, path: string, content: string) {
    const saved = await this.store.save(lab, path, content);
    this.emit({ type: 'file-saved', lab: lab.meta.id, path: saved.path, savedAt: saved.savedAt });
    const state = await this.appState(lab);
    if (state.state === 'starting' || state.state === 'running') await this.run(lab);
    return saved;
  }

  /** Runs the lab's checks against the app, starting it first when nothing is running. */
  async check(lab: Lab): Promise<CheckReport> {
    const sandbox = await this.sandbox();
    const state = await this.appState(lab);
    if (!state.listening) {
      if (state.state !== 'running' && state.state !== 'starting') await this.run(lab);
      await waitForListening(sandbox, LISTEN_WAIT_MS);
    }
    const probe = createHttpProbe((port) => sandbox.connect(port));
    const report = await runChecks(lab.meta.id, await lab.loadChecks(), probe);
    this.log(`checks for ${lab.meta.id}: ${report.passed} of ${report.total} pass`);
    return report;
  }

  async close(): Promise<void> {
    const pending = this.sandboxPromise;
    this.sandboxPromise = undefined;
    this.appLab = undefined;
    if (pending) await (await pending.catch(() => undefined))?.stop();
  }
}

/** Resolves when the app listens, exits, or the deadline passes; the checks then report what they find. */
export function waitForListening(sandbox: Sandbox, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, deadlineMs);
    const unsubscribe = sandbox.onAppState((state) => {
      if (state.listening || state.state === 'exited' || state.state === 'stopped') done();
    });
    const now = sandbox.appState();
    if (now.listening || now.state === 'exited') done();
  });
}
