// clients.ts's report, and that lesson, lab.ts and the tool quote the same experiment.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import lab from '../../labs/02-blocking-sleep/lab.ts';
import { defaults, formatReport, parseOptions, PROBE_EVERY_MS } from '../../labs/02-blocking-sleep/starter/clients.ts';
import { PROBE_TIMEOUT_MS } from '../../server/instruments/lag-meter.ts';
import { quotedDurations } from '../helpers/lesson-durations.ts';

const lesson = await readFile(join(import.meta.dirname, '..', '..', 'labs', '02-blocking-sleep', 'lesson.mdx'), 'utf8');

describe('the report', () => {
  it('calls waits that came one per second serial, and shows the stall', () => {
    const report = formatReport({ waiters: [1, 2, 3].map((s) => ({ status: 204, ms: s * 1000 + 4 })), probesMs: [3, 2990, 12] }, defaults);
    expect(report).toContain('waiter 2   204 after 2004 ms');
    expect(report).toContain('all 3 waiters answered after 3004 ms (one wait is 1000 ms)');
    expect(report).toContain('GET /stats every 100 ms: 3 sent, slowest answer 2990 ms');
    expect(report).toMatch(/the waits ran one after another: the event loop was blocked, and GET \/stats waited up to 2990 ms$/);
  });

  it('calls waits that ended together overlapped, and reports failed waiters', () => {
    const report = formatReport({ waiters: [{ status: 204, ms: 1003 }, { status: 0, ms: 1010 }], probesMs: [4] }, defaults);
    expect(report).toContain('waiter 2   failed after 1010 ms');
    expect(report).toMatch(/the waits overlapped: the event loop stayed free \(slowest GET \/stats 4 ms\)$/);
  });
});

describe('options', () => {
  it('reads flags and PORT, and refuses what it cannot use', () => {
    expect(parseOptions([])).toEqual(defaults);
    expect(parseOptions(['--waiters', '3', '--timeout', '0.5'], { PORT: '9000' })).toEqual({ waiters: 3, timeoutS: 0.5, port: 9000 });
    expect(() => parseOptions(['--waiters', '0'])).toThrow(/--waiters must be a number from 1 to 100, not 0/);
    expect(() => parseOptions(['--timeout', 'soon'])).toThrow(/--timeout must be/);
    expect(() => parseOptions(['--nope'])).toThrow();
  });
});

describe('the lesson quotes the lab', () => {
  it('runs the tool with its defaults, which are lab.ts timing', () => {
    expect(defaults.timeoutS * 1000).toBe(lab.timing.wait);
    expect(PROBE_EVERY_MS).toBe(lab.timing.probeEvery);
    expect(defaults.waiters * lab.timing.wait!).toBe(lab.timing.serialTotal);
    expect(lesson).toContain(`node clients.ts --waiters ${defaults.waiters} --timeout ${defaults.timeoutS}`);
  });

  it('says how long the Lag meter waits for its probe, as the meter does', () => {
    expect(lab.timing.lagProbeTimeout).toBe(PROBE_TIMEOUT_MS);
    expect(lesson).toMatch(new RegExp(`After ${PROBE_TIMEOUT_MS / 1000} s\\s+the meter gives up on it`));
  });

  it('quotes only durations that are in lab.ts timing', () => {
    const quoted = quotedDurations(lesson);
    expect(quoted.length).toBeGreaterThan(5);
    const known = new Set(Object.values(lab.timing));
    expect(quoted.filter((ms) => !known.has(ms))).toEqual([]);
  });
});
