// `lab load`'s command line and what it prints, without a terminal: every option checked (usage errors
// name the problem), and the progress line and summary table drawn from a run's state.
import { describe, expect, it } from 'vitest';
import { loadRunStateSchema, type LoadRunState } from '../../server/contracts/instruments.ts';
import { labRequestSchema } from '../../server/contracts/lab-command.ts';
import { parseLabArgs } from '../../server/supervisor/lab-cli/args.ts';
import { parseDuration } from '../../server/supervisor/lab-cli/load-args.ts';
import { formatProgress, formatSummary } from '../../server/supervisor/lab-cli/load-view.ts';

const load = (line: string) => parseLabArgs(line.split(' ').filter(Boolean));

describe('lab load arguments', () => {
  it('reads every option into a request the host accepts', () => {
    const parsed = load('load --clients 1000 --mode short --duration 30s --interval 500ms --timeout 2 --publish-every=1m --nginx');
    expect(parsed).toMatchObject({ kind: 'request', request: { command: 'load', load: { action: 'start', run: {
      target: 'nginx', mode: 'short', clients: 1000, intervalMs: 500, timeoutS: 2, durationS: 30, publishEveryMs: 60_000,
    } } } });
    if (parsed.kind !== 'request') throw new Error(parsed.text);
    expect(labRequestSchema.safeParse({ ...parsed.request, cwd: 'comet' }).success).toBe(true);
  });

  it('has defaults, and stop and status', () => {
    expect(load('load')).toMatchObject({ request: { load: { action: 'start', run: { target: 'app', mode: 'long', clients: 100, durationS: 20, publishEveryMs: 5000 } } } });
    expect(load('load --publish-every 0')).toMatchObject({ request: { load: { run: { publishEveryMs: 0 } } } });
    expect(load('load stop')).toMatchObject({ request: { load: { action: 'stop' } } });
    expect(load('load status --lab comet')).toMatchObject({ request: { lab: 'comet', load: { action: 'status' } } });
  });

  it.each([
    ['load --clients 0', /--clients takes a number from 1 to 10000/],
    ['load --clients 20000', /--clients takes a number/],
    ['load --clients many', /not "many"/],
    ['load --mode medium', /--mode is short, long or compare/],
    ['load --duration 0.5s', /--duration must be from 1 s to 300 s/],
    ['load --duration forever', /takes a duration like 30s/],
    ['load --interval 10ms', /--interval must be from 50 ms to 60 s/],
    ['load --publish-every 20ms', /or 0 for never/],
    ['load --clients', /--clients needs a value/],
    ['load now', /unexpected "now"/],
    ['load stop --clients 3', /takes no options/],
    ['check --clients 3', /--clients belongs to lab load/],
    ['run --nginx', /--nginx belongs to lab load/],
  ])('%s is a usage error', (line, message) => {
    const parsed = load(line);
    expect(parsed.kind).toBe('usage');
    expect(parsed.kind === 'usage' && parsed.text).toMatch(message);
  });

  it('reads durations in ms, s and m', () => {
    expect([parseDuration('250ms'), parseDuration('1.5s'), parseDuration('2m'), parseDuration('3')]).toEqual([250, 1500, 120_000, 3000]);
    expect([parseDuration('-1s'), parseDuration('1h'), parseDuration(''), parseDuration('1e9')]).toEqual([null, null, null, null]);
  });
});

const group = (mode: 'short' | 'long', overrides: Partial<LoadRunState['groups'][number]> = {}): LoadRunState['groups'][number] => ({
  mode,
  clients: 500,
  counters: { requests: 5000, empty: 4000, deliveries: 1000, errors: 3, bytesIn: 123_456, bytesOut: 45_678, published: 2, open: 0 },
  requestsPerSecond: 500,
  emptyShare: 0.8,
  requestsPerMessage: 5,
  delayMs: { p50: 412.3, p99: 987.6, max: 999, count: 1000 },
  errors: { refused: 2, 'http-500': 1 },
  ...overrides,
});
const state: LoadRunState = loadRunStateSchema.parse({
  run: 'r1', target: 'app', mode: 'compare', state: 'finished', startedAt: 1, elapsedMs: 10_000, durationMs: 10_000,
  groups: [group('short'), group('long', { requestsPerMessage: 1.02, emptyShare: 0, delayMs: { p50: 3.21, p99: 8, max: 9, count: 1000 }, errors: {}, counters: { ...group('long').counters, errors: 0 } })],
  cost: { cpuMs: 812, cpuUsPerDelivery: 406 },
  problem: null,
});

describe('lab load output', () => {
  it('draws progress as a bar with the counters so far', () => {
    const line = formatProgress({ ...state, state: 'running', elapsedMs: 5000 }, 10);
    expect(line).toBe('[#####.....] 5.0/10 s  1,000 clients compare  requests 10,000  deliveries 2,000  errors 3');
  });

  it('prints a summary table with a column per group and the tool\'s own cost', () => {
    const text = formatSummary(state);
    expect(text).toMatch(/^Finished after 10\.0 s: compare polling against your app \(8999\), 2 messages published\./);
    expect(text).toMatch(/^requests per message\s+5\.00\s+1\.02$/m);
    expect(text).toMatch(/^delivery p50\s+412 ms\s+3\.2 ms$/m);
    expect(text).toMatch(/^delivery p99\s+988 ms\s+8\.0 ms$/m);
    expect(text).toMatch(/^empty answers\s+80 %\s+0 %$/m);
    expect(text).toMatch(/^errors\s+3 \(refused 2, http-500 1\)\s+0$/m);
    expect(text).toMatch(/406 µs per delivery/);
  });

  it('says why a run failed, and a dash where a figure has no meaning', () => {
    const failed = formatSummary({ ...state, state: 'failed', problem: 'the sandbox ended (idle)', groups: [group('long', { delayMs: null, requestsPerMessage: null })], cost: null });
    expect(failed).toMatch(/^Failed after/);
    expect(failed).toMatch(/Problem: the sandbox ended \(idle\)/);
    expect(failed).toMatch(/^delivery p50\s+-$/m);
    expect(failed).toMatch(/not measured/);
  });
});
