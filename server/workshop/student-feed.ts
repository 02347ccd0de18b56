// What the instructor sends to students (broadcasts, pace, lab resets, answered hands, control requests,
// the end), kept in the store so a student who was away reads it later, and the long poll each
// student's page follows it with (GET /api/workshop/me/events).
import { ChangeFeed } from './change-feed.ts';
import type { NewStudentEvent, StudentEvent, WorkshopStore } from './workshop-store.ts';

const MAX_EVENTS_PER_ANSWER = 100;

export class StudentFeed {
  readonly #store: WorkshopStore;
  readonly #changes = new ChangeFeed();

  constructor(store: WorkshopStore) {
    this.#store = store;
  }

  /** `student` null: to everyone. Returns the event's id. */
  send(student: string | null, event: NewStudentEvent): number {
    const id = this.#store.addEvent(student, event);
    this.#changes.changed();
    return id;
  }

  /** The student's events after `since`, as soon as there are any, else none after `timeoutMs`. */
  async wait(student: string, since: number, timeoutMs: number, signal: AbortSignal): Promise<{ cursor: number; events: StudentEvent[] }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const cursor = this.#changes.cursor;
      const events = this.#store.eventsFor(student, since, MAX_EVENTS_PER_ANSWER);
      if (events.length) return { cursor: events.at(-1)!.id, events };
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted || !(await this.#changes.wait(cursor, left, signal))) return { cursor: since, events: [] };
    }
  }

  /** Start a page's long poll here to skip what was sent before it. */
  get cursor(): number {
    return this.#store.lastEventId();
  }
}
