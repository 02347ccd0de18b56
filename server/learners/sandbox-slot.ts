// A learner's one sandbox over time: launched on first need, stopped when asked (away, shutdown), or
// ended by itself (a crash, a kill); the next use launches a new one. Two never overlap: a new one waits
// until the last has left, as both use the same socket folder.
import { mkdir } from 'node:fs/promises';
import type { Launcher, Sandbox } from '../sandbox/types.ts';
import { HttpError } from '../http/errors.ts';
import type { Log } from '../log.ts';

export interface SandboxSlotOptions {
  learnerId: string;
  launcher: Launcher;
  homeDir: string;
  /** A short host-only folder (unix socket paths are limited to about 100 bytes). */
  runDir: string;
  log: Log;
  /** A new sandbox, before anyone uses it: the place to listen to it. */
  launched(sandbox: Sandbox): void;
  /** The sandbox is gone, stopped or ended: what ran in it is gone too. */
  forget(reason: string): void;
  /** It ended without being asked to (after `forget`). */
  ended(reason: string): void;
}

export class SandboxSlot {
  readonly #options: SandboxSlotOptions;
  #current: Promise<Sandbox> | undefined;
  /** A sandbox on its way out; the next one waits for it. */
  #leaving: Promise<void> = Promise.resolve();

  constructor(options: SandboxSlotOptions) {
    this.#options = options;
  }

  /** Whether a sandbox runs or is starting (asking for it would not launch one). */
  get active(): boolean {
    return this.#current !== undefined;
  }

  get(): Promise<Sandbox> {
    if (this.#current) return this.#current;
    const launching = this.#launch(() => this.#current === launching);
    this.#current = launching;
    // A failed start is forgotten so the next use tries again; a newer launch in the slot is left alone.
    launching.catch((error: Error) => {
      this.#options.log(`sandbox failed to start: ${error.message}`);
      if (this.#current === launching) this.#current = undefined;
    });
    return launching;
  }

  /** `isCurrent`: whether this launch still holds the slot (a stop and a new launch may have replaced it). */
  async #launch(isCurrent: () => boolean): Promise<Sandbox> {
    const { launcher, log } = this.#options;
    if (!launcher.status.sandboxed && launcher.status.kind === 'none') {
      throw new HttpError(503, 'no_sandbox', `Labs cannot run here: ${launcher.status.reason}`);
    }
    await this.#leaving;
    await mkdir(this.#options.homeDir, { recursive: true });
    await mkdir(this.#options.runDir, { recursive: true, mode: 0o700 });
    const started = performance.now();
    const sandbox = await launcher.launch({ learnerId: this.#options.learnerId, homeDir: this.#options.homeDir, runDir: this.#options.runDir });
    log(`sandbox started (${launcher.status.kind}) in ${Math.round(performance.now() - started)} ms`);
    this.#options.launched(sandbox);
    sandbox.onEnd((reason) => {
      log(`sandbox ended: ${reason}`);
      // A successor may already wait in the slot (asked for while this one was leaving): it stays.
      if (isCurrent()) this.#current = undefined;
      this.#options.forget(reason);
      this.#options.ended(reason);
      // Remove what is left of it (its sockets) before a new one is made in the same folder.
      this.#leaving = sandbox.stop().catch(() => undefined);
    });
    return sandbox;
  }

  /** Stops the sandbox (its terminals, app and services with it); the next `get` launches a new one. */
  async stop(reason: string): Promise<void> {
    const pending = this.#current;
    if (!pending) return;
    this.#current = undefined;
    this.#options.log(`stopping the sandbox: ${reason}`);
    this.#options.forget(reason);
    const stopped = pending.then((sandbox) => sandbox.stop(), () => undefined);
    this.#leaving = stopped.catch(() => undefined);
    await stopped;
  }

  /** Stops it for good: resolves once nothing of it is left. */
  async close(reason: string): Promise<void> {
    await this.stop(reason);
    await this.#leaving;
  }
}
