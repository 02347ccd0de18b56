// waiters.ts's arithmetic, and that lesson, lab.ts, the tool and the starter quote the same numbers.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import lab from '../../labs/03-timers/lab.ts';
import { countAnswer, defaults, formatSummary, newTally, parseOptions } from '../../labs/03-timers/starter/waiters.ts';
import { quotedDurations } from '../helpers/lesson-durations.ts';

const labDir = join(import.meta.dirname, '..', '..', 'labs', '03-timers');
const lesson = await readFile(join(labDir, 'lesson.mdx'), 'utf8');
const answer = (...ids: number[]) => JSON.stringify({ cursor: Math.max(0, ...ids), messages: ids.map((id) => ({ id, data: { sentAt: 1000 } })) });

describe('counting answers', () => {
  it('counts a 204 as a timeout and keeps the cursor', () => {
    const tally = newTally();
    expect(countAnswer(tally, 3, 204, '', 2000)).toBe(3);
    expect(tally).toMatchObject({ polls: 1, timedOut: 1, withNews: 0 });
  });

  it('delivers only messages newer than the cursor and measures their delay', () => {
    const tally = newTally();
    expect(countAnswer(tally, 1, 200, answer(1, 2, 3), 1300)).toBe(3);
    expect(tally).toMatchObject({ polls: 1, withNews: 1, delivered: 2, delaysMs: [300, 300] });
  });

  it('counts broken answers as errors and keeps the cursor', () => {
    const tally = newTally();
    for (const [status, body] of [[200, 'nope'], [200, '{"messages":[{"id":"1"}]}'], [500, answer(5)], [400, '']] as const) {
      expect(countAnswer(tally, 1, status, body, 0)).toBe(1);
    }
    expect(tally).toMatchObject({ polls: 4, errors: 4, delivered: 0 });
  });
});

describe('the summary', () => {
  it('reports delays and lookups per waiter per second', () => {
    const tally = { ...newTally(), polls: 12, withNews: 10, timedOut: 2, published: 5, delivered: 50, delaysMs: [100, 500, 200], lookups: 250 };
    const summary = formatSummary(tally, defaults);
    expect(summary).toMatch(/^delivery delay average\s+267 ms$/m);
    expect(summary).toMatch(/^delivery delay p50\s+200 ms$/m);
    expect(summary).toMatch(/^delivery delay max\s+500 ms$/m);
    expect(summary).toMatch(/^lookups per waiter per second\s+2\.5$/m);
  });

  it('says n/a when the app does not count lookups and nothing was delivered', () => {
    const summary = formatSummary(newTally(), defaults);
    expect(summary).toMatch(/^lookups per waiter per second\s+n\/a \(no lookups in \/stats\)$/m);
    expect(summary).toMatch(/^delivery delay max\s+n\/a$/m);
  });
});

describe('options', () => {
  it('reads flags and PORT, and refuses what it cannot use', () => {
    expect(parseOptions([])).toEqual(defaults);
    expect(parseOptions(['--waiters', '3', '--timeout', '1', '--publish-every', '0', '--duration', '2.5'], { PORT: '9000' }))
      .toEqual({ waiters: 3, timeoutS: 1, publishEveryMs: 0, durationS: 2.5, port: 9000 });
    expect(() => parseOptions(['--timeout', '61'])).toThrow(/--timeout must be a number from 0 to 60, not 61/);
    expect(() => parseOptions(['--waiters', 'many'])).toThrow(/--waiters must be/);
  });
});

describe('the lesson quotes the lab', () => {
  it('runs the tool with its defaults, which are lab.ts timing, and the starter re-checks at lab.ts speed', async () => {
    const { timing } = lab;
    expect(defaults).toMatchObject({ timeoutS: timing.experimentTimeout! / 1000, publishEveryMs: timing.publishEvery, durationS: timing.experimentDuration! / 1000 });
    expect(lesson).toContain(`node waiters.ts --waiters ${defaults.waiters} --timeout ${defaults.timeoutS} --publish-every ${defaults.publishEveryMs} --duration ${defaults.durationS}`);
    expect(timing.expectedDelay).toBe(timing.recheck! / 2);
    for (const folder of ['starter', 'solution']) {
      expect(await readFile(join(labDir, folder, 'server.ts'), 'utf8')).toContain(`const RECHECK_MS = ${timing.recheck};`);
    }
  });

  it('quotes only durations that are in lab.ts timing', () => {
    const quoted = quotedDurations(lesson);
    expect(quoted.length).toBeGreaterThan(5);
    const known = new Set(Object.values(lab.timing));
    expect(quoted.filter((ms) => !known.has(ms))).toEqual([]);
  });
});
