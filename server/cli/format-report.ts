// Turns a check report into lines for a terminal: one per check, with what was expected and seen.
import type { CheckReport } from '../contracts/check.ts';

const marks = { pass: '✓', fail: '✗', error: '!' } as const;

export function formatReport(report: CheckReport): string {
  const lines: string[] = (report.notes ?? []).map((note) => `· ${note}`);
  if (lines.length) lines.push('');
  for (const result of report.results) {
    lines.push(`${marks[result.status]} ${result.title}${result.status === 'error' ? ' (could not check)' : ''}`);
    if (result.status === 'pass') continue;
    if (result.expected) lines.push(`    expected: ${result.expected}`);
    if (result.seen) lines.push(`    saw:      ${result.seen}`);
    if (result.hint) lines.push(`    hint:     ${result.hint}`);
  }
  const verdict = report.passed === report.total ? 'all checks pass' : `${report.passed} of ${report.total} checks pass`;
  lines.push('', `${report.lab}: ${verdict}`);
  return lines.join('\n');
}
