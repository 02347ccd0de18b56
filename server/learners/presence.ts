// Is the learner here? Open sockets hold them present; an API call is a moment of presence. Away for the
// idle timeout, their sandbox stops (the next use starts a new one). A workshop also stops just the app
// after a shorter while and starts it again as it was when the student is back: a class's forgotten
// apps stop costing CPU, while the sandbox (and its shells) stays for their return.
import type { AppState } from '../contracts/api.ts';
import type { Lab } from '../labs/registry.ts';
import type { Log } from '../log.ts';
import { IdleWatch } from './idle.ts';

/** The learner's app as the away-stop sees it. */
export interface AwayApp {
  /** The lab whose app was started last in the current sandbox. */
  running(): Lab | undefined;
  appState(lab: Lab): Promise<AppState>;
  stop(lab: Lab): Promise<unknown>;
  run(lab: Lab): Promise<unknown>;
}

export interface PresenceOptions {
  idleTimeoutMs: number;
  stopSandbox(reason: string): void;
  /** Without it the app runs until the sandbox stops. */
  appIdleTimeoutMs?: number;
  app: AwayApp;
  log: Log;
}

export class Presence {
  readonly #sandboxIdle: IdleWatch;
  readonly #appIdle: IdleWatch | undefined;
  readonly #app: AwayApp;
  readonly #log: Log;
  /** The app the away-stop stopped, to start again when the learner is back. */
  #paused: Lab | undefined;

  constructor(options: PresenceOptions) {
    this.#app = options.app;
    this.#log = options.log;
    const idleMs = options.idleTimeoutMs;
    this.#sandboxIdle = new IdleWatch(idleMs, () => options.stopSandbox(`idle for ${Math.round(idleMs / 1000)} s`));
    if (options.appIdleTimeoutMs !== undefined) this.#appIdle = new IdleWatch(options.appIdleTimeoutMs, () => void this.#pauseApp());
  }

  /** A sign of life (an API call): pushes both stops back, and brings a stopped app back. */
  touch(): void {
    this.#sandboxIdle.touch();
    this.#appIdle?.touch();
    this.#resumeApp();
  }

  /** Present until released (an open socket). */
  hold(): () => void {
    const releaseApp = this.#appIdle?.hold();
    const release = this.#sandboxIdle.hold();
    this.#resumeApp();
    return () => {
      releaseApp?.();
      release();
    };
  }

  /** A use of the sandbox by the server itself: keeps it, but is no sign the learner is back. */
  sandboxUsed(): void {
    this.#sandboxIdle.touch();
  }

  /** Work that must not be cut short by the sandbox's idle stop. */
  async busy<T>(task: () => Promise<T>): Promise<T> {
    const release = this.#sandboxIdle.hold();
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** The sandbox is gone, and the app it had stopped with it: nothing to start on return. */
  forget(): void {
    this.#paused = undefined;
  }

  stop(): void {
    this.#sandboxIdle.stop();
    this.#appIdle?.stop();
  }

  async #pauseApp(): Promise<void> {
    const lab = this.#app.running();
    if (!lab) return;
    const state = await this.#app.appState(lab);
    if (state.state !== 'running' && state.state !== 'starting') return;
    this.#log(`away: stopping the app of ${lab.meta.id} until they are back`);
    this.#paused = lab;
    await this.#app.stop(lab);
  }

  #resumeApp(): void {
    const lab = this.#paused;
    if (!lab) return;
    this.#paused = undefined;
    this.#log(`back: starting the app of ${lab.meta.id} again`);
    this.#app.run(lab).catch((error: Error) => this.#log(`could not restart the app: ${error.message}`));
  }
}
