// Who is at their page: an open socket or a waiting long poll holds a student present; any request is a
// moment of presence that lasts ONLINE_GRACE_MS (a page between two polls, a reload). `sweep` reports
// students whose state flipped since the last sweep, so the dashboard hears of it within one tick.

export const ONLINE_GRACE_MS = 10_000;

export class Presence {
  readonly #holds = new Map<string, number>();
  readonly #seen = new Map<string, number>();
  readonly #reported = new Map<string, boolean>();

  seen(id: string, now: number): void {
    this.#seen.set(id, now);
  }

  /** Present until the returned function is called. */
  hold(id: string, now: number): () => void {
    this.#holds.set(id, (this.#holds.get(id) ?? 0) + 1);
    this.seen(id, now);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds.set(id, this.#holds.get(id)! - 1);
      this.seen(id, Date.now());
    };
  }

  online(id: string, now: number): boolean {
    return (this.#holds.get(id) ?? 0) > 0 || now - (this.#seen.get(id) ?? -Infinity) < ONLINE_GRACE_MS;
  }

  /** Students whose online state changed since the last sweep. */
  sweep(ids: Iterable<string>, now: number): string[] {
    const flipped: string[] = [];
    for (const id of ids) {
      const online = this.online(id, now);
      if ((this.#reported.get(id) ?? false) !== online) flipped.push(id);
      this.#reported.set(id, online);
    }
    return flipped;
  }
}
