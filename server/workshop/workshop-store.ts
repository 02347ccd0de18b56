// What a workshop keeps across restarts: the workshop itself (title, join code, pace), the students, the
// help queue, the events sent to students and the instructor's control requests with their answers.
// Callers see only WorkshopStore, so a store shared by several nodes (DESIGN §8, Redis) can replace this
// SQLite one without touching them.
import { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { controlStatusSchema, studentEventSchema, type ControlStatus } from '../contracts/workshop.ts';

export interface WorkshopRow {
  title: string;
  startedAt: string;
  ended: boolean;
  /** When it last ended; null while running (and for workshops ended before this was kept). */
  endedAt: string | null;
  joinCode: string;
  joinOpen: boolean;
  unlockedUpTo: number | null;
  everyoneTo: string | null;
}

export interface StudentRow {
  id: string;
  name: string;
  joinedAt: string;
  lastActivity: string | null;
  currentLab: string | null;
}

export interface HelpRow {
  id: number;
  student: string;
  lab: string | null;
  message: string;
  raisedAt: string;
  answeredAt: string | null;
}

export type StudentEvent = z.infer<typeof studentEventSchema>;
/** An event as stored, before it has its id. */
export type NewStudentEvent = StudentEvent extends infer E ? (E extends StudentEvent ? Omit<E, 'id'> : never) : never;

export interface WorkshopStore {
  workshop(): WorkshopRow | null;
  saveWorkshop(row: WorkshopRow): void;
  addStudent(row: StudentRow): void;
  student(id: string): StudentRow | undefined;
  students(): StudentRow[];
  touchStudent(id: string, at: string, lab: string | null): void;
  raiseHand(request: Omit<HelpRow, 'id' | 'answeredAt'>): number;
  answerHelp(id: number, at: string): boolean;
  help(): HelpRow[];
  /** `student` null: to everyone. Returns the event's id. */
  addEvent(student: string | null, event: NewStudentEvent): number;
  eventsFor(student: string, since: number, limit: number): StudentEvent[];
  lastEventId(): number;
  setControl(status: ControlStatus): void;
  control(student: string, lab: string): ControlStatus | undefined;
  controls(): ControlStatus[];
  close(): void;
}

type Row = Record<string, string | number | null>;

function addColumn(db: DatabaseSync, table: string, column: string, definition: string): void {
  const known = db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get(table, column);
  if (!known) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

export function openWorkshopStore(file: string): WorkshopStore {
  const db = new DatabaseSync(file);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    CREATE TABLE IF NOT EXISTS workshop (
      id INTEGER PRIMARY KEY CHECK (id = 1), title TEXT NOT NULL, started_at TEXT NOT NULL, ended INTEGER NOT NULL,
      join_code TEXT NOT NULL, join_open INTEGER NOT NULL, unlocked_up_to INTEGER, everyone_to TEXT
    );
    CREATE TABLE IF NOT EXISTS students (
      id TEXT PRIMARY KEY, name TEXT NOT NULL, joined_at TEXT NOT NULL, last_activity TEXT, current_lab TEXT
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS help (
      id INTEGER PRIMARY KEY AUTOINCREMENT, student TEXT NOT NULL, lab TEXT, message TEXT NOT NULL,
      raised_at TEXT NOT NULL, answered_at TEXT
    );
    CREATE TABLE IF NOT EXISTS events (
      id INTEGER PRIMARY KEY AUTOINCREMENT, student TEXT, body TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_student ON events (student, id);
    CREATE TABLE IF NOT EXISTS controls (
      student TEXT NOT NULL, lab TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'allowed', at TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (student, lab)
    ) WITHOUT ROWID;
  `);
  // Data dirs from before these columns: a row in controls was a grant.
  addColumn(db, 'workshop', 'ended_at', 'TEXT');
  addColumn(db, 'controls', 'state', "TEXT NOT NULL DEFAULT 'allowed'");
  addColumn(db, 'controls', 'at', "TEXT NOT NULL DEFAULT ''");
  const selectWorkshop = db.prepare('SELECT * FROM workshop WHERE id = 1');
  const upsertWorkshop = db.prepare(`INSERT INTO workshop (id, title, started_at, ended, ended_at, join_code, join_open, unlocked_up_to, everyone_to)
    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, started_at = excluded.started_at,
    ended = excluded.ended, ended_at = excluded.ended_at, join_code = excluded.join_code, join_open = excluded.join_open,
    unlocked_up_to = excluded.unlocked_up_to, everyone_to = excluded.everyone_to`);
  const insertStudent = db.prepare('INSERT INTO students (id, name, joined_at, last_activity, current_lab) VALUES (?, ?, ?, ?, ?)');
  const selectStudent = db.prepare('SELECT * FROM students WHERE id = ?');
  const selectStudents = db.prepare('SELECT * FROM students ORDER BY joined_at, id');
  const updateActivity = db.prepare('UPDATE students SET last_activity = ?, current_lab = COALESCE(?, current_lab) WHERE id = ?');
  const insertHelp = db.prepare('INSERT INTO help (student, lab, message, raised_at) VALUES (?, ?, ?, ?)');
  const updateHelp = db.prepare('UPDATE help SET answered_at = ? WHERE id = ? AND answered_at IS NULL');
  const selectHelp = db.prepare('SELECT * FROM help ORDER BY id');
  const insertEvent = db.prepare('INSERT INTO events (student, body) VALUES (?, ?)');
  const selectEvents = db.prepare('SELECT id, body FROM events WHERE id > ? AND (student IS NULL OR student = ?) ORDER BY id LIMIT ?');
  const selectLastEvent = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM events');
  const upsertControl = db.prepare(`INSERT INTO controls (student, lab, state, at) VALUES (?, ?, ?, ?)
    ON CONFLICT (student, lab) DO UPDATE SET state = excluded.state, at = excluded.at`);
  const selectControl = db.prepare('SELECT * FROM controls WHERE student = ? AND lab = ?');
  const selectControls = db.prepare('SELECT * FROM controls ORDER BY at, student, lab');

  const toStudent = (row: Row): StudentRow => ({
    id: String(row.id), name: String(row.name), joinedAt: String(row.joined_at),
    lastActivity: row.last_activity === null ? null : String(row.last_activity),
    currentLab: row.current_lab === null ? null : String(row.current_lab),
  });
  const toControl = (row: Row): ControlStatus => controlStatusSchema.parse(row);

  return {
    workshop() {
      const row = selectWorkshop.get() as Row | undefined;
      if (!row) return null;
      return {
        title: String(row.title), startedAt: String(row.started_at), ended: row.ended === 1,
        endedAt: row.ended_at === null ? null : String(row.ended_at),
        joinCode: String(row.join_code), joinOpen: row.join_open === 1,
        unlockedUpTo: row.unlocked_up_to === null ? null : Number(row.unlocked_up_to),
        everyoneTo: row.everyone_to === null ? null : String(row.everyone_to),
      };
    },
    saveWorkshop(w) {
      upsertWorkshop.run(w.title, w.startedAt, w.ended ? 1 : 0, w.endedAt, w.joinCode, w.joinOpen ? 1 : 0, w.unlockedUpTo, w.everyoneTo);
    },
    addStudent(s) {
      insertStudent.run(s.id, s.name, s.joinedAt, s.lastActivity, s.currentLab);
    },
    student(id) {
      const row = selectStudent.get(id) as Row | undefined;
      return row && toStudent(row);
    },
    students() {
      return (selectStudents.all() as Row[]).map(toStudent);
    },
    touchStudent(id, at, lab) {
      updateActivity.run(at, lab, id);
    },
    raiseHand(r) {
      return Number(insertHelp.run(r.student, r.lab, r.message, r.raisedAt).lastInsertRowid);
    },
    answerHelp(id, at) {
      return Number(updateHelp.run(at, id).changes) > 0;
    },
    help() {
      return (selectHelp.all() as Row[]).map((row) => ({
        id: Number(row.id), student: String(row.student), lab: row.lab === null ? null : String(row.lab),
        message: String(row.message), raisedAt: String(row.raised_at),
        answeredAt: row.answered_at === null ? null : String(row.answered_at),
      }));
    },
    addEvent(student, event) {
      return Number(insertEvent.run(student, JSON.stringify(event)).lastInsertRowid);
    },
    eventsFor(student, since, limit) {
      return (selectEvents.all(since, student, limit) as Row[]).map((row) => studentEventSchema.parse({ ...JSON.parse(String(row.body)), id: Number(row.id) }));
    },
    lastEventId() {
      return Number((selectLastEvent.get() as Row).id);
    },
    setControl({ student, lab, state, at }) {
      upsertControl.run(student, lab, state, at);
    },
    control(student, lab) {
      const row = selectControl.get(student, lab) as Row | undefined;
      return row && toControl(row);
    },
    controls() {
      return (selectControls.all() as Row[]).map(toControl);
    },
    close() {
      db.close();
    },
  };
}
