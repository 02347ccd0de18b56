// How `lab load` draws a run: one progress line while it goes, then a summary table with a column per
// group (short, long). Pure text from the run's state, so it is tested without a terminal.
import type { LoadRunState } from '../../contracts/instruments.ts';

type Group = LoadRunState['groups'][number];

const number = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (value < 10 ? `${number(value, 1)} ms` : `${number(value)} ms`);
const orDash = <T>(value: T | null, show: (value: T) => string) => (value === null ? '-' : show(value));

export function formatProgress(state: LoadRunState, width = 24): string {
  const done = state.durationMs > 0 ? Math.min(1, state.elapsedMs / state.durationMs) : 0;
  const filled = Math.round(done * width);
  const sum = (pick: (group: Group) => number) => state.groups.reduce((total, group) => total + pick(group), 0);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${number(state.elapsedMs / 1000, 1)}/${number(state.durationMs / 1000)} s`
    + `  ${number(sum((g) => g.clients))} clients ${state.mode}`
    + `  requests ${number(sum((g) => g.counters.requests))}`
    + `  deliveries ${number(sum((g) => g.counters.deliveries))}`
    + `  errors ${number(sum((g) => g.counters.errors))}`;
}

function errorsOf(group: Group): string {
  const kinds = Object.entries(group.errors).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([kind, count]) => `${kind} ${number(count)}`);
  return group.counters.errors === 0 ? '0' : `${number(group.counters.errors)} (${kinds.join(', ')})`;
}

const ROWS: Array<[string, (group: Group) => string]> = [
  ['clients', (g) => number(g.clients)],
  ['requests', (g) => number(g.counters.requests)],
  ['requests/s', (g) => number(g.requestsPerSecond, 1)],
  ['messages delivered', (g) => number(g.counters.deliveries)],
  ['requests per message', (g) => orDash(g.requestsPerMessage, (v) => number(v, 2))],
  ['empty answers', (g) => orDash(g.emptyShare, (v) => `${number(v * 100)} %`)],
  ['delivery p50', (g) => orDash(g.delayMs, (d) => ms(d.p50))],
  ['delivery p99', (g) => orDash(g.delayMs, (d) => ms(d.p99))],
  ['delivery max', (g) => orDash(g.delayMs, (d) => ms(d.max))],
  ['bytes in/out', (g) => `${number(g.counters.bytesIn)} / ${number(g.counters.bytesOut)}`],
  ['errors', errorsOf],
];

const ENDINGS: Record<LoadRunState['state'], string> = {
  running: 'Still running',
  finished: 'Finished',
  stopped: 'Stopped early',
  failed: 'Failed',
};

export function formatSummary(state: LoadRunState): string {
  const target = state.target === 'app' ? 'your app (8999)' : 'nginx (8888)';
  const published = state.groups[0]?.counters.published ?? 0;
  const lines = [`${ENDINGS[state.state]} after ${number(state.elapsedMs / 1000, 1)} s: ${state.mode} polling against ${target}, ${number(published)} messages published.`];
  if (state.problem) lines.push(`Problem: ${state.problem}`);
  const header = ['', ...state.groups.map((group) => `${group.mode} polling`)];
  const table = [header, ...ROWS.map(([label, show]) => [label, ...state.groups.map(show)])];
  const widths = header.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  lines.push('', ...table.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('   ').trimEnd()));
  const cost = state.cost;
  lines.push('', cost
    ? `The tool's own cost: ${number(cost.cpuMs)} ms CPU${cost.cpuUsPerDelivery === null ? '' : `, ${number(cost.cpuUsPerDelivery)} µs per delivery`} (on the playground's side).`
    : "The tool's own cost: not measured.");
  return lines.join('\n');
}
