// The nginx panel's live tail: while a page watches a lab's instruments, new lines of its error and
// access logs go out as `nginx-log` messages, twice a second at most.
import type { InstrumentMessage } from '../contracts/instruments.ts';
import type { Learner } from '../learners/learner.ts';
import { instrumentsFor } from './hub.ts';
import { LogFollower } from './nginx-logs.ts';
import { PanelLife } from './panel-presence.ts';

const POLL_MS = 500;

export interface NginxLogTailOptions {
  home: string;
  lab: string;
  emit(message: InstrumentMessage): void;
  present(): boolean;
  stopped(): void;
}

export class NginxLogTail {
  readonly lab: string;
  readonly #options: NginxLogTailOptions;
  readonly #followers: LogFollower[];
  readonly #life = new PanelLife(Date.now());
  #timer: NodeJS.Timeout | undefined;
  #running = true;

  constructor(options: NginxLogTailOptions) {
    this.lab = options.lab;
    this.#options = options;
    this.#followers = (['error', 'access'] as const).map((log) => new LogFollower(options.home, options.lab, log));
    void this.#tick();
  }

  get running(): boolean {
    return this.#running;
  }

  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    clearTimeout(this.#timer);
    this.#options.stopped();
  }

  async #tick(): Promise<void> {
    for (const follower of this.#followers) {
      try {
        const { lines, access } = await follower.next();
        if (this.#running && lines.length > 0) this.#options.emit({ type: 'nginx-log', lab: this.lab, log: follower.log, lines, access });
      } catch {
        // a log the learner replaced by something we refuse to read: nothing to show until it is a file again
      }
    }
    if (!this.#running) return;
    if (this.#life.over(Date.now(), this.#options.present()) !== null) return this.stop();
    this.#timer = setTimeout(() => void this.#tick(), POLL_MS);
  }
}

const tails = new WeakMap<Learner, NginxLogTail>();

/** Follows a lab's nginx logs for the learner's pages (one lab at a time per learner) until nobody watches. */
export function followNginxLogs(learner: Learner, lab: string): void {
  const current = tails.get(learner);
  if (current?.running && current.lab === lab) return;
  current?.stop();
  const hub = instrumentsFor(learner);
  const tail = new NginxLogTail({
    home: learner.store.homeDir,
    lab,
    emit: (message) => hub.emit(message),
    present: () => hub.listening(lab),
    stopped: () => {
      if (tails.get(learner) === tail) tails.delete(learner);
    },
  });
  tails.set(learner, tail);
}
