// Typing in a student's terminal: the instructor asks, the student answers on their page (and may take
// it back later), and the dashboard follows every step. The watch socket asks canType on each keystroke,
// so an answer counts from the next key on.
import type { ControlStatus } from '../contracts/workshop.ts';
import type { StudentFeed } from './student-feed.ts';
import type { WorkshopStore } from './workshop-store.ts';

export class TerminalControl {
  readonly #store: WorkshopStore;
  readonly #students: StudentFeed;
  readonly #changed: () => void;

  /** `changed`: what the dashboard shows has changed. */
  constructor(store: WorkshopStore, students: StudentFeed, changed: () => void) {
    this.#store = store;
    this.#students = students;
    this.#changed = changed;
  }

  /** Asks the student on their page, unless they have already given control for this lab. */
  request(student: string, lab: string, at: string): { sent: boolean; state: ControlStatus['state'] } {
    if (this.canType(student, lab)) return { sent: false, state: 'allowed' };
    this.#store.setControl({ student, lab, state: 'pending', at });
    this.#students.send(student, { type: 'control-request', lab });
    this.#changed();
    return { sent: true, state: 'pending' };
  }

  /** The student's answer; a refusal after allowing takes control back. */
  answer(student: string, lab: string, allow: boolean, at: string): void {
    this.#store.setControl({ student, lab, state: allow ? 'allowed' : 'refused', at });
    this.#changed();
  }

  canType(student: string, lab: string): boolean {
    return this.#store.control(student, lab)?.state === 'allowed';
  }

  list(): ControlStatus[] {
    return this.#store.controls();
  }
}
