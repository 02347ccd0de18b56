import { describe, expect, it } from 'vitest';
import { computeRates, summariseDelays } from '../../server/instruments/rates.ts';
import { createReservoir } from '../../server/instruments/reservoir.ts';

const counters = { requests: 100, empty: 80, deliveries: 20, bytesIn: 15_000, bytesOut: 9_000, errors: 0 };

describe('computeRates', () => {
  it('gives rates per second and per delivered message, and the share of empty answers', () => {
    expect(computeRates(counters, 10_000)).toEqual({
      requestsPerSecond: 10,
      requestsPerDelivery: 5,
      emptyShare: 0.8,
      bytesPerSecond: 2400,
      bytesPerDelivery: 1200,
    });
  });
  it('says null, not Infinity or NaN, where nothing was delivered or asked', () => {
    const none = { requests: 0, empty: 0, deliveries: 0, bytesIn: 0, bytesOut: 0, errors: 0 };
    expect(computeRates(none, 1000)).toEqual({ requestsPerSecond: 0, requestsPerDelivery: null, emptyShare: null, bytesPerSecond: 0, bytesPerDelivery: null });
  });
  it('refuses an elapsed time that is not positive', () => {
    expect(() => computeRates(counters, 0)).toThrow(/positive/);
    expect(() => computeRates(counters, Number.NaN)).toThrow(/positive/);
  });
});

describe('summariseDelays', () => {
  it('takes nearest-rank percentiles of the sample, count and max of the whole stream', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summariseDelays(samples, 250, 400)).toEqual({ count: 250, p50: 50, p99: 99, max: 400 });
  });
  it('is null without samples', () => {
    expect(summariseDelays([], 0, 0)).toBeNull();
  });
});

/** A small deterministic generator, so the reservoir's choices repeat from run to run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('createReservoir', () => {
  it('keeps every value while under capacity', () => {
    const reservoir = createReservoir(5);
    [3, 1, 2].forEach((v) => reservoir.add(v));
    expect(reservoir.samples).toEqual([3, 1, 2]);
    expect(reservoir.seen).toBe(3);
  });
  it('stays at capacity and keeps a uniform sample of a long stream', () => {
    const reservoir = createReservoir(1000, lcg(42));
    for (let i = 0; i < 100_000; i += 1) reservoir.add(i);
    expect(reservoir.samples).toHaveLength(1000);
    expect(reservoir.seen).toBe(100_000);
    // A uniform sample of 0..99,999 has its median near 50,000; keeping only the first values would not.
    const sorted = [...reservoir.samples].sort((a, b) => a - b);
    expect(sorted[500]).toBeGreaterThan(40_000);
    expect(sorted[500]).toBeLessThan(60_000);
    expect(sorted[999]).toBeGreaterThan(90_000);
  });
  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createReservoir(0)).toThrow(/positive integer/);
    expect(() => createReservoir(1.5)).toThrow(/positive integer/);
  });
});
