// Samples every running sandbox's CPU and memory every few seconds, from the cgroup folders the launch
// queue noted. Only running sandboxes are read: a class of sixty is sixty small reads per sample.
import type { SandboxUsage } from './usage.ts';
import { coresBetween, readUsage } from './usage.ts';

export const USAGE_EVERY_MS = 3_000;

export class UsageSampler {
  readonly #cgroups: ReadonlyMap<string, string[]>;
  readonly #onSample: () => void;
  readonly #samples = new Map<string, { cpu: number; memoryBytes: number; cpuSeconds: number; at: number }>();
  readonly #timer: ReturnType<typeof setInterval>;

  /** `onSample`: called after a sample that found at least one running sandbox. */
  constructor(cgroups: ReadonlyMap<string, string[]>, onSample: () => void) {
    this.#cgroups = cgroups;
    this.#onSample = onSample;
    this.#timer = setInterval(() => void this.sample(), USAGE_EVERY_MS);
    this.#timer.unref();
  }

  /** The last sample of a running sandbox, else null. */
  usage(id: string): SandboxUsage | null {
    const sample = this.#samples.get(id);
    if (!sample || !this.#cgroups.has(id)) return null;
    return { cpu: Math.round(sample.cpu * 1000) / 1000, memoryBytes: sample.memoryBytes, running: true };
  }

  async sample(): Promise<void> {
    let any = false;
    for (const [id, folders] of this.#cgroups) {
      const reading = await readUsage(folders);
      if (!reading) continue;
      const at = Date.now();
      const before = this.#samples.get(id);
      const cpu = before ? coresBetween(before, { cpuSeconds: reading.cpuSeconds, at }) : 0;
      this.#samples.set(id, { cpu, memoryBytes: reading.memoryBytes, cpuSeconds: reading.cpuSeconds, at });
      any = true;
    }
    for (const id of this.#samples.keys()) if (!this.#cgroups.has(id)) this.#samples.delete(id);
    if (any) this.#onSample();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
