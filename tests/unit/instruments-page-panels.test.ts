// The words and numbers the instruments' panels show: the simulated clients' counters, the lag
// summary, the chain's prediction in words, the config line diff, and a recording's span.
import { describe, expect, test } from 'vitest';
import type { LoadRunState, Recording } from '../../server/contracts/instruments.ts';
import { predictChain } from '../../server/instruments/timeout-chain.ts';
import { counterColumns, counterRows, describeRun, formatBytes } from '../../site/scripts/lab/instruments/counters.ts';
import { describeLag, describePeak } from '../../site/scripts/lab/instruments/lag-panel.ts';
import { describePrediction } from '../../site/scripts/lab/instruments/chain-panel.ts';
import { diffLines } from '../../site/scripts/lab/instruments/line-diff.ts';
import { recordingSpan } from '../../site/scripts/lab/instruments/recording-span.ts';
import { chainDefaults, clientDefaults, instrumentsOf } from '../../site/scripts/lab/instruments/catalogue.ts';

const run: LoadRunState = {
  run: 'r1', target: 'app', mode: 'compare', state: 'finished', startedAt: 0, elapsedMs: 20_000, durationMs: 20_000,
  groups: [
    { mode: 'short', clients: 5, counters: { requests: 100, empty: 80, deliveries: 20, errors: 0, bytesIn: 2048, bytesOut: 9000, published: 4, open: 0 },
      requestsPerSecond: 5, emptyShare: 0.8, requestsPerMessage: 5, delayMs: { p50: 480.4, p99: 990, max: 1000, count: 20 }, errors: {} },
    { mode: 'long', clients: 5, counters: { requests: 25, empty: 0, deliveries: 20, errors: 2, bytesIn: 3 * 1024 * 1024, bytesOut: 100, published: 4, open: 5 },
      requestsPerSecond: 1.25, emptyShare: 0, requestsPerMessage: 1.25, delayMs: null, errors: { refused: 2 } },
  ],
  cost: { cpuMs: 12, cpuUsPerDelivery: 300 }, problem: null,
};

describe('counters', () => {
  test('one column per group, every figure with its unit', () => {
    expect(counterColumns(run)).toEqual(['Short polling', 'Long polling']);
    const rows = Object.fromEntries(counterRows(run).map((row) => [row.measure, row.values]));
    expect(rows['Requests per second']).toEqual(['5 /s', '1.3 /s']);
    expect(rows['Empty answers']).toEqual(['80 (80 %)', '0 (0 %)']);
    expect(rows['Delivery delay p50']).toEqual(['480 ms', '–']);
    expect(rows['Delivery delay p99']).toEqual(['990 ms', '–']);
    expect(rows['Requests per message']).toEqual(['5', '1.3']);
    expect(rows['Bytes in / out']).toEqual(['2.0 KiB / 8.8 KiB', '3.0 MiB / 100 B']);
    expect(rows.Errors).toEqual(['0', '2 refused']);
  });

  test('the run in one line, with the tool\'s own cost when it ended', () => {
    expect(describeRun(run)).toBe('Finished after 20 of 20 s. The tool spent 300 µs of CPU per delivery.');
    expect(describeRun({ ...run, state: 'running', elapsedMs: 4200 })).toBe('Running, 4 of 20 s.');
    expect(describeRun({ ...run, state: 'failed', problem: 'the app is not running' })).toBe('Failed: the app is not running.');
    expect(formatBytes(1023)).toBe('1023 B');
  });
});

test('lag in words: the worst of the last 5 s, and unanswered probes', () => {
  const samples = [
    { at: 0, outsideMs: 900, insideMs: 880 },
    { at: 6000, outsideMs: 3, insideMs: 1 },
    { at: 7000, outsideMs: null, insideMs: null },
    { at: 8000, outsideMs: 212.4, insideMs: null },
  ];
  expect(describeLag(samples, 8000)).toBe('Last 5 s: outside up to 212 ms (1 probe unanswered), inside up to 1 ms.');
  expect(describeLag(samples.slice(0, 1), 8000)).toBe('No samples in the last 5 s.');
  expect(describePeak(samples)).toBe(' Peak over the chart: outside 900 ms, inside 880 ms.');
  expect(describePeak([{ at: 0, outsideMs: null, insideMs: null }])).toBe('');
});

test('the chain\'s prediction in words names the outcome, the hop and what nginx logs', () => {
  const text = describePrediction(predictChain({ clientS: 10, nginxS: 2, appS: 3, messageAtS: null }));
  expect(text).toBe('The client gets 504 Gateway Time-out after 2 s: nginx gives up waiting for the app first. nginx logs 504.');
  expect(describePrediction(predictChain({ clientS: 1, nginxS: 6, appS: 3, messageAtS: null })))
    .toBe('The client gets nothing: it stops waiting after 1 s, before any answer comes. nginx logs 499.');
  expect(describePrediction(predictChain({ clientS: 10, nginxS: null, appS: 3, messageAtS: 1 })))
    .toBe('The client gets 200 with the message after 1 s: the app answers first.');
});

describe('diffLines', () => {
  test('marks removed and added lines around the common ones', () => {
    expect(diffLines('a\nproxy_read_timeout 2s;\nc', 'a\nproxy_read_timeout 6s;\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'proxy_read_timeout 2s;' },
      { kind: 'added', text: 'proxy_read_timeout 6s;' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
  });
  test('the same text is all "same"', () => {
    expect(diffLines('x\ny', 'x\ny').every((line) => line.kind === 'same')).toBe(true);
  });
});

test('a recording spans from its first request to its last answer', () => {
  const recording: Recording = {
    lab: 'nginx', title: 't', caption: 'c', recordedAt: '2026-11-28T00:00:00Z', terminal: '',
    messages: [
      { type: 'hello', lab: 'nginx', now: 5000, exchanges: [], publishes: [{ at: 1500, id: 1, waiters: 0 }], run: null },
      { type: 'traffic', lab: 'nginx', publishes: [], exchanges: [
        { id: 1, source: 'chain', lane: 'chain', port: 8888, method: 'GET', path: '/poll', at: 2000, headersMs: 2000, endMs: 2000,
          status: 504, outcome: 'gateway-timeout', messages: 0, bytesIn: 10, bytesOut: 10, error: null },
      ] },
    ],
  };
  expect(recordingSpan(recording)).toEqual({ startMs: 1500, endMs: 4000 });
});

describe('which instruments a lab shows', () => {
  const lab = (id: string, services: Array<'nginx' | 'redis'> = [], timing: Record<string, number> = {}) => ({ id, services, timing });
  test('every lab has the timeline, the clients and the inspector; lag, chain and nginx only where they fit', () => {
    expect(instrumentsOf(lab('short-polling'))).toEqual(['timeline', 'clients', 'inspector']);
    expect(instrumentsOf(lab('blocking-sleep'))).toEqual(['timeline', 'clients', 'lag', 'inspector']);
    expect(instrumentsOf(lab('timeouts'))).toEqual(['timeline', 'clients', 'chain', 'inspector']);
    expect(instrumentsOf(lab('nginx', ['nginx']))).toEqual(['timeline', 'clients', 'chain', 'nginx', 'inspector']);
    expect(instrumentsOf(lab('scaling-out', ['nginx', 'redis']))).toEqual(['timeline', 'clients', 'nginx', 'inspector']);
  });

  test('the knobs start at the lab\'s own numbers', () => {
    expect(clientDefaults(lab('short-polling', [], { pollInterval: 1000, publishEvery: 5000, experimentDuration: 15_000 })))
      .toEqual({ clients: 10, intervalMs: 1000, timeoutS: 10, durationS: 15, publishEveryMs: 5000, nginx: false });
    expect(chainDefaults(lab('nginx', ['nginx'], { clientTimeout: 10_000, starterReadTimeout: 2000, appTimeout: 3000 })))
      .toEqual({ clientS: 10, nginxS: 2, appS: 3 });
    expect(chainDefaults(lab('timeouts', [], { maxTimeout: 3000 }))).toEqual({ clientS: 10, nginxS: null, appS: 3 });
  });
});
