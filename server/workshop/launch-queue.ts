// The workshop's launcher: the bwrap launcher behind a small queue, so sixty students joining in one
// minute start their sandboxes a few at a time instead of all at once (each start is a burst of CPU
// and the machine has two cores), and a note of each running sandbox's cgroup folders for usage.
import type { Launcher, Sandbox, SandboxSpec } from '../sandbox/types.ts';

interface DetailedLauncher extends Launcher {
  launchDetailed(spec: SandboxSpec): Promise<{ sandbox: Sandbox; cgroupFolders: string[] }>;
}

const detailed = (launcher: Launcher): launcher is DetailedLauncher =>
  typeof (launcher as Partial<DetailedLauncher>).launchDetailed === 'function';

export class LaunchQueue implements Launcher {
  readonly #inner: Launcher;
  readonly #concurrency: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  /** learner id -> cgroup folders of their live sandbox. */
  readonly cgroups = new Map<string, string[]>();

  constructor(inner: Launcher, concurrency: number) {
    this.#inner = inner;
    this.#concurrency = concurrency;
  }

  get status() {
    return this.#inner.status;
  }

  /** Launches waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  async launch(spec: SandboxSpec): Promise<Sandbox> {
    if (this.#running >= this.#concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
    try {
      if (!detailed(this.#inner)) return await this.#inner.launch(spec);
      const launched = await this.#inner.launchDetailed(spec);
      this.cgroups.set(spec.learnerId, launched.cgroupFolders);
      launched.sandbox.onEnd(() => this.#forget(spec.learnerId, launched.cgroupFolders));
      const stop = launched.sandbox.stop.bind(launched.sandbox);
      launched.sandbox.stop = () => {
        this.#forget(spec.learnerId, launched.cgroupFolders);
        return stop();
      };
      return launched.sandbox;
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }

  #forget(learnerId: string, folders: string[]): void {
    if (this.cgroups.get(learnerId) === folders) this.cgroups.delete(learnerId);
  }
}
