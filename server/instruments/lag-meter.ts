// The event-loop lag meter of labs 2-3: from outside, the host sends a trivial request through the relay
// and times the answer (one in flight at most, about five a second); from inside, the app's preload
// reports its own loop delay. Each probe's end makes one sample, sent as a `lag` message. One meter per
// learner; it stops when asked, when the sandbox ends, and when no page has listened for a while.
import type { Probe } from '../contracts/check.ts';
import type { InstrumentMessage } from '../contracts/instruments.ts';
import { createHttpProbe } from '../checks/http-probe.ts';
import type { Learner } from '../learners/learner.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { instrumentsFor } from './hub.ts';
import { LagSampler, nextProbeDelay } from './lag-sampler.ts';
import { PanelLife } from './panel-presence.ts';
import { recordedProbe } from './recorded-probe.ts';
import type { TrafficTap } from './traffic-recorder.ts';

/** A probe not answered in this long counts as no answer (null). */
export const PROBE_TIMEOUT_MS = 2_000;

export interface LagMeterOptions {
  lab: string;
  sandbox: Sandbox;
  emit(message: InstrumentMessage): void;
  /** Where the probes show on the timeline. */
  traffic: TrafficTap;
  /** Whether a page listens for this lab's instruments now. */
  present(): boolean;
  /** Called once when the meter stops, whatever the reason. */
  stopped(reason: string): void;
}

export class LagMeter {
  readonly lab: string;
  readonly #options: LagMeterOptions;
  readonly #sampler = new LagSampler();
  readonly #unsubscribe: Array<() => void>;
  readonly #probe: Probe;
  #timer: NodeJS.Timeout | undefined;
  readonly #life = new PanelLife(Date.now());
  #running = true;

  constructor(options: LagMeterOptions) {
    this.lab = options.lab;
    this.#options = options;
    const relay = createHttpProbe((port) => options.sandbox.connect(port), { maxBodyBytes: 64 * 1024 });
    this.#probe = recordedProbe(relay, options.traffic, 'lag');
    this.#unsubscribe = [
      options.sandbox.onAppLag((maxMs) => this.#sampler.inside(Date.now(), maxMs)),
      options.sandbox.onEnd(() => this.stop('the sandbox ended')),
    ];
    void this.#measure();
  }

  get running(): boolean {
    return this.#running;
  }

  stop(reason: string): void {
    if (!this.#running) return;
    this.#running = false;
    clearTimeout(this.#timer);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#options.stopped(reason);
  }

  async #measure(): Promise<void> {
    const started = performance.now();
    let outsideMs: number | null = null;
    try {
      const answer = await this.#probe.request({ path: '/stats', timeoutMs: PROBE_TIMEOUT_MS });
      if (!answer.timedOut) outsideMs = Math.round((performance.now() - started) * 10) / 10;
    } catch {
      // no app, or it hung up: no answer is the sample
    }
    if (!this.#running) return;
    this.#options.emit({ type: 'lag', lab: this.lab, samples: [this.#sampler.sample(Date.now(), outsideMs)] });
    const reason = this.#life.over(Date.now(), this.#options.present());
    if (reason) return this.stop(reason);
    this.#timer = setTimeout(() => void this.#measure(), nextProbeDelay(performance.now() - started));
  }
}

const meters = new WeakMap<Learner, LagMeter>();

/** Turns the learner's meter on for a lab (replacing one for another lab) or off; answers whether it runs. */
export async function switchLagMeter(learner: Learner, lab: string, on: boolean): Promise<{ lab: string; on: boolean }> {
  if (!on) {
    const current = meters.get(learner);
    if (current?.lab === lab) current.stop('turned off');
    return { lab, on: false };
  }
  const sandbox = await learner.sandbox();
  // Looked at after the wait, so two quick requests still make one meter.
  const current = meters.get(learner);
  if (current?.running && current.lab === lab) return { lab, on: true };
  current?.stop('turned on for another lab');
  const hub = instrumentsFor(learner);
  const meter = new LagMeter({
    lab,
    sandbox,
    emit: (message) => hub.emit(message),
    traffic: hub.traffic(lab),
    present: () => hub.listening(lab),
    stopped: () => {
      if (meters.get(learner) === meter) meters.delete(learner);
    },
  });
  meters.set(learner, meter);
  return { lab, on: true };
}
