// Who gets into the workshop: the join code (open, closed, rotated), the join rate limit per address, and
// the signed cookie that names a student on every later request.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { joinBodySchema } from '../contracts/workshop.ts';
import { HttpError } from '../http/errors.ts';
import type { Log } from '../log.ts';
import { studentIdOf } from './identity.ts';
import { newJoinCode, newStudentId } from './join-code.ts';
import type { Presence } from './presence.ts';
import { RateLimiter } from './rate-limit.ts';
import type { WorkshopSecrets } from './secrets.ts';
import type { StudentRow, WorkshopStore } from './workshop-store.ts';

export class Admission {
  readonly #store: WorkshopStore;
  readonly #secrets: WorkshopSecrets;
  readonly #presence: Presence;
  /** The roster (or the join code) changed. */
  readonly #changed: () => void;
  readonly #log: Log;
  readonly #joins = new RateLimiter({ capacity: 10, perMinute: 10 });

  constructor(options: { store: WorkshopStore; secrets: WorkshopSecrets; presence: Presence; changed(): void; log: Log }) {
    this.#store = options.store;
    this.#secrets = options.secrets;
    this.#presence = options.presence;
    this.#changed = options.changed;
    this.#log = options.log;
  }

  /** A request that already carries a valid student cookie gets that student back (a second tab, a reload of the join page). */
  join(body: z.infer<typeof joinBodySchema>, address: string, req?: IncomingMessage): StudentRow {
    const wait = this.#joins.take(address, Date.now());
    if (wait > 0) throw new HttpError(429, 'too_many_attempts', `Too many join attempts from your address; try again in ${Math.ceil(wait / 1000)} s.`);
    const workshop = this.#store.workshop()!;
    if (workshop.ended) throw new HttpError(410, 'workshop_ended', 'This workshop has ended.');
    if (!workshop.joinOpen) throw new HttpError(403, 'join_closed', 'Joining is closed; ask your instructor.');
    if (body.code !== workshop.joinCode) throw new HttpError(403, 'wrong_code', 'That join code is not right; check it with your instructor.');
    const known = req && studentIdOf(req, this.#secrets);
    const existing = known ? this.#store.student(known) : undefined;
    if (existing) return existing;
    const now = new Date().toISOString();
    const student = { id: newStudentId(), name: body.name, joinedAt: now, lastActivity: now, currentLab: null };
    this.#store.addStudent(student);
    this.#log(`workshop: ${student.name} joined (${student.id})`);
    this.#presence.seen(student.id, Date.now());
    this.#changed();
    return student;
  }

  /** The student the request's cookie names; 401 not_joined otherwise (tampered, unknown, absent, or from an archived workshop). */
  studentOf(req: IncomingMessage): StudentRow {
    const id = studentIdOf(req, this.#secrets);
    const student = id === null ? undefined : this.#store.student(id);
    if (!student) throw new HttpError(401, 'not_joined', 'Join the workshop first (the join page asks for your name and the code).');
    this.#presence.seen(student.id, Date.now());
    return student;
  }

  joinCode(action: 'close' | 'open' | 'rotate'): { joinCode: string | null } {
    const row = this.#store.workshop()!;
    const next = { ...row, joinOpen: action !== 'close', joinCode: action === 'rotate' ? newJoinCode() : row.joinCode };
    this.#store.saveWorkshop(next);
    this.#changed();
    return { joinCode: next.joinOpen ? next.joinCode : null };
  }
}
