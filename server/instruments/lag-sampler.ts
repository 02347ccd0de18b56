// Joins the lag meter's two views into samples: each outside probe's answer time, with the largest
// inside delay the app reported since the previous sample. The preload reports four times a second and
// the probes come five times, so a sample with no new report repeats the last one while it is fresh;
// null means none came for a while (no preload, no app, or an app too blocked to report yet). Pure.
import type { LagSample } from '../contracts/instruments.ts';

/** How often the host probes when answers come quickly. */
export const PROBE_EVERY_MS = 200;
/** An inside report older than this is not shown again. */
export const INSIDE_FRESH_MS = 1_000;

export class LagSampler {
  #sinceLast: number | null = null;
  #last: { at: number; maxMs: number } | null = null;

  inside(at: number, maxMs: number): void {
    this.#sinceLast = Math.max(this.#sinceLast ?? 0, maxMs);
    this.#last = { at, maxMs };
  }

  sample(at: number, outsideMs: number | null): LagSample {
    const fresh = this.#last !== null && at - this.#last.at <= INSIDE_FRESH_MS ? this.#last.maxMs : null;
    const sample = { at, outsideMs, insideMs: this.#sinceLast ?? fresh };
    this.#sinceLast = null;
    return sample;
  }
}

/** Wait before the next probe: one probe in flight at most, and no faster than PROBE_EVERY_MS apart. */
export function nextProbeDelay(probeTookMs: number): number {
  return Math.max(0, PROBE_EVERY_MS - probeTookMs);
}
