// The timeline's data (bars updated in place by id, lanes in order, totals, pruning) and its summary in words.
import { describe, expect, test } from 'vitest';
import type { Exchange } from '../../server/contracts/instruments.ts';
import { KEEP_MS, TimelineData } from '../../site/scripts/lab/instruments/timeline-data.ts';
import { countOutcomes, describeCounts } from '../../site/scripts/lab/instruments/timeline-summary.ts';

function exchange(id: number, lane: string, at: number, endMs: number | null, outcome: Exchange['outcome']): Exchange {
  return {
    id, source: 'load', lane, port: 8999, method: 'GET', path: '/poll?since=0&timeout=0', at, headersMs: endMs, endMs,
    status: outcome === 'empty' || outcome === 'data' ? 200 : outcome === 'gateway-timeout' ? 504 : null, outcome,
    messages: outcome === 'data' ? 1 : 0, bytesIn: 40, bytesOut: 80, error: null,
  };
}

describe('TimelineData', () => {
  test('an update to a known id changes the bar in place and counts its outcome once', () => {
    const data = new TimelineData();
    data.add([exchange(1, 'c0', 0, null, 'open'), exchange(2, 'c1', 0, null, 'open')]);
    expect(data.totals.size).toBe(0);
    data.add([exchange(1, 'c0', 0, 300, 'empty')]);
    data.add([exchange(1, 'c0', 0, 300, 'empty')]);
    expect(data.exchanges.get(1)?.outcome).toBe('empty');
    expect(data.byLane[0]).toHaveLength(1);
    expect(data.byLane[0]![0]!.endMs).toBe(300);
    expect(data.totals.get('empty')).toBe(1);
    expect([...data.lanes.keys()]).toEqual(['c0', 'c1']);
  });

  test('every change bumps the version (the view redraws on it)', () => {
    const data = new TimelineData();
    const before = data.version;
    data.add([]);
    expect(data.version).toBe(before);
    data.add([], [{ at: 5, id: 1, waiters: 3 }]);
    expect(data.version).toBe(before + 1);
  });

  test('prune forgets exchanges that ended long ago and keeps open and recent ones', () => {
    const data = new TimelineData();
    const now = 10 * KEEP_MS;
    data.add([exchange(1, 'c0', 0, 100, 'empty'), exchange(2, 'c0', now - 1000, 200, 'data'), exchange(3, 'c1', 0, null, 'open')],
      [{ at: 0, id: 1, waiters: null }, { at: now - 10, id: 2, waiters: null }]);
    data.prune(now);
    expect([...data.exchanges.keys()]).toEqual([2, 3]);
    expect(data.byLane[0]!.map((e) => e.id)).toEqual([2]);
    expect(data.publishes.map((mark) => mark.id)).toEqual([2]);
  });
});

describe('summary', () => {
  const list = [
    exchange(1, 'c0', 0, 100, 'empty'), exchange(2, 'c0', 1000, 100, 'empty'), exchange(3, 'c1', 2000, 50, 'data'),
    exchange(4, 'c1', 3000, 2000, 'gateway-timeout'), exchange(5, 'c2', 9000, null, 'open'), exchange(6, 'c2', -20_000, 100, 'empty'),
  ];

  test('counts what ended in the window; open ones by when they started', () => {
    expect(countOutcomes(list, 0, 10_000)).toEqual({ empty: 2, data: 1, 'gateway-timeout': 1, open: 1 });
  });

  test('reads like the lesson: requests, then each outcome in words', () => {
    expect(describeCounts({ empty: 32, data: 2, 'gateway-timeout': 1 }, 'Last 10 s'))
      .toBe('Last 10 s: 35 requests, 2 with data, 32 empty, 1 504.');
    expect(describeCounts({ data: 1, open: 9 }, 'Last 10 s', 1)).toBe('Last 10 s: 1 request, 1 with data, 9 still waiting; 1 publish.');
    expect(describeCounts({}, 'Last 10 s')).toBe('Last 10 s: no requests.');
  });
});
