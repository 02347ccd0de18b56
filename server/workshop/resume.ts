// What starting `cometlab workshop` does with the workshop it finds in its data dir: none, a new one; a
// running one (the server was stopped or crashed), carried on; an ended one, reopened, which the start-up
// output says in words (`--new` puts it aside instead: archive.ts). Pure, so each case is unit-tested.
import type { WorkshopRow } from './workshop-store.ts';

export const DEFAULT_TITLE = 'cometlab workshop';

export type Opening =
  | { kind: 'new' }
  | { kind: 'continued' }
  | { kind: 'reopened'; title: string; endedAt: string | null };

/** `title` undefined: keep the one the workshop has (a restart without --title does not rename it). */
export function resume(existing: WorkshopRow | null, title: string | undefined, now: string, newJoinCode: () => string): { row: WorkshopRow; opening: Opening } {
  if (!existing) {
    return {
      row: { title: title ?? DEFAULT_TITLE, startedAt: now, ended: false, endedAt: null, joinCode: newJoinCode(), joinOpen: true, unlockedUpTo: null, everyoneTo: null },
      opening: { kind: 'new' },
    };
  }
  const row = { ...existing, title: title ?? existing.title, ended: false, endedAt: null };
  return { row, opening: existing.ended ? { kind: 'reopened', title: existing.title, endedAt: existing.endedAt } : { kind: 'continued' } };
}

/** "2026-11-28 07:41 UTC": a time an instructor reads at a glance in a terminal. */
export function formatMoment(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The start-up line for a workshop that had ended; null otherwise. */
export function reopenedNotice(opening: Opening): string | null {
  if (opening.kind !== 'reopened') return null;
  const when = opening.endedAt ? ` (ended at ${formatMoment(opening.endedAt)})` : '';
  return `The workshop "${opening.title}"${when} had ended: it is reopened with everyone's files and progress. ` +
    'To start a fresh one in this data dir instead, stop and start again with --new.';
}
