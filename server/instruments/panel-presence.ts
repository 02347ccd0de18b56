// When a panel's background work (the lag meter, the nginx log tail) should end because nobody watches:
// a page's socket may drop and come back (a reload), so only an absence that lasts counts. Pure.

/** Long enough for a page reload, short enough that a closed tab does not keep work running. */
export const ABSENT_STOP_MS = 10_000;
/** Work nobody turns off still ends. */
export const LONGEST_RUN_MS = 30 * 60_000;

export class PanelLife {
  readonly #startedAt: number;
  #absentSince: number | null = null;

  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** Told whether a page watches now: why the work should end, or null while it should go on. */
  over(now: number, present: boolean): string | null {
    if (now - this.#startedAt > LONGEST_RUN_MS) return 'it ran for its longest time';
    if (present) this.#absentSince = null;
    else this.#absentSince ??= now;
    if (this.#absentSince !== null && now - this.#absentSince > ABSENT_STOP_MS) return 'no page has watched it for a while';
    return null;
  }
}
