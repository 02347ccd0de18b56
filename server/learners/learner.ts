// One learner: their workspace, their sandbox (started on first need, stopped when they have been away
// for the idle timeout, started again on next use), their terminals, and the app and services of the
// lab they are working on. Everything the API and the sockets do for a learner goes here.
import { join } from 'node:path';
import { isUp, type AppState } from '../contracts/api.ts';
import type { CheckReport } from '../contracts/check.ts';
import type { LabAnswer } from '../contracts/lab-command.ts';
import type { EventMessage } from '../contracts/terminal.ts';
import type { Launcher, Sandbox, ServiceName, ServiceState } from '../sandbox/types.ts';
import type { Lab } from '../labs/registry.ts';
import { WorkspaceStore } from '../workspace/store.ts';
import { runChecks } from '../checks/run-checks.ts';
import { readInside } from '../workspace/safe-fs.ts';
import { ensureLabServices, noServices, startLabService, type LabFileReader, type ServiceOwners } from './lab-services.ts';
import { createHttpProbe, type Connect } from '../checks/http-probe.ts';
import { recordedProbe } from '../instruments/recorded-probe.ts';
import { instrumentsFor } from '../instruments/hub.ts';
import { HttpError } from '../http/errors.ts';
import type { Log } from '../log.ts';
import { Presence } from './presence.ts';
import { SandboxSlot } from './sandbox-slot.ts';
import { LearnerEvents } from './learner-events.ts';
import { TerminalTaps } from './terminal-taps.ts';
import { TerminalSessions, TooManyTerminals } from './terminal-sessions.ts';
import type { TerminalSession } from './terminal-session.ts';

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
  /** Present when watchable. */
  readonly taps: TerminalTaps | undefined;
  private readonly slot: SandboxSlot;
  private readonly presence: Presence;
  private readonly events = new LearnerEvents();
  /** The lab whose app the sandbox runs (one app at a time, on port 8999). */
  private runningLab: Lab | undefined;
  /** The lab each running service was started for. */
  private services: ServiceOwners = noServices();
  /** The learner's saved copy of a lab file, for the services to compare with what they loaded. */
  private readonly readLabFile: LabFileReader = (labId, path) =>
    readInside(this.store.homeDir, `${labId}/${path}`).then((text) => text ?? null, () => null);
  private readonly log: Log;
  private readonly labCommands: ((request: unknown) => Promise<LabAnswer>) | undefined;

  /** runRoot: a short host-only folder (unix socket paths are limited to about 100 bytes). */
  constructor(id: string, dataDir: string, runRoot: string, launcher: Launcher, log: Log, options: LearnerOptions = {}) {
    this.id = id;
    this.log = (message) => log(`[${id}] ${message}`);
    this.store = new WorkspaceStore(join(dataDir, 'learners', id, 'home'));
    this.slot = new SandboxSlot({
      learnerId: id,
      launcher,
      homeDir: this.store.homeDir,
      runDir: join(runRoot, id),
      log: this.log,
      launched: (sandbox) => this.listen(sandbox),
      forget: (reason) => this.forget(reason),
      ended: (reason) => this.events.emit({ type: 'sandbox-ended', reason }),
    });
    this.presence = new Presence({
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      stopSandbox: (reason) => void this.slot.stop(reason),
      appIdleTimeoutMs: options.appIdleTimeoutMs,
      app: { running: () => this.runningLab, appState: (lab) => this.appState(lab), stop: (lab) => this.stop(lab), run: (lab) => this.run(lab) },
      log: this.log,
    });
    this.labCommands = options.labCommands?.(this);
    if (options.watchable) this.taps = new TerminalTaps();
  }

  /** A sign of life (an API call): pushes the idle stop back. */
  touch(): void {
    this.presence.touch();
  }

  /** Present until released (an open socket). */
  hold(): () => void {
    return this.presence.hold();
  }

  sandbox(): Promise<Sandbox> {
    this.presence.sandboxUsed();
    return this.slot.get();
  }

  private listen(sandbox: Sandbox): void {
    sandbox.onAppState((state) => {
      if (state.state === 'exited') this.log(`app exited (${state.signal ?? `code ${state.exitCode}`})`);
      else if (state.listening) this.log('app listening on :8999');
    });
    this.events.forward(sandbox, { app: () => this.runningLab?.meta.id, service: (name) => this.services.labs[name] });
    if (this.labCommands) sandbox.onLabCommand(this.labCommands);
  }

  private forget(reason: string): void {
    this.terminals.lost(reason);
    this.runningLab = undefined;
    this.presence.forget();
    this.services = noServices();
    this.taps?.end(reason);
  }

  /** A new shell in the lab's folder, kept (detached) when its socket closes. */
  openTerminal(lab: Lab, size: { cols: number; rows: number }): Promise<TerminalSession> {
    return this.presence.busy(async () => {
      await this.store.open(lab);
      try {
        this.terminals.reserve();
      } catch (error) {
        if (error instanceof TooManyTerminals) throw new HttpError(429, 'too_many_terminals', error.message);
        throw error;
      }
      const terminal = await (await this.sandbox()).openTerminal({ cwd: lab.meta.id, ...size });
      const session = this.terminals.add(lab.meta.id, terminal, size);
      this.taps?.add(session.id, terminal);
      return session;
    });
  }

  /** nginx runs with `config` from the lab's folder (after `nginx -t`); redis needs nothing. */
  startService(lab: Lab, service: ServiceName, config = 'nginx.conf'): Promise<ServiceState> {
    return this.presence.busy(async () => {
      await this.store.open(lab);
      this.log(`starting ${service} in ~/${lab.meta.id}`);
      return startLabService(await this.sandbox(), lab, service, this.services, this.readLabFile, config);
    });
  }

  async stopService(service: ServiceName): Promise<ServiceState> {
    if (!this.slot.active) return stoppedApp();
    return (await this.sandbox()).stopService(service);
  }

  async reloadService(service: 'nginx'): Promise<ServiceState> {
    if (!this.slot.active) throw new HttpError(409, 'not_running', `${service} is not running.`);
    const lab = this.services.labs.nginx;
    const config = lab !== undefined && this.services.nginxConfig != null ? await this.readLabFile(lab, 'nginx.conf') : null;
    const state = await (await this.sandbox()).reloadService(service);
    if (config !== null) this.services.nginxConfig = config;
    return state;
  }

  /** A service's state as this lab sees it: one started for another lab counts as stopped here. */
  async labServiceState(lab: Lab, service: ServiceName): Promise<ServiceState> {
    if (this.services.labs[service] !== lab.meta.id) return stoppedApp();
    return this.serviceState(service);
  }

  async serviceState(service: ServiceName): Promise<ServiceState> {
    if (!this.slot.active) return stoppedApp();
    return (await this.sandbox()).serviceState(service);
  }

  subscribe(listener: (event: EventMessage) => void): () => void {
    return this.events.subscribe(listener);
  }

  async appState(lab: Lab): Promise<AppState> {
    if (this.runningLab?.meta.id !== lab.meta.id || !this.slot.active) return stoppedApp();
    return (await this.sandbox()).appState();
  }

  run(lab: Lab): Promise<AppState> {
    return this.presence.busy(async () => {
      const sandbox = await this.sandbox();
      if (this.runningLab && this.runningLab.meta.id !== lab.meta.id) await sandbox.stopApp();
      await this.store.open(lab);
      this.runningLab = lab;
      this.log(`starting node ${lab.meta.entry} in ~/${lab.meta.id}`);
      return sandbox.startApp({ cwd: lab.meta.id, entry: lab.meta.entry });
    });
  }

  async stop(lab: Lab): Promise<AppState> {
    if (this.runningLab?.meta.id !== lab.meta.id || !this.slot.active) return stoppedApp();
    return (await this.sandbox()).stopApp();
  }

  async save(lab: Lab, path: string, content: string) {
    const saved = await this.store.save(lab, path, content);
    this.events.emit({ type: 'file-saved', lab: lab.meta.id, path: saved.path, savedAt: saved.savedAt });
    // An app that crashed (often on the half-typed line a save caught) starts again with the next save,
    // as a watcher does; only one the learner stopped, or never ran, stays down.
    const state = await this.appState(lab);
    if (state.state !== 'stopped') await this.run(lab);
    return saved;
  }

  /** Puts the lab's files back to the starter, tells every open page, and restarts a running app. */
  async reset(lab: Lab) {
    const files = await this.store.reset(lab);
    this.events.emit({ type: 'files-reset', lab: lab.meta.id, files });
    const state = await this.appState(lab);
    if (isUp(state)) await this.run(lab);
    return files;
  }

  /** Runs the lab's checks against the app, starting it first when nothing is running. */
  check(lab: Lab): Promise<CheckReport> {
    return this.presence.busy(() => this.checkNow(lab));
  }

  private async checkNow(lab: Lab): Promise<CheckReport> {
    await this.store.open(lab);
    const sandbox = await this.sandbox();
    // Services first: an app may need Redis as it starts, and nginx only answers 502 until the app is up.
    const notes = await ensureLabServices(sandbox, lab, this.services, this.readLabFile);
    for (const note of notes) {
      this.log(note);
      this.events.emit({ type: 'app-output', lab: lab.meta.id, stream: 'system', text: `${note}\n` });
    }
    const connect = (port: 8999 | 8888) => sandbox.connect(port);
    const state = await this.appState(lab);
    if (!state.listening) {
      if (isUp(state)) await waitForListening(sandbox, LISTEN_WAIT_MS);
      else if (!isUp(sandbox.appState()) && await answersOnAppPort(connect)) notes.push(`A server you started yourself already answers on ${lab.meta.ports.app}: the checks use it.`);
      else {
        await this.run(lab);
        await waitForListening(sandbox, LISTEN_WAIT_MS);
      }
    }
    // Recorded like any other traffic, so the page's timeline and inspector show what the checks sent.
    const probe = recordedProbe(createHttpProbe(connect), instrumentsFor(this).traffic(lab.meta.id));
    const report = await runChecks(lab.meta.id, await lab.loadChecks(), probe);
    this.log(`checks for ${lab.meta.id}: ${report.passed} of ${report.total} pass`);
    return notes.length ? { ...report, notes } : report;
  }

  async close(): Promise<void> {
    this.presence.stop();
    await this.slot.close('the playground is shutting down');
  }
}

/**
 * Whether something already answers on the app port, such as a `node server.ts` the learner started in
 * a terminal: a second copy started by Run would only crash on EADDRINUSE.
 */
async function answersOnAppPort(connect: Connect): Promise<boolean> {
  const answer = await createHttpProbe(connect).request({ path: '/', timeoutMs: 1_000 }).catch(() => null);
  return answer !== null && answer.status > 0;
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
