// poller.ts's arithmetic, and that the lesson, lab.ts and the tool quote the same experiment.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import lab from '../../labs/01-short-polling/lab.ts';
import {
  countAnswer, defaults, formatSummary, newTally, parseOptions, percentile, publishTimes,
} from '../../labs/01-short-polling/starter/poller.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '01-short-polling');
const answer = (...ids: number[]) => JSON.stringify({ cursor: Math.max(0, ...ids), messages: ids.map((id) => ({ id, data: { sentAt: 1000 } })) });

describe('counting answers', () => {
  it('counts a 204 as empty and keeps the cursor', () => {
    const tally = newTally();
    expect(countAnswer(tally, 3, 204, '', 2000)).toBe(3);
    expect(tally).toMatchObject({ requests: 1, empty: 1, delivered: 0 });
  });

  it('delivers only messages newer than the cursor, measures their delay and counts old ones as re-sent', () => {
    const tally = newTally();
    expect(countAnswer(tally, 2, 200, answer(1, 2, 3, 4), 1250)).toBe(4);
    expect(tally).toMatchObject({ requests: 1, empty: 0, delivered: 2, duplicates: 2, errors: 0, delaysMs: [250, 250] });
    expect(countAnswer(tally, 4, 200, answer(1, 2, 3, 4), 1300)).toBe(4);
    expect(tally).toMatchObject({ requests: 2, empty: 1, delivered: 2, duplicates: 6 });
  });

  it('delivers messages without a send time, without a delay', () => {
    const tally = newTally();
    countAnswer(tally, 0, 200, JSON.stringify({ cursor: 1, messages: [{ id: 1, data: 'hi' }] }), 5);
    expect(tally).toMatchObject({ delivered: 1, delaysMs: [] });
  });

  it('counts broken answers as errors and keeps the cursor', () => {
    const tally = newTally();
    for (const [status, body] of [[200, 'nope'], [200, '{"messages":[{"id":"1"}]}'], [200, '{"cursor":1}'], [500, answer(5)], [400, '']] as const) {
      expect(countAnswer(tally, 1, status, body, 0)).toBe(1);
    }
    expect(tally).toMatchObject({ requests: 5, errors: 5, delivered: 0, empty: 0 });
  });
});

describe('the summary', () => {
  it('uses nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('prints every row the lesson talks about, with n/a when nothing was measured', () => {
    const tally = { ...newTally(), requests: 150, empty: 120, published: 3, delivered: 30, delaysMs: [100, 500, 900] };
    const text = formatSummary(tally, defaults);
    expect(text).toMatch(/^answers with nothing new\s+120 \(80%\)$/m);
    expect(text).toMatch(/^requests per delivered message\s+5\.00$/m);
    expect(text).toMatch(/^delivery delay average\s+500 ms$/m);
    expect(text).toMatch(/^delivery delay p50\s+500 ms$/m);
    expect(text).toMatch(/^delivery delay p99\s+900 ms$/m);
    const idle = formatSummary(newTally(), { ...defaults, publishEveryMs: 0 });
    expect(idle).toMatch(/no publisher/);
    expect(idle).toMatch(/^requests per delivered message\s+n\/a$/m);
    expect(idle).toMatch(/^delivery delay p50\s+n\/a$/m);
  });

  it('publishes mid-period and leaves the clients one interval to pick up the last message', () => {
    expect(publishTimes(defaults)).toEqual([2500, 7500, 12_500]);
    expect(publishTimes({ ...defaults, durationS: 3, intervalMs: 200, publishEveryMs: 1000 })).toEqual([500, 1500, 2500]);
    expect(publishTimes({ ...defaults, durationS: 3, intervalMs: 600, publishEveryMs: 1000 })).toEqual([500, 1500]);
    expect(publishTimes({ ...defaults, publishEveryMs: 0 })).toEqual([]);
  });
});

describe('options', () => {
  it('reads flags, falls back to PORT and defaults, and refuses nonsense', () => {
    expect(parseOptions([])).toEqual(defaults);
    expect(parseOptions(['--clients', '3', '--interval', '250', '--publish-every', '0', '--duration', '2.5'], { PORT: '9100' }))
      .toEqual({ clients: 3, intervalMs: 250, publishEveryMs: 0, durationS: 2.5, port: 9100 });
    expect(parseOptions(['--port', '9200'], { PORT: '9100' }).port).toBe(9200);
    expect(() => parseOptions(['--clients', '0'])).toThrow(/--clients must be a number from 1/);
    expect(() => parseOptions(['--interval', 'fast'])).toThrow(/--interval/);
    expect(() => parseOptions(['--bogus', '1'])).toThrow();
  });
});

describe('one experiment, quoted the same everywhere', () => {
  it('lab.ts timing, the poller defaults and the lesson agree', async () => {
    const { pollInterval, publishEvery, experimentDuration, expectedDelay, fastPollInterval, fastExpectedDelay } = lab.timing;
    expect(defaults).toMatchObject({ intervalMs: pollInterval, publishEveryMs: publishEvery, durationS: experimentDuration! / 1000 });
    expect(expectedDelay).toBe(pollInterval! / 2);
    expect(fastExpectedDelay).toBe(fastPollInterval! / 2);
    const lesson = await readFile(join(labDir, 'lesson.mdx'), 'utf8');
    expect(lesson).toContain(`--interval ${pollInterval} --publish-every ${publishEvery} --duration ${experimentDuration! / 1000}`);
    expect(lesson).toContain(`Each client asks ${publishEvery! / pollInterval!} times for every message`);
  });

  it('every duration the lesson quotes is one of lab.ts timing', async () => {
    const lesson = await readFile(join(labDir, 'lesson.mdx'), 'utf8');
    const prose = lesson.replace(/^```text[\s\S]*?^```/gm, ''); // sample output is measured, not quoted
    const quoted = [
      ...[...prose.matchAll(/--(?:interval|publish-every) (\d+)/g)].map((m) => Number(m[1])),
      ...[...prose.matchAll(/--duration (\d+)/g)].map((m) => Number(m[1]) * 1000),
      ...[...prose.matchAll(/(\d+) ms\b/g)].map((m) => Number(m[1])),
    ];
    expect(quoted.length).toBeGreaterThan(5);
    const known = new Set(Object.values(lab.timing));
    expect(quoted.filter((ms) => !known.has(ms))).toEqual([]);
  });
});
