// When is a learner gone? Open sockets hold them present; an API call is a moment of presence. Once
// nothing holds and the timeout has passed since the last sign of life, `onIdle` runs (once per idle
// spell; the next sign of life starts the count again).
export class IdleWatch {
  readonly #timeoutMs: number;
  readonly #onIdle: () => void;
  #holds = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(timeoutMs: number, onIdle: () => void) {
    this.#timeoutMs = timeoutMs;
    this.#onIdle = onIdle;
  }

  /** A moment of activity (an API call). */
  touch(): void {
    this.#arm();
  }

  /** Present until the returned function is called (an open socket, a running check). */
  hold(): () => void {
    this.#holds++;
    clearTimeout(this.#timer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#arm();
    };
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#holds > 0) return;
    this.#timer = setTimeout(() => {
      if (this.#holds === 0) this.#onIdle();
    }, this.#timeoutMs);
    this.#timer.unref();
  }
}
