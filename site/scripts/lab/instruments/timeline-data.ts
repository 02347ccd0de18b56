// What the timeline knows: every exchange by id (a later message about the same id replaces the bar),
// the lanes in the order they first appeared, and the publishes. Old, finished exchanges are dropped
// so a long session does not grow without bound. No DOM here.
import type { Exchange, ExchangeOutcome, PublishMark } from '../../../../server/contracts/instruments.ts';

/** How far back the timeline keeps finished exchanges (scrolling back further shows nothing). */
export const KEEP_MS = 5 * 60_000;
const MAX_EXCHANGES = 60_000;

export class TimelineData {
  readonly exchanges = new Map<number, Exchange>();
  readonly lanes = new Map<string, number>();
  /** Exchanges per lane index, in arrival order, for hover and drawing by row. */
  readonly byLane: Exchange[][] = [];
  publishes: PublishMark[] = [];
  /** Totals since this page started listening, per outcome of finished exchanges. */
  readonly totals = new Map<ExchangeOutcome, number>();
  /** Bumped on every change, so a view knows when to redraw. */
  version = 0;

  laneIndex(lane: string): number {
    let index = this.lanes.get(lane);
    if (index === undefined) {
      index = this.lanes.size;
      this.lanes.set(lane, index);
      this.byLane.push([]);
    }
    return index;
  }

  add(exchanges: Exchange[], publishes: PublishMark[] = []): void {
    for (const exchange of exchanges) {
      const known = this.exchanges.get(exchange.id);
      if (known) {
        if (known.outcome === 'open' && exchange.outcome !== 'open') this.count(exchange.outcome);
        Object.assign(known, exchange);
        continue;
      }
      this.exchanges.set(exchange.id, exchange);
      this.byLane[this.laneIndex(exchange.lane)]!.push(exchange);
      if (exchange.outcome !== 'open') this.count(exchange.outcome);
    }
    if (publishes.length) this.publishes.push(...publishes);
    if (exchanges.length || publishes.length) this.version++;
  }

  private count(outcome: ExchangeOutcome): void {
    this.totals.set(outcome, (this.totals.get(outcome) ?? 0) + 1);
  }

  /** Forget finished exchanges that ended before `nowMs - KEEP_MS` (and the oldest past the cap). */
  prune(nowMs: number): void {
    const cutoff = nowMs - KEEP_MS;
    const excess = this.exchanges.size - MAX_EXCHANGES;
    if (excess <= 0 && (this.publishes[0]?.at ?? Infinity) >= cutoff && !this.hasEndedBefore(cutoff)) return;
    let dropped = 0;
    for (const [id, exchange] of this.exchanges) {
      const ended = exchange.endMs !== null && exchange.at + exchange.endMs < cutoff;
      if (ended || dropped < excess) {
        this.exchanges.delete(id);
        dropped++;
      }
    }
    for (let i = 0; i < this.byLane.length; i++) this.byLane[i] = this.byLane[i]!.filter((exchange) => this.exchanges.has(exchange.id));
    this.publishes = this.publishes.filter((mark) => mark.at >= cutoff);
    this.version++;
  }

  private hasEndedBefore(cutoff: number): boolean {
    const first = this.exchanges.values().next().value;
    return first !== undefined && first.endMs !== null && first.at + first.endMs < cutoff;
  }

  clear(): void {
    this.exchanges.clear();
    this.lanes.clear();
    this.byLane.length = 0;
    this.publishes = [];
    this.totals.clear();
    this.version++;
  }
}
