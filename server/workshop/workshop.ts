// A running workshop: the class, each student's Learner (made on first need, so their sandbox starts on
// their first terminal or run), presence and sandbox usage, and every action of students and instructor.
// HTTP and WebSocket code call this; it calls the stores. The dashboard and the students' pages follow
// it through two ChangeFeeds (long polls).
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type {
  answerHelpBodySchema, controlAnswerBodySchema, controlRequestBodySchema, joinBodySchema, paceBodySchema,
  raiseHandBodySchema, resetStudentBodySchema, RosterEntry, WorkshopState,
} from '../contracts/workshop.ts';
import type { Lab } from '../labs/registry.ts';
import type { Learner } from '../learners/learner.ts';
import type { ProgressStore } from '../store/progress-store.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { Log } from '../log.ts';
import { ChangeFeed } from './change-feed.ts';
import { studentIdOf } from './identity.ts';
import { newJoinCode, newStudentId } from './join-code.ts';
import { Presence } from './presence.ts';
import { RateLimiter } from './rate-limit.ts';
import { buildState } from './roster.ts';
import type { WorkshopSecrets } from './secrets.ts';
import { UsageSampler } from './usage-sampler.ts';
import type { StudentRow, WorkshopRow, WorkshopStore } from './workshop-store.ts';

const SWEEP_EVERY_MS = 500;
/** lastActivity is written at most this often per student (every API call would be a write). */
const ACTIVITY_WRITE_MS = 15_000;
const MAX_EVENTS_PER_ANSWER = 100;

export interface WorkshopOptions {
  store: WorkshopStore;
  progress: ProgressStore;
  labs: Map<string, Lab>;
  secrets: WorkshopSecrets;
  title: string;
  /** Makes a student's Learner (own workspace under dataDir/learners/<id>, own sandbox). */
  makeLearner(id: string): Learner;
  /** Student id -> their live sandbox's cgroup folders (LaunchQueue.cgroups). */
  cgroups: ReadonlyMap<string, string[]>;
  log: Log;
}

type Body<T extends z.ZodType> = z.infer<T>;

export class Workshop {
  readonly secrets: WorkshopSecrets;
  readonly dashboard = new ChangeFeed();
  readonly #students = new ChangeFeed();
  readonly #options: WorkshopOptions;
  readonly #store: WorkshopStore;
  readonly #learners = new Map<string, Learner>();
  readonly #presence = new Presence();
  readonly #usage: UsageSampler;
  readonly #activityWritten = new Map<string, number>();
  readonly #joins = new RateLimiter({ capacity: 10, perMinute: 10 });
  readonly #sweeper: ReturnType<typeof setInterval>;
  #studentBaseUrl = '';

  constructor(options: WorkshopOptions) {
    this.#options = options;
    this.#store = options.store;
    this.secrets = options.secrets;
    const existing = this.#store.workshop();
    // Starting the command again on the same data dir carries the workshop on, reopened if it had ended.
    this.#store.saveWorkshop(existing
      ? { ...existing, title: options.title || existing.title, ended: false }
      : { title: options.title, startedAt: new Date().toISOString(), ended: false, joinCode: newJoinCode(), joinOpen: true, unlockedUpTo: null, everyoneTo: null });
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_EVERY_MS);
    this.#sweeper.unref();
    this.#usage = new UsageSampler(options.cgroups, () => this.dashboard.changed());
  }

  get row(): WorkshopRow {
    return this.#store.workshop()!;
  }

  /** Where students go (the join page, with the code when joining is open). */
  setBaseUrl(url: string): void {
    this.#studentBaseUrl = url.replace(/\/$/, '');
  }

  get studentUrl(): string {
    const { joinOpen, joinCode } = this.row;
    return `${this.#studentBaseUrl}/join${joinOpen ? `?code=${joinCode}` : ''}`;
  }

  /** The progress store, telling the dashboard of every check run (from the page or `lab check`). */
  observe(progress: ProgressStore): ProgressStore {
    return { ...progress, record: (id, report) => {
      progress.record(id, report);
      this.dashboard.changed();
    } };
  }

  // --- students ---

  /** A request that already carries a valid student cookie gets that student back (a second tab, a reload of the join page). */
  join(body: Body<typeof joinBodySchema>, address: string, req?: IncomingMessage): StudentRow {
    const wait = this.#joins.take(address, Date.now());
    if (wait > 0) throw new HttpError(429, 'too_many_attempts', `Too many join attempts from your address; try again in ${Math.ceil(wait / 1000)} s.`);
    const workshop = this.row;
    if (workshop.ended) throw new HttpError(410, 'workshop_ended', 'This workshop has ended.');
    if (!workshop.joinOpen) throw new HttpError(403, 'join_closed', 'Joining is closed; ask your instructor.');
    if (body.code !== workshop.joinCode) throw new HttpError(403, 'wrong_code', 'That join code is not right; check it with your instructor.');
    const known = req && studentIdOf(req, this.secrets);
    const existing = known ? this.#store.student(known) : undefined;
    if (existing) return existing;
    const now = new Date().toISOString();
    const student = { id: newStudentId(), name: body.name, joinedAt: now, lastActivity: now, currentLab: null };
    this.#store.addStudent(student);
    this.#options.log(`workshop: ${student.name} joined (${student.id})`);
    this.#presence.seen(student.id, Date.now());
    this.dashboard.changed();
    return student;
  }

  /** The student the request's cookie names; 401 not_joined otherwise (tampered, unknown, absent). */
  studentOf(req: IncomingMessage): StudentRow {
    const id = studentIdOf(req, this.secrets);
    const student = id === null ? undefined : this.#store.student(id);
    if (!student) throw new HttpError(401, 'not_joined', 'Join the workshop first (the join page asks for your name and the code).');
    this.#presence.seen(student.id, Date.now());
    return student;
  }

  /** The requesting student's Learner, for the lab API and sockets; refuses labs beyond the pace. */
  async learnerFor(req: IncomingMessage, lab?: Lab): Promise<Learner> {
    const student = this.studentOf(req);
    const workshop = this.row;
    if (workshop.ended) throw new HttpError(410, 'workshop_ended', 'This workshop has ended; your files stay as they are.');
    if (lab && workshop.unlockedUpTo !== null && lab.meta.number > workshop.unlockedUpTo) {
      throw new HttpError(403, 'locked', `Lab ${lab.meta.number} opens when your instructor unlocks it.`);
    }
    this.#activity(student, lab?.meta.id ?? null);
    const learner = this.learnerOf(student.id);
    learner.touch();
    return learner;
  }

  learnerOf(id: string): Learner {
    let learner = this.#learners.get(id);
    if (!learner) {
      learner = this.#options.makeLearner(id);
      this.#learners.set(id, learner);
    }
    return learner;
  }

  /** Present while the returned function is not called (an open socket, a waiting long poll). */
  present(id: string): () => void {
    return this.#presence.hold(id, Date.now());
  }

  #activity(student: StudentRow, lab: string | null): void {
    const now = Date.now();
    const labChanged = lab !== null && lab !== student.currentLab;
    if (!labChanged && now - (this.#activityWritten.get(student.id) ?? 0) < ACTIVITY_WRITE_MS) return;
    this.#activityWritten.set(student.id, now);
    this.#store.touchStudent(student.id, new Date(now).toISOString(), lab);
    this.dashboard.changed();
  }

  me(student: StudentRow) {
    const { title, ended, unlockedUpTo, everyoneTo } = this.row;
    const handRaised = this.#store.help().some((request) => request.student === student.id && request.answeredAt === null);
    return { student: { id: student.id, name: student.name }, title, ended, pace: { unlockedUpTo, everyoneTo }, handRaised, cursor: this.#store.lastEventId() };
  }

  async studentEvents(student: StudentRow, since: number, timeoutMs: number, signal: AbortSignal) {
    const release = this.present(student.id);
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const cursor = this.#students.cursor;
        const events = this.#store.eventsFor(student.id, since, MAX_EVENTS_PER_ANSWER);
        if (events.length) return { cursor: events.at(-1)!.id, events };
        const left = deadline - Date.now();
        if (left <= 0 || signal.aborted || !(await this.#students.wait(cursor, left, signal))) return { cursor: since, events: [] };
      }
    } finally {
      release();
    }
  }

  /** One waiting request per student: raising again (or a stuck button) does not fill the queue. */
  raiseHand(student: StudentRow, body: Body<typeof raiseHandBodySchema>): { id: number } {
    const waiting = this.#store.help().find((h) => h.student === student.id && h.answeredAt === null);
    if (waiting) return { id: waiting.id };
    const id = this.#store.raiseHand({ student: student.id, lab: body.lab, message: body.message, raisedAt: new Date().toISOString() });
    this.dashboard.changed();
    return { id };
  }

  answerControl(student: StudentRow, body: Body<typeof controlAnswerBodySchema>): { lab: string; allow: boolean } {
    this.lab(body.lab);
    this.#store.setControl(student.id, body.lab, body.allow);
    this.dashboard.changed();
    return body;
  }

  canType(studentId: string, lab: string): boolean {
    return this.#store.hasControl(studentId, lab);
  }

  // --- instructor ---

  state(): WorkshopState {
    return buildState({
      workshop: this.row,
      studentUrl: this.studentUrl,
      students: this.#store.students(),
      help: this.#store.help(),
      progress: (id) => this.#options.progress.progress(id),
      online: (id) => this.#presence.online(id, Date.now()),
      usage: (id) => this.#usageOf(id),
    });
  }

  async dashboardEvents(since: number, timeoutMs: number, signal: AbortSignal): Promise<{ cursor: number; state: WorkshopState }> {
    await this.dashboard.wait(since, timeoutMs, signal);
    return { cursor: this.dashboard.cursor, state: this.state() };
  }

  broadcast(message: string): { id: number } {
    const id = this.#store.addEvent(null, { type: 'broadcast', message, at: new Date().toISOString() });
    this.#students.changed();
    return { id };
  }

  pace(body: Body<typeof paceBodySchema>): WorkshopState['pace'] {
    if (body.everyoneTo !== null) this.lab(body.everyoneTo);
    this.#store.saveWorkshop({ ...this.row, unlockedUpTo: body.unlockedUpTo, everyoneTo: body.everyoneTo });
    const pace = { unlockedUpTo: body.unlockedUpTo, everyoneTo: body.everyoneTo };
    this.#store.addEvent(null, { type: 'pace', pace });
    this.#students.changed();
    this.dashboard.changed();
    return pace;
  }

  async reset(body: Body<typeof resetStudentBodySchema>): Promise<{ files: unknown }> {
    const lab = this.lab(body.lab);
    const files = await this.learnerOf(this.#student(body.student).id).reset(lab);
    this.#store.addEvent(body.student, { type: 'lab-reset', lab: body.lab });
    this.#students.changed();
    return { files };
  }

  joinCode(action: 'close' | 'open' | 'rotate'): { joinCode: string | null } {
    const row = this.row;
    const next = { ...row, joinOpen: action !== 'close', joinCode: action === 'rotate' ? newJoinCode() : row.joinCode };
    this.#store.saveWorkshop(next);
    this.dashboard.changed();
    return { joinCode: next.joinOpen ? next.joinCode : null };
  }

  answerHelp(body: Body<typeof answerHelpBodySchema>): { id: number } {
    const request = this.#store.help().find((waiting) => waiting.id === body.id && waiting.answeredAt === null);
    if (!request || !this.#store.answerHelp(body.id, new Date().toISOString())) throw notFound('No waiting help request has that id.');
    this.#store.addEvent(request.student, { type: 'hand-answered' });
    this.#students.changed();
    this.dashboard.changed();
    return body;
  }

  requestControl(body: Body<typeof controlRequestBodySchema>): { sent: true } {
    this.lab(body.lab);
    this.#student(body.student);
    this.#store.addEvent(body.student, { type: 'control-request', lab: body.lab });
    this.#students.changed();
    return { sent: true };
  }

  /** Stops every sandbox and closes the doors; files, progress and the roster stay. */
  async end(): Promise<{ ended: true }> {
    this.#store.saveWorkshop({ ...this.row, ended: true });
    this.#store.addEvent(null, { type: 'ended' });
    this.#students.changed();
    const learners = [...this.#learners.values()];
    this.#learners.clear();
    await Promise.all(learners.map((learner) => learner.close()));
    this.dashboard.changed();
    this.#options.log(`workshop ended; ${learners.length} sandbox owner(s) stopped`);
    return { ended: true };
  }

  student(id: string): StudentRow {
    return this.#student(id);
  }

  #student(id: string): StudentRow {
    const student = this.#store.student(id);
    if (!student) throw notFound('No student has that id.');
    return student;
  }

  lab(id: string): Lab {
    const lab = this.#options.labs.get(id);
    if (!lab) throw notFound(`There is no lab called "${id}".`);
    return lab;
  }

  labIds(): string[] {
    return [...this.#options.labs.keys()];
  }

  #usageOf(id: string): RosterEntry['usage'] {
    return this.#usage.usage(id) ?? (this.#learners.has(id) ? { cpu: 0, memoryBytes: 0, running: false } : null);
  }

  #sweep(): void {
    if (this.#presence.sweep(this.#store.students().map((s) => s.id), Date.now()).length) this.dashboard.changed();
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#usage.stop();
    await Promise.all([...this.#learners.values()].map((learner) => learner.close()));
    this.#learners.clear();
  }
}
