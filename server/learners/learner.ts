// One learner: their workspace, their sandbox (started on first need, stopped when they have been away
// for the idle timeout, started again on next use), their terminals, and the app and services of the
// lab they are working on. Everything the API and the sockets do for a learner goes here.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { AppState } from '../contracts/api.ts';
import type { CheckReport } from '../contracts/check.ts';
import type { LabAnswer } from '../contracts/lab-command.ts';
import type { EventMessage } from '../contracts/terminal.ts';
import type { Launcher, Sandbox, ServiceName, ServiceState } from '../sandbox/types.ts';
import type { Lab } from '../labs/registry.ts';
import { WorkspaceStore } from '../workspace/store.ts';
import { runChecks } from '../checks/run-checks.ts';
import { ensureLabServices, startLabService, type ServiceOwners } from './lab-services.ts';
import { createHttpProbe } from '../checks/http-probe.ts';
import { recordedProbe } from '../instruments/recorded-probe.ts';
import { instrumentsFor } from '../instruments/hub.ts';
import { HttpError } from '../http/errors.ts';
import type { Log } from '../log.ts';
import { IdleWatch } from './idle.ts';
import { TerminalSessions, TooManyTerminals } from './terminal-sessions.ts';
import type { TerminalSession } from './terminal-session.ts';
import { TerminalTap } from '../workshop/terminal-tap.ts';

const LISTEN_WAIT_MS = 5_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;

export const stoppedApp = (): AppState => ({ state: 'stopped', listening: false, exitCode: null, signal: null, since: new Date().toISOString() });

export interface LearnerOptions {
  /** Stop the sandbox after this long with no open socket and no API call. */
  idleTimeoutMs?: number;
  /** Makes the handler of this learner's `lab` commands (typed in their terminal); without it they are refused. */
  labCommands?: (learner: Learner) => (request: unknown) => Promise<LabAnswer>;
  /** Workshop: stop the app (not the sandbox) after this long away, and start it again on return. */
  appIdleTimeoutMs?: number;
  /** Workshop: keep a tap on every shell so the instructor can watch it (see TerminalTap). */
  watchable?: boolean;
}

export class Learner {
  readonly id: string;
  readonly store: WorkspaceStore;
  readonly terminals = new TerminalSessions();
  private readonly launcher: Launcher;
  private readonly runDir: string;
  private sandboxPromise: Promise<Sandbox> | undefined;
  /** A sandbox on its way out; the next one waits for it, as both use the same socket folder. */
  private leaving: Promise<void> = Promise.resolve();
  /** The lab whose app the sandbox runs (one app at a time, on port 8999). */
  private appLab: string | undefined;
  /** The lab each running service was started for. */
  private serviceLabs: ServiceOwners = {};
  private readonly listeners = new Set<(event: EventMessage) => void>();
  private readonly log: Log;
  private readonly idle: IdleWatch;
  private readonly appIdle: IdleWatch | undefined;
  /** The app the away-stop stopped, to start again when the learner is back. */
  private pausedApp: Lab | undefined;
  private runningLab: Lab | undefined;
  /** Terminal id -> tap, when watchable. */
  readonly taps: Map<string, TerminalTap> | undefined;
  private readonly labCommands: ((request: unknown) => Promise<LabAnswer>) | undefined;

  /** runRoot: a short host-only folder (unix socket paths are limited to about 100 bytes). */
  constructor(id: string, dataDir: string, runRoot: string, launcher: Launcher, log: Log, options: LearnerOptions = {}) {
    this.id = id;
    this.launcher = launcher;
    this.log = (message) => log(`[${id}] ${message}`);
    this.store = new WorkspaceStore(join(dataDir, 'learners', id, 'home'));
    this.runDir = join(runRoot, id);
    this.labCommands = options.labCommands?.(this);
    const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.idle = new IdleWatch(idleMs, () => {
      if (this.sandboxPromise) void this.stopSandbox(`idle for ${Math.round(idleMs / 1000)} s`);
    });
    if (options.appIdleTimeoutMs !== undefined) this.appIdle = new IdleWatch(options.appIdleTimeoutMs, () => void this.pauseApp());
    if (options.watchable) this.taps = new Map();
  }

  private async pauseApp(): Promise<void> {
    const lab = this.runningLab;
    if (!lab || !this.sandboxPromise) return;
    const state = await this.appState(lab);
    if (state.state !== 'running' && state.state !== 'starting') return;
    this.log(`away: stopping the app of ${lab.meta.id} until they are back`);
    this.pausedApp = lab;
    await this.stop(lab);
  }

  /** A sign of life after an away-stop: the app runs again as it was. */
  private resumeApp(): void {
    const lab = this.pausedApp;
    if (!lab) return;
    this.pausedApp = undefined;
    this.log(`back: starting the app of ${lab.meta.id} again`);
    this.run(lab).catch((error: Error) => this.log(`could not restart the app: ${error.message}`));
  }

  /** A sign of life (an API call): pushes the idle stop back. */
  touch(): void {
    this.idle.touch();
    this.appIdle?.touch();
    this.resumeApp();
  }

  /** Present until released (an open socket). */
  hold(): () => void {
    const releaseApp = this.appIdle?.hold();
    const release = this.idle.hold();
    this.resumeApp();
    return () => {
      releaseApp?.();
      release();
    };
  }

  sandbox(): Promise<Sandbox> {
    this.idle.touch();
    this.sandboxPromise ??= this.launch();
    return this.sandboxPromise;
  }

  private async launch(): Promise<Sandbox> {
    if (!this.launcher.status.sandboxed && this.launcher.status.kind === 'none') {
      throw new HttpError(503, 'no_sandbox', `Labs cannot run here: ${this.launcher.status.reason}`);
    }
    await this.leaving;
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
    sandbox.onServiceState((service, state) => {
      const lab = this.serviceLabs[service];
      if (lab) this.emit({ type: 'service-state', lab, service, ...state });
    });
    sandbox.onServiceOutput((service, output) => {
      const lab = this.serviceLabs[service];
      if (lab) this.emit({ type: 'service-output', lab, service, ...output });
    });
    if (this.labCommands) sandbox.onLabCommand(this.labCommands);
    sandbox.onEnd((reason) => {
      this.log(`sandbox ended: ${reason}`);
      if (this.sandboxPromise) this.sandboxPromise = undefined;
      this.forget(reason);
      this.emit({ type: 'sandbox-ended', reason });
      // Remove what is left of it (its sockets) before a new one is made in the same folder.
      this.leaving = sandbox.stop().catch(() => undefined);
    });
    return sandbox;
  }

  /** Stops the sandbox (its terminals, app and services with it); the next use starts a new one. */
  private async stopSandbox(reason: string): Promise<void> {
    const pending = this.sandboxPromise;
    if (!pending) return;
    this.sandboxPromise = undefined;
    this.log(`stopping the sandbox: ${reason}`);
    this.forget(reason);
    const stopped = pending.then((sandbox) => sandbox.stop(), () => undefined);
    this.leaving = stopped.catch(() => undefined);
    await stopped;
  }

  private forget(reason: string): void {
    this.terminals.lost(reason);
    this.appLab = undefined;
    this.runningLab = undefined;
    this.pausedApp = undefined;
    this.serviceLabs = {};
    for (const tap of this.taps?.values() ?? []) tap.end(reason);
    this.taps?.clear();
  }

  /** Work that must not be cut short by the idle stop. */
  private async busy<T>(task: () => Promise<T>): Promise<T> {
    const release = this.idle.hold();
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** A new shell in the lab's folder, kept (detached) when its socket closes. */
  openTerminal(lab: Lab, size: { cols: number; rows: number }): Promise<TerminalSession> {
    return this.busy(async () => {
      await this.store.open(lab);
      try {
        this.terminals.reserve();
      } catch (error) {
        if (error instanceof TooManyTerminals) throw new HttpError(429, 'too_many_terminals', error.message);
        throw error;
      }
      const terminal = await (await this.sandbox()).openTerminal({ cwd: lab.meta.id, ...size });
      const session = this.terminals.add(lab.meta.id, terminal, size);
      // After the session: a terminal's first listener takes what the shell printed before anyone listened.
      if (this.taps) {
        this.taps.set(session.id, new TerminalTap(terminal));
        terminal.onExit(() => this.taps!.delete(session.id));
      }
      return session;
    });
  }

  /** nginx runs with `config` from the lab's folder (after `nginx -t`); redis needs nothing. */
  startService(lab: Lab, service: ServiceName, config = 'nginx.conf'): Promise<ServiceState> {
    return this.busy(async () => {
      await this.store.open(lab);
      this.log(`starting ${service} in ~/${lab.meta.id}`);
      return startLabService(await this.sandbox(), lab, service, this.serviceLabs, config);
    });
  }

  async stopService(service: ServiceName): Promise<ServiceState> {
    if (!this.sandboxPromise) return stoppedApp();
    return (await this.sandbox()).stopService(service);
  }

  async reloadService(service: 'nginx'): Promise<ServiceState> {
    if (!this.sandboxPromise) throw new HttpError(409, 'not_running', `${service} is not running.`);
    return (await this.sandbox()).reloadService(service);
  }

  /** A service's state as this lab sees it: one started for another lab counts as stopped here. */
  async labServiceState(lab: Lab, service: ServiceName): Promise<ServiceState> {
    if (this.serviceLabs[service] !== lab.meta.id) return stoppedApp();
    return this.serviceState(service);
  }

  async serviceState(service: ServiceName): Promise<ServiceState> {
    if (!this.sandboxPromise) return stoppedApp();
    return (await this.sandbox()).serviceState(service);
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

  run(lab: Lab): Promise<AppState> {
    return this.busy(async () => {
      const sandbox = await this.sandbox();
      if (this.appLab && this.appLab !== lab.meta.id) await sandbox.stopApp();
      await this.store.open(lab);
      this.appLab = lab.meta.id;
      this.runningLab = lab;
      this.log(`starting node ${lab.meta.entry} in ~/${lab.meta.id}`);
      return sandbox.startApp({ cwd: lab.meta.id, entry: lab.meta.entry });
    });
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

  /** Puts the lab's files back to the starter, tells every open page, and restarts a running app. */
  async reset(lab: Lab) {
    const files = await this.store.reset(lab);
    this.emit({ type: 'files-reset', lab: lab.meta.id, files });
    const state = await this.appState(lab);
    if (state.state === 'starting' || state.state === 'running') await this.run(lab);
    return files;
  }

  /** Runs the lab's checks against the app, starting it first when nothing is running. */
  check(lab: Lab): Promise<CheckReport> {
    return this.busy(() => this.checkNow(lab));
  }

  private async checkNow(lab: Lab): Promise<CheckReport> {
    await this.store.open(lab);
    const sandbox = await this.sandbox();
    // Services first: an app may need Redis as it starts, and nginx only answers 502 until the app is up.
    for (const problem of await ensureLabServices(sandbox, lab, this.serviceLabs)) {
      this.log(problem);
      this.emit({ type: 'app-output', lab: lab.meta.id, stream: 'system', text: `${problem}\n` });
    }
    const state = await this.appState(lab);
    if (!state.listening) {
      if (state.state !== 'running' && state.state !== 'starting') await this.run(lab);
      await waitForListening(sandbox, LISTEN_WAIT_MS);
    }
    // Recorded like any other traffic, so the page's timeline and inspector show what the checks sent.
    const probe = recordedProbe(createHttpProbe((port) => sandbox.connect(port)), instrumentsFor(this).traffic(lab.meta.id));
    const report = await runChecks(lab.meta.id, await lab.loadChecks(), probe);
    this.log(`checks for ${lab.meta.id}: ${report.passed} of ${report.total} pass`);
    return report;
  }

  async close(): Promise<void> {
    this.idle.stop();
    this.appIdle?.stop();
    await this.stopSandbox('the playground is shutting down');
    await this.leaving;
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
