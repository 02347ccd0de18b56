// What a load run's counters mean: rates per second and per delivered message, the share of empty
// answers, and the delivery delay's percentiles. Null where a rate has no denominator, so a summary
// stays plain JSON (no NaN, no Infinity).
import { percentile } from './percentile.ts';

export interface LoadCounters {
  /** Poll requests that came to an end: answered, or failed with an error. */
  requests: number;
  /** 204 answers: a short poll with nothing new, or a long poll that timed out. */
  empty: number;
  /** Messages received, counted once per client that received them. */
  deliveries: number;
  bytesIn: number;
  bytesOut: number;
  errors: number;
}

export interface LoadRates {
  requestsPerSecond: number;
  requestsPerDelivery: number | null;
  emptyShare: number | null;
  bytesPerSecond: number;
  bytesPerDelivery: number | null;
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function computeRates(counters: LoadCounters, elapsedMs: number): LoadRates {
  if (!(elapsedMs > 0)) throw new Error(`elapsed time must be positive, not ${elapsedMs}`);
  const seconds = elapsedMs / 1000;
  const bytes = counters.bytesIn + counters.bytesOut;
  return {
    requestsPerSecond: counters.requests / seconds,
    requestsPerDelivery: ratio(counters.requests, counters.deliveries),
    emptyShare: ratio(counters.empty, counters.requests),
    bytesPerSecond: bytes / seconds,
    bytesPerDelivery: ratio(bytes, counters.deliveries),
  };
}

export interface DelaySummary {
  /** Every delay measured, including those the sample no longer holds. */
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Percentiles (nearest rank) of a sample of delays; `count` and `max` come from the whole stream. */
export function summariseDelays(samples: readonly number[], count: number, max: number): DelaySummary | null {
  if (samples.length === 0) return null;
  return { count, p50: percentile(samples, 50), p99: percentile(samples, 99), max };
}
