// Which checks each learner has passed, per lab, kept durably. Callers see only ProgressStore, so a
// store shared by several playground nodes (DESIGN §8) can replace the SQLite one without touching them.
import { DatabaseSync } from 'node:sqlite';
import type { CheckReport } from '../contracts/check.ts';
import type { LabProgress } from '../contracts/api.ts';

export interface ProgressStore {
  /** Keeps the outcome of a check run: each check's latest status, and the first time all passed. */
  record(learnerId: string, report: CheckReport): void;
  progress(learnerId: string): Record<string, LabProgress>;
  close(): void;
}

export function openProgressStore(file: string): ProgressStore {
  const db = new DatabaseSync(file);
  // WAL keeps readers and the writer out of each other's way; NORMAL sync is durable across process crashes.
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    CREATE TABLE IF NOT EXISTS check_status (
      learner TEXT NOT NULL, lab TEXT NOT NULL, check_id TEXT NOT NULL,
      passed INTEGER NOT NULL, checked_at TEXT NOT NULL,
      PRIMARY KEY (learner, lab, check_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS lab_status (
      learner TEXT NOT NULL, lab TEXT NOT NULL, total INTEGER NOT NULL,
      checked_at TEXT NOT NULL, completed_at TEXT,
      PRIMARY KEY (learner, lab)
    ) WITHOUT ROWID;
  `);
  const upsertCheck = db.prepare(`INSERT INTO check_status (learner, lab, check_id, passed, checked_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (learner, lab, check_id) DO UPDATE SET passed = excluded.passed, checked_at = excluded.checked_at`);
  const forgetChecks = db.prepare('DELETE FROM check_status WHERE learner = ? AND lab = ?');
  const upsertLab = db.prepare(`INSERT INTO lab_status (learner, lab, total, checked_at, completed_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (learner, lab) DO UPDATE SET total = excluded.total, checked_at = excluded.checked_at,
      completed_at = COALESCE(lab_status.completed_at, excluded.completed_at)`);
  const selectLabs = db.prepare('SELECT lab, total, checked_at, completed_at FROM lab_status WHERE learner = ?');
  const selectPassed = db.prepare('SELECT lab, check_id FROM check_status WHERE learner = ? AND passed = 1');

  return {
    record(learnerId, report) {
      const now = new Date().toISOString();
      const complete = report.total > 0 && report.passed === report.total;
      db.exec('BEGIN IMMEDIATE');
      try {
        // A lab's checks can change between versions of the course: keep only the ones just run.
        forgetChecks.run(learnerId, report.lab);
        for (const result of report.results) upsertCheck.run(learnerId, report.lab, result.id, result.status === 'pass' ? 1 : 0, now);
        upsertLab.run(learnerId, report.lab, report.total, now, complete ? now : null);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    progress(learnerId) {
      const passed = new Map<string, string[]>();
      for (const row of selectPassed.all(learnerId) as Array<{ lab: string; check_id: string }>) {
        passed.set(row.lab, [...(passed.get(row.lab) ?? []), row.check_id]);
      }
      const result: Record<string, LabProgress> = {};
      for (const row of selectLabs.all(learnerId) as Array<{ lab: string; total: number; checked_at: string; completed_at: string | null }>) {
        const ids = passed.get(row.lab) ?? [];
        result[row.lab] = { passed: ids.length, total: row.total, passedChecks: ids.sort(), checkedAt: row.checked_at, completedAt: row.completed_at };
      }
      return result;
    },
    close() {
      db.close();
    },
  };
}
