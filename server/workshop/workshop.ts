// A running workshop: the class, each student's Learner (made on first need, so their sandbox starts on
// their first terminal or run), presence and sandbox usage, and every action of students and instructor.
// HTTP and WebSocket code call this; it calls the stores. Who gets in is Admission's, what students are
// sent is StudentFeed's, typing in their terminals is TerminalControl's. The dashboard follows `dashboard`
// and each student's page their StudentFeed (both long polls).
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
import { Admission } from './admission.ts';
import { ChangeFeed } from './change-feed.ts';
import { TerminalControl } from './control.ts';
import { newJoinCode } from './join-code.ts';
import { Presence } from './presence.ts';
import { resume, type Opening } from './resume.ts';
import { buildState } from './roster.ts';
import type { WorkshopSecrets } from './secrets.ts';
import { StudentFeed } from './student-feed.ts';
import { UsageSampler } from './usage-sampler.ts';
import type { StudentRow, WorkshopRow, WorkshopStore } from './workshop-store.ts';

const SWEEP_EVERY_MS = 500;
/** lastActivity is written at most this often per student (every API call would be a write). */
const ACTIVITY_WRITE_MS = 15_000;

export interface WorkshopOptions {
  store: WorkshopStore;
  progress: ProgressStore;
  labs: Map<string, Lab>;
  secrets: WorkshopSecrets;
  /** Undefined: a new workshop gets the default title, an existing one keeps its own. */
  title?: string;
  /** Makes a student's Learner (own workspace under dataDir/learners/<id>, own sandbox). */
  makeLearner(id: string): Learner;
  /** Student id -> their live sandbox's cgroup folders (LaunchQueue.cgroups). */
  cgroups: ReadonlyMap<string, string[]>;
  log: Log;
}

type Body<T extends z.ZodType> = z.infer<T>;

export class Workshop {
  readonly secrets: WorkshopSecrets;
  /** What this start found in the data dir (start.ts says so when an ended workshop was reopened). */
  readonly opening: Opening;
  readonly dashboard = new ChangeFeed();
  readonly #options: WorkshopOptions;
  readonly #store: WorkshopStore;
  readonly #learners = new Map<string, Learner>();
  readonly #presence = new Presence();
  readonly #admission: Admission;
  readonly #students: StudentFeed;
  readonly #control: TerminalControl;
  readonly #usage: UsageSampler;
  readonly #activityWritten = new Map<string, number>();
  readonly #sweeper: ReturnType<typeof setInterval>;
  #studentBaseUrl = '';

  constructor(options: WorkshopOptions) {
    this.#options = options;
    this.#store = options.store;
    this.secrets = options.secrets;
    const { row, opening } = resume(this.#store.workshop(), options.title, new Date().toISOString(), newJoinCode);
    this.#store.saveWorkshop(row);
    this.opening = opening;
    const changed = () => this.dashboard.changed();
    this.#admission = new Admission({ store: this.#store, secrets: this.secrets, presence: this.#presence, changed, log: options.log });
    this.#students = new StudentFeed(this.#store);
    this.#control = new TerminalControl(this.#store, this.#students, changed);
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_EVERY_MS);
    this.#sweeper.unref();
    this.#usage = new UsageSampler(options.cgroups, changed);
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

  join(body: Body<typeof joinBodySchema>, address: string, req?: IncomingMessage): StudentRow {
    return this.#admission.join(body, address, req);
  }

  studentOf(req: IncomingMessage): StudentRow {
    return this.#admission.studentOf(req);
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
    return { student: { id: student.id, name: student.name }, title, ended, pace: { unlockedUpTo, everyoneTo }, handRaised, cursor: this.#students.cursor };
  }

  async studentEvents(student: StudentRow, since: number, timeoutMs: number, signal: AbortSignal) {
    const release = this.present(student.id);
    try {
      return await this.#students.wait(student.id, since, timeoutMs, signal);
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
    this.#control.answer(student.id, body.lab, body.allow, new Date().toISOString());
    return body;
  }

  canType(studentId: string, lab: string): boolean {
    return this.#control.canType(studentId, lab);
  }

  // --- instructor ---

  state(): WorkshopState {
    return buildState({
      workshop: this.row,
      studentUrl: this.studentUrl,
      students: this.#store.students(),
      help: this.#store.help(),
      controls: this.#control.list(),
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
    return { id: this.#students.send(null, { type: 'broadcast', message, at: new Date().toISOString() }) };
  }

  pace(body: Body<typeof paceBodySchema>): WorkshopState['pace'] {
    if (body.everyoneTo !== null) this.lab(body.everyoneTo);
    this.#store.saveWorkshop({ ...this.row, unlockedUpTo: body.unlockedUpTo, everyoneTo: body.everyoneTo });
    const pace = { unlockedUpTo: body.unlockedUpTo, everyoneTo: body.everyoneTo };
    this.#students.send(null, { type: 'pace', pace });
    this.dashboard.changed();
    return pace;
  }

  async reset(body: Body<typeof resetStudentBodySchema>): Promise<{ files: unknown }> {
    const lab = this.lab(body.lab);
    const files = await this.learnerOf(this.#student(body.student).id).reset(lab);
    this.#students.send(body.student, { type: 'lab-reset', lab: body.lab });
    return { files };
  }

  joinCode(action: 'close' | 'open' | 'rotate'): { joinCode: string | null } {
    return this.#admission.joinCode(action);
  }

  answerHelp(body: Body<typeof answerHelpBodySchema>): { id: number } {
    const request = this.#store.help().find((waiting) => waiting.id === body.id && waiting.answeredAt === null);
    if (!request || !this.#store.answerHelp(body.id, new Date().toISOString())) throw notFound('No waiting help request has that id.');
    this.#students.send(request.student, { type: 'hand-answered' });
    this.dashboard.changed();
    return body;
  }

  /** Asks the student to let the instructor type; the dashboard shows it pending until they answer. */
  requestControl(body: Body<typeof controlRequestBodySchema>) {
    this.lab(body.lab);
    return this.#control.request(this.#student(body.student).id, body.lab, new Date().toISOString());
  }

  /** Stops every sandbox and closes the doors; files, progress and the roster stay. */
  async end(): Promise<{ ended: true }> {
    this.#store.saveWorkshop({ ...this.row, ended: true, endedAt: new Date().toISOString() });
    this.#students.send(null, { type: 'ended' });
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
