// A counter that long polls wait on: `changed()` moves it on and wakes every waiter; `wait(since, ms)`
// resolves at once when the counter is not at `since` (including after a restart, when it starts again
// from a new value), else at the next change or after `ms`. Many changes in a moment wake waiters once.

export class ChangeFeed {
  #cursor: number;
  readonly #waiters = new Set<() => void>();

  constructor(start = Date.now()) {
    this.#cursor = start;
  }

  get cursor(): number {
    return this.#cursor;
  }

  changed(): void {
    this.#cursor++;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves true on a change, false on timeout or when `signal` aborts (the client went away). */
  wait(since: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (since !== this.#cursor) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (changed: boolean) => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        signal?.removeEventListener('abort', abort);
        resolve(changed);
      };
      const wake = () => done(true);
      const abort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.#waiters.add(wake);
      signal?.addEventListener('abort', abort);
    });
  }

  get waiting(): number {
    return this.#waiters.size;
  }
}
