import { describe, expect, it } from 'vitest';
import { percentile, summary } from '../../bench/stats.ts';

describe('percentile', () => {
  it('uses the nearest-rank method', () => {
    const samples = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
  });
  it('refuses an empty sample', () => {
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });
  it('summarises with units and the count', () => {
    expect(summary([1, 2, 3], 'ms', 1)).toBe('p50 2.0 ms, p99 3.0 ms, max 3.0 ms (n=3)');
  });
});
