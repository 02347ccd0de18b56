// The timeline's geometry: time to pixels, lanes compressed into rows, axis ticks, bars (open ones grow
// to now), when following now is worth a redraw, and which bar the pointer is on.
import { describe, expect, test } from 'vitest';
import {
  barSpan, formatAgo, laneRows, pickSpan, slidEnough, tickStep, ticksBack, timeScale,
} from '../../site/scripts/lab/instruments/timeline-layout.ts';

describe('timeScale', () => {
  test('maps the window onto the width and back', () => {
    const scale = timeScale(10_000, 40_000, 0, 600);
    expect(scale.x(10_000)).toBe(0);
    expect(scale.x(40_000)).toBe(600);
    expect(scale.x(25_000)).toBe(300);
    expect(scale.ms(150)).toBe(17_500);
    expect(scale.pxPerMs).toBeCloseTo(0.02);
  });
});

describe('laneRows', () => {
  test('gives every lane its own row, at most maxRow high, while they fit', () => {
    const rows = laneRows(5, 200);
    expect(rows.lanesPerRow).toBe(1);
    expect(rows.rows).toBe(5);
    expect(rows.rowHeight).toBe(18);
    expect(rows.rowOf(4)).toBe(4);
  });

  test('100 lanes in 200 px: one row each, 2 px high is too thin, so they share at 3 px minimum', () => {
    const rows = laneRows(100, 200);
    expect(rows.rowHeight).toBeGreaterThanOrEqual(3);
    expect(rows.rows * rows.rowHeight).toBeLessThanOrEqual(200);
    expect(rows.rowOf(99)).toBeLessThan(rows.rows);
  });

  test('1,000 lanes compress into the height there is, every lane in exactly one row', () => {
    const rows = laneRows(1000, 240);
    expect(rows.lanesPerRow).toBe(13);
    expect(rows.rows * rows.rowHeight).toBeLessThanOrEqual(240);
    const seen = new Set<number>();
    for (let row = 0; row < rows.rows; row++) {
      const { first, last } = rows.lanesIn(row);
      for (let lane = first; lane <= last; lane++) {
        expect(rows.rowOf(lane)).toBe(row);
        seen.add(lane);
      }
    }
    expect(seen.size).toBe(1000);
  });

  test('no lanes yet still gives a sane row', () => {
    const rows = laneRows(0, 100);
    expect(rows.rows).toBe(1);
    expect(rows.rowHeight).toBeGreaterThan(0);
  });
});

describe('axis ticks', () => {
  test('the step keeps labels apart and grows with the window', () => {
    expect(tickStep(30_000, 900)).toBe(5000);
    expect(tickStep(30_000, 300)).toBe(10_000);
    expect(tickStep(2000, 900)).toBe(200);
    expect(tickStep(3_600_000, 100)).toBe(600_000);
  });

  test('ticks count back from now so their labels stay put as time moves', () => {
    expect(ticksBack(1000, 31_000, 31_000, 10_000)).toEqual([1000, 11_000, 21_000, 31_000]);
    expect(ticksBack(1500, 31_400, 31_400, 10_000)).toEqual([1400 + 10_000, 21_400, 31_400]);
  });

  test('labels say how long ago, with a unit', () => {
    expect(formatAgo(0)).toBe('now');
    expect(formatAgo(500)).toBe('−500 ms');
    expect(formatAgo(10_000)).toBe('−10 s');
    expect(formatAgo(2500)).toBe('−2.5 s');
    expect(formatAgo(90_000)).toBe('−1 min 30 s');
    expect(formatAgo(-1000)).toBe('+1 s');
  });
});

describe('barSpan', () => {
  const scale = timeScale(0, 10_000, 0, 1000);
  test('a finished exchange spans from sent to answered', () => {
    expect(barSpan({ at: 1000, endMs: 500 }, 9000, scale)).toEqual({ x: 100, w: 50 });
  });
  test('an open one grows to now', () => {
    expect(barSpan({ at: 4000, endMs: null }, 9000, scale)).toEqual({ x: 400, w: 500 });
  });
  test('is clipped to the window and never thinner than a pixel', () => {
    expect(barSpan({ at: -2000, endMs: 3000 }, 9000, scale)).toEqual({ x: 0, w: 100 });
    expect(barSpan({ at: 5000, endMs: 0 }, 9000, scale)).toEqual({ x: 500, w: 1 });
  });
  test('is null outside the window', () => {
    expect(barSpan({ at: -5000, endMs: 1000 }, 9000, scale)).toBeNull();
    expect(barSpan({ at: 12_000, endMs: null }, 13_000, scale)).toBeNull();
  });
});

test('following now redraws only once the picture slid a whole pixel', () => {
  const pxPerMs = 900 / 30_000;
  expect(slidEnough(1000, 1020, pxPerMs)).toBe(false);
  expect(slidEnough(1000, 1034, pxPerMs)).toBe(true);
});

test('a costly draw leaves the main thread free three times as long before the next one', () => {
  const pxPerMs = 900 / 30_000;
  expect(slidEnough(1000, 1034, pxPerMs, 20)).toBe(false);
  expect(slidEnough(1000, 1060, pxPerMs, 20)).toBe(true);
  expect(slidEnough(1000, 1034, pxPerMs, 5)).toBe(true);
});

describe('pickSpan', () => {
  const spans = [{ id: 1, at: 0, endMs: 100 }, { id: 2, at: 1000, endMs: 200 }, { id: 3, at: 2000, endMs: null }];
  test('finds the bar under the pointer, or the nearest within the tolerance', () => {
    expect(pickSpan(spans, 50, 5000, 10)?.id).toBe(1);
    expect(pickSpan(spans, 1205, 5000, 10)?.id).toBe(2);
    expect(pickSpan(spans, 4000, 5000, 10)?.id).toBe(3);
  });
  test('finds nothing in a gap wider than the tolerance', () => {
    expect(pickSpan(spans, 600, 5000, 10)).toBeNull();
  });
});
