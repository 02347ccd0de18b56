// The timeline in words, for the accessible summary under the canvas and for tests: how the exchanges
// that ended in a recent window came out, e.g. "Last 10 s: 40 requests, 32 empty, 2 with data, 1 504".
import type { Exchange, ExchangeOutcome } from '../../../../server/contracts/instruments.ts';
import { outcomeLabel, outcomeOrder } from './outcomes.ts';

export type OutcomeCounts = Partial<Record<ExchangeOutcome, number>>;

/** Exchanges that ended within [fromMs, toMs], counted by outcome; open ones count when they started in it. */
export function countOutcomes(exchanges: Iterable<Exchange>, fromMs: number, toMs: number): OutcomeCounts {
  const counts: OutcomeCounts = {};
  for (const exchange of exchanges) {
    const moment = exchange.endMs === null ? exchange.at : exchange.at + exchange.endMs;
    if (moment < fromMs || moment > toMs) continue;
    counts[exchange.outcome] = (counts[exchange.outcome] ?? 0) + 1;
  }
  return counts;
}

export function describeCounts(counts: OutcomeCounts, windowLabel: string, publishes = 0): string {
  const finished = outcomeOrder.filter((outcome) => outcome !== 'open');
  const requests = finished.reduce((sum, outcome) => sum + (counts[outcome] ?? 0), 0);
  const parts = finished.filter((outcome) => counts[outcome]).map((outcome) => `${counts[outcome]} ${outcomeLabel[outcome]}`);
  if (counts.open) parts.push(`${counts.open} still waiting`);
  const published = publishes ? `; ${publishes} publish${publishes === 1 ? '' : 'es'}` : '';
  if (requests === 0 && !counts.open) return `${windowLabel}: no requests${published}.`;
  return `${windowLabel}: ${requests} request${requests === 1 ? '' : 's'}${parts.length ? `, ${parts.join(', ')}` : ''}${published}.`;
}
