// The workshop's results for the instructor's records: one CSV row per student and lab, or the whole
// state as JSON. Pure.
import type { WorkshopState } from '../contracts/workshop.ts';

/** Quotes every field, and defuses a leading = + - @ so a spreadsheet never runs a student's name as a formula. */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export function toCsv(state: WorkshopState, labIds: string[]): string {
  const header = ['student_id', 'name', 'joined_at', 'last_activity', 'lab', 'passed', 'total', 'completed_at'];
  const rows = [header.map(csvField).join(',')];
  for (const entry of state.roster) {
    for (const lab of labIds) {
      const standing = entry.labs[lab];
      rows.push([entry.id, entry.name, entry.joinedAt, entry.lastActivity, lab, standing?.passed ?? 0, standing?.total ?? null,
        standing?.completedAt ?? null].map(csvField).join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
