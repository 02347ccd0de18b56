// Recorded runs for browse mode, made for real (the lab's processes on this host, the same engine and
// recorder as the live page): they fit the contract, stay small, and show what the lesson says they
// show. Lab 1: most short polls come back empty. Lab 6: nginx's 504, then the app's 204 once fixed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { recordingSchema, type Exchange, type Recording } from '../../server/contracts/instruments.ts';
import { MAX_RECORDING_BYTES, recordLab, recordableLabs } from '../../scripts/record-runs.ts';

/** The last state of every exchange of the recording's timeline, by id. */
function exchangesOf(recording: Recording): Exchange[] {
  const byId = new Map<number, Exchange>();
  for (const message of recording.messages) if (message.type === 'traffic') for (const exchange of message.exchanges) byId.set(exchange.id, exchange);
  return [...byId.values()];
}

const polls = (recording: Recording) => exchangesOf(recording).filter((e) => e.path.startsWith('/poll'));
const count = (exchanges: Exchange[], outcome: Exchange['outcome']) => exchanges.filter((e) => e.outcome === outcome).length;

describe('recorded runs', () => {
  test('every lab has an experiment to record', () => {
    expect(recordableLabs()).toEqual(['01-short-polling', '02-blocking-sleep', '03-timers', '04-comet', '05-timeouts', '06-nginx', '07-scaling-out', '08-beyond-comet']);
  });

  test('lab 1: short polls, most of them empty, with the publishes, the run\'s counters and the poller\'s output', async () => {
    const recording = await recordLab('01-short-polling');
    expect(recordingSchema.parse(JSON.parse(JSON.stringify(recording)))).toEqual(recording);
    expect(JSON.stringify(recording).length).toBeLessThan(MAX_RECORDING_BYTES);
    expect(recording).toMatchObject({ lab: 'short-polling', title: 'Short polling' });

    const answered = polls(recording).filter((e) => e.outcome !== 'aborted');
    expect(answered.length).toBeGreaterThanOrEqual(20);
    expect(count(answered, 'empty') / answered.length).toBeGreaterThan(0.5);
    expect(count(answered, 'data')).toBeGreaterThan(0);
    expect(new Set(answered.map((e) => e.lane)).size).toBe(5);
    expect(answered.every((e) => e.port === 8999)).toBe(true);
    expect(recording.messages.flatMap((m) => (m.type === 'traffic' ? m.publishes : [])).length).toBeGreaterThanOrEqual(1);

    const run = recording.messages.find((m) => m.type === 'run');
    expect(run?.type === 'run' && run.run.groups[0]).toMatchObject({ mode: 'short', clients: 5, emptyShare: expect.any(Number) });
    expect(recording.terminal).toMatch(/^\$ node poller\.ts --clients 5 /);
    expect(recording.terminal).toMatch(/answers with nothing new\s+\d+ \(\d+%\)/);
  }, 45_000);

  test('lab 6: a 504 from nginx with the starter\'s proxy_read_timeout, and the app\'s 204 once it is longer', async () => {
    const recording = await recordLab('06-nginx');
    expect(recordingSchema.parse(JSON.parse(JSON.stringify(recording)))).toEqual(recording);
    const seen = polls(recording);
    expect(seen.every((e) => e.port === 8888)).toBe(true);
    const gatewayTimeouts = seen.filter((e) => e.outcome === 'gateway-timeout');
    const appTimeouts = seen.filter((e) => e.outcome === 'timeout');
    expect(gatewayTimeouts.length).toBeGreaterThanOrEqual(3);
    expect(appTimeouts.length).toBeGreaterThanOrEqual(3);
    // nginx gave up at its 2 s, before the app's 3 s; then the app's own answer came at 3 s, later.
    for (const e of gatewayTimeouts) {
      expect(e.endMs).toBeGreaterThanOrEqual(1900);
      expect(e.endMs).toBeLessThan(2900);
    }
    for (const e of appTimeouts) expect(e.endMs).toBeGreaterThanOrEqual(2900);
    expect(Math.max(...gatewayTimeouts.map((e) => e.at))).toBeLessThan(Math.min(...appTimeouts.map((e) => e.at)));

    expect(recording.terminal).toContain('$ node chain.ts    # proxy_read_timeout 2s');
    expect(recording.terminal).toMatch(/through nginx \(:8888\)\s+504 Gateway Time-out/);
    expect(recording.terminal).toMatch(/through nginx \(:8888\)\s+204 No Content/);
    expect(recording.terminal).not.toMatch(/\/tmp\//);
  }, 60_000);

  test('the command names a lab it has no experiment for, and exits 2', () => {
    const result = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'scripts', 'record-runs.ts'), '09-nothing'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^no experiment to record for 09-nothing; known: 01-short-polling, /);
  });
});
