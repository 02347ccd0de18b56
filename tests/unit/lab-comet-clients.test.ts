// comet-clients.ts, the lab 4 experiment: its arithmetic, and its numbers against the real solution
// and starter, so what the lesson says about them stays true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countAnswer, countMissed, defaults, formatSummary, newTally, parseOptions, publishTimes,
} from '../../labs/04-comet/starter/comet-clients.ts';
import lab from '../../labs/04-comet/lab.ts';
import { type RunningApp as LabApp, runNode, startLabApp, stopAll } from '../helpers/lab-apps.ts';
import { freePort } from '../helpers/ports.ts';

const answer = (cursor: number, ...ids: number[]) => JSON.stringify({ cursor, messages: ids.map((id) => ({ id, data: { sentAt: 1000 } })) });

describe('counting answers', () => {
  it('counts a 204 as nothing new and keeps the cursor', () => {
    const tally = newTally();
    expect(countAnswer(tally, new Set(), 3, 204, '', 2000)).toBe(3);
    expect(tally).toMatchObject({ requests: 1, empty: 1, delivered: 0 });
  });

  it('delivers new messages once, follows the cursor, and counts repeats', () => {
    const tally = newTally();
    const received = new Set<number>();
    expect(countAnswer(tally, received, 2, 200, answer(4, 3, 4), 1030)).toBe(4);
    expect(countAnswer(tally, received, 4, 200, answer(5, 4, 5), 1040)).toBe(5);
    expect(tally).toMatchObject({ requests: 2, delivered: 3, duplicates: 1, delaysMs: [30, 30, 40] });
    expect([...received]).toEqual([3, 4, 5]);
  });

  it('counts broken answers as errors and keeps the cursor', () => {
    const tally = newTally();
    for (const [status, body] of [[200, 'nope'], [200, '{"messages":[]}'], [500, answer(5, 5)]] as const) {
      expect(countAnswer(tally, new Set(), 1, status, body, 0)).toBe(1);
    }
    expect(tally).toMatchObject({ requests: 3, errors: 3, delivered: 0 });
  });

  it('counts, per client, the published messages it never got', () => {
    expect(countMissed([5, 6, 7], [new Set([5, 6, 7]), new Set([5, 7]), new Set()])).toBe(4);
  });
});

describe('options and schedule', () => {
  it('uses the lesson\'s numbers as defaults, and refuses nonsense', () => {
    expect(defaults).toMatchObject({ timeoutS: lab.timing.pollTimeout! / 1000, publishEveryMs: lab.timing.publishEvery, durationS: lab.timing.experimentDuration! / 1000 });
    expect(parseOptions([])).toEqual(defaults);
    expect(parseOptions(['--clients', '3', '--timeout', '1', '--size', '100'], { PORT: '9100' })).toMatchObject({ clients: 3, timeoutS: 1, sizeBytes: 100, port: 9100 });
    expect(() => parseOptions(['--timeout', '99'])).toThrow(/--timeout must be a number from 0 to 60, not 99/);
    expect(() => parseOptions(['--clients', 'many'])).toThrow(/--clients/);
  });

  it('publishes mid-period and stops a second before the end', () => {
    expect(publishTimes(defaults)).toEqual([1250, 3250, 5250, 7250, 9250, 11_250, 13_250]);
    expect(publishTimes({ ...defaults, publishEveryMs: 0 })).toEqual([]);
  });

  it('prints every row the lesson reads', () => {
    const text = formatSummary({ ...newTally(), requests: 70, published: 7, delivered: 70, delaysMs: [2, 4, 9], publishMs: [3] }, 0, defaults);
    for (const row of ['requests per delivered message\\s+1\\.00', 'delivery delay p50\\s+4 ms', 'publish answered in p50\\s+3 ms', 'messages missed\\s+0']) {
      expect(text).toMatch(new RegExp(`^${row}$`, 'm'));
    }
  });
});

describe('against the real apps', () => {
  let starter: LabApp;
  let solution: LabApp;
  beforeAll(async () => {
    [starter, solution] = await Promise.all([startLabApp('04-comet', 'starter'), startLabApp('04-comet', 'solution')]);
  }, 30_000);
  afterAll(stopAll);

  const measure = async (app: LabApp, args: string[]) => {
    const { child, output } = runNode(app.dir, ['comet-clients.ts', ...args, '--port', String(app.port)]);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const text = output();
    const row = (label: string) => Number.parseFloat(new RegExp(`^${label}\\s+(.+)$`, 'm').exec(text)?.[1] ?? 'NaN');
    return { code, text, row };
  };
  const run = ['--clients', '3', '--publish-every', '1000', '--timeout', '3', '--duration', '4'];

  it.concurrent('the solution: one request per message, delivered within milliseconds, nothing lost', async () => {
    const { code, text, row } = await measure(solution, run);
    expect(code, text).toBe(0);
    expect(row('messages published')).toBe(3);
    expect(row('messages delivered')).toBe(9);
    expect(row('requests per delivered message')).toBe(1);
    expect(row('delivery delay p50')).toBeLessThan(100);
    expect(row('messages missed') + row('old messages sent again') + row('errors')).toBe(0);
  }, 20_000);

  it.concurrent('the starter: the same requests, but each message waits for the next half-second look', async () => {
    const { code, text, row } = await measure(starter, run);
    expect(code, text).toBe(0);
    expect(row('messages delivered')).toBe(9);
    expect(row('delivery delay average')).toBeGreaterThan(100);
    expect(row('delivery delay average')).toBeLessThan(600);
  }, 20_000);

  it('says so when no app is running', async () => {
    const { code, text } = await measure({ ...solution, port: await freePort() }, ['--duration', '1']);
    expect(code).toBe(1);
    expect(text).toMatch(/could not reach the app at http:\/\/127\.0\.0\.1:\d+: is it running\?/);
  }, 20_000);
});
