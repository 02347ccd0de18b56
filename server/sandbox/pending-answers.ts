// Answers the host waits for from the supervisor, by id: a request's reply, a terminal being opened.
// One that never comes fails after its timeout; when the sandbox ends, all that still wait fail at once
// with why, rather than each at its timeout.
type Pending<T> = { resolve(value: T): void; reject(error: Error): void };

export class PendingAnswers<T> {
  readonly #pending = new Map<number, Pending<T>>();

  /** Call once the question is sent, so a question that could not be sent leaves nothing waiting. */
  wait(id: number, timeout?: { ms: number; message: string }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (!timeout) {
        this.#pending.set(id, { resolve, reject });
        return;
      }
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(timeout.message));
      }, timeout.ms);
      this.#pending.set(id, {
        resolve: (value) => { clearTimeout(timer); resolve(value); },
        reject: (error) => { clearTimeout(timer); reject(error); },
      });
    });
  }

  /** An answer nobody waits for (timed out, or a made-up id) is dropped. */
  resolve(id: number, value: T): void {
    this.#pending.get(id)?.resolve(value);
    this.#pending.delete(id);
  }

  reject(id: number, error: Error): void {
    this.#pending.get(id)?.reject(error);
    this.#pending.delete(id);
  }

  rejectAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
