// The simulated clients' counters as a table: one column per group (short, long), one row per
// measure, every figure with its unit. Pure, so the wording and rounding are tested.
import type { LoadGroupStats, LoadRunState } from '../../../../server/contracts/instruments.ts';

export interface CounterRow { measure: string; values: string[] }

const round = (value: number, digits = 1) => (Number.isInteger(value) ? String(value) : value.toFixed(digits));

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const groupName = (group: LoadGroupStats) => (group.mode === 'short' ? 'Short polling' : 'Long polling');

export function counterColumns(run: LoadRunState): string[] {
  return run.groups.map(groupName);
}

export function counterRows(run: LoadRunState): CounterRow[] {
  const row = (measure: string, value: (group: LoadGroupStats) => string): CounterRow => ({ measure, values: run.groups.map(value) });
  const errorText = (group: LoadGroupStats) => {
    const kinds = Object.entries(group.errors).filter(([, count]) => count > 0).map(([kind, count]) => `${count} ${kind}`);
    return kinds.length ? kinds.join(', ') : String(group.counters.errors);
  };
  return [
    row('Clients', (group) => String(group.clients)),
    row('Requests', (group) => String(group.counters.requests)),
    row('Requests per second', (group) => `${round(group.requestsPerSecond)} /s`),
    row('Empty answers', (group) => group.emptyShare === null ? '–' : `${group.counters.empty} (${Math.round(group.emptyShare * 100)} %)`),
    row('Messages delivered', (group) => String(group.counters.deliveries)),
    row('Delivery delay p50', (group) => (group.delayMs ? `${Math.round(group.delayMs.p50)} ms` : '–')),
    row('Delivery delay p99', (group) => (group.delayMs ? `${Math.round(group.delayMs.p99)} ms` : '–')),
    row('Requests per message', (group) => (group.requestsPerMessage === null ? '–' : round(group.requestsPerMessage))),
    row('Bytes in / out', (group) => `${formatBytes(group.counters.bytesIn)} / ${formatBytes(group.counters.bytesOut)}`),
    row('Waiting now', (group) => String(group.counters.open)),
    row('Errors', errorText),
  ];
}

/** One line for the status beside Start: where the run stands. */
export function describeRun(run: LoadRunState): string {
  const elapsed = `${(run.elapsedMs / 1000).toFixed(0)} of ${(run.durationMs / 1000).toFixed(0)} s`;
  const cost = run.cost?.cpuUsPerDelivery != null ? ` The tool spent ${round(run.cost.cpuUsPerDelivery, 0)} µs of CPU per delivery.` : '';
  switch (run.state) {
    case 'running': return `Running, ${elapsed}.`;
    case 'finished': return `Finished after ${elapsed}.${cost}`;
    case 'stopped': return `Stopped at ${elapsed}.${cost}`;
    case 'failed': return `Failed: ${run.problem ?? 'no reason given'}.`;
  }
}
