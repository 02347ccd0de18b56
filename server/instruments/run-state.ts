// A load run as the page and `lab load` see it (LoadRunState of the contract), made from the engine's
// summary; pure, so the shape is tested without a run.
import type { LoadGroupStats, LoadRunState } from '../contracts/instruments.ts';
import type { LoadGroupSummary, LoadSummary } from './load-engine.ts';

export interface RunIdentity {
  run: string;
  target: LoadRunState['target'];
  state: LoadRunState['state'];
  startedAt: number;
  durationMs: number;
  problem: string | null;
}

function groupStats(group: LoadGroupSummary, published: number): LoadGroupStats {
  const { counters, rates, delayMs } = group;
  return {
    mode: group.mode,
    clients: group.clients,
    counters: {
      requests: counters.requests,
      empty: counters.empty,
      deliveries: counters.deliveries,
      errors: counters.errors,
      bytesIn: counters.bytesIn,
      bytesOut: counters.bytesOut,
      published,
      open: counters.open,
    },
    requestsPerSecond: rates.requestsPerSecond,
    emptyShare: rates.emptyShare,
    requestsPerMessage: rates.requestsPerDelivery,
    delayMs: delayMs && { p50: delayMs.p50, p99: delayMs.p99, max: delayMs.max, count: delayMs.count },
    errors: group.errors,
  };
}

export function runState(identity: RunIdentity, summary: LoadSummary): LoadRunState {
  return {
    ...identity,
    mode: summary.mode,
    elapsedMs: summary.elapsedMs,
    groups: summary.groups.map((group) => groupStats(group, summary.published)),
    cost: summary.cost.cpuMs > 0 ? summary.cost : null,
  };
}
