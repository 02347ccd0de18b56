// Pure helpers of the instructor's pages: how numbers, times and class-wide progress read.
import type { RosterEntry } from '../../../server/contracts/workshop.ts';

export interface CourseItemView { id: string; number: number; title: string; ready: boolean }

export function formatCpu(cores: number): string {
  return `${Math.round(cores * 100)} %`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** "just now", "5 min ago", "2 h ago"; `now` is passed so the caller (and a test) controls the clock. */
export function formatAgo(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

export interface LabProgressSummary {
  lab: CourseItemView;
  /** Students who passed every check of the lab. */
  completed: number;
  /** Students who ran its checks at least once without passing them all. */
  started: number;
  /** Students currently on the lab. */
  here: number;
  students: number;
}

/** For every ready lab, how far the class has got with it. */
export function classProgress(roster: readonly RosterEntry[], course: readonly CourseItemView[]): LabProgressSummary[] {
  return course.filter((lab) => lab.ready).map((lab) => {
    let completed = 0;
    let started = 0;
    let here = 0;
    for (const student of roster) {
      const standing = student.labs[lab.id];
      if (standing?.completedAt || (standing && standing.total > 0 && standing.passed === standing.total)) completed += 1;
      else if (standing) started += 1;
      if (student.currentLab === lab.id) here += 1;
    }
    return { lab, completed, started, here, students: roster.length };
  });
}

/** The student URL to show and encode in the QR code: it carries the join code unless joining is closed. */
export function joinLink(studentUrl: string, code: string | null): string {
  if (!code) return studentUrl;
  try {
    const url = new URL(studentUrl);
    if (!url.searchParams.has('code')) url.searchParams.set('code', code);
    return url.href;
  } catch {
    return studentUrl;
  }
}

export function describePace(unlockedUpTo: number | null, course: readonly CourseItemView[]): string {
  if (unlockedUpTo === null) return 'All labs are open.';
  const last = course.find((lab) => lab.number === unlockedUpTo);
  return `Labs 1 to ${unlockedUpTo} are open${last ? ` (up to “${last.title}”)` : ''}; the rest are locked.`;
}
