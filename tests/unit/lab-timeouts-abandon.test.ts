// abandon.ts, the lab 5 experiment: its formatting, and what it shows against the real starter (a
// waiter kept for every client that left) and solution (none kept).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lab from '../../labs/05-timeouts/lab.ts';
import { defaults, formatSample, formatVerdict, parseOptions } from '../../labs/05-timeouts/starter/abandon.ts';
import { type RunningApp as LabApp, runNode, startLabApp, stopAll } from '../helpers/lab-apps.ts';
import { freePort } from '../helpers/ports.ts';

describe('options and output', () => {
  it('uses the lesson\'s numbers as defaults, and refuses nonsense', () => {
    expect(defaults).toMatchObject({
      everyMs: lab.timing.abandonEvery, afterMs: lab.timing.abandonAfter, timeoutS: lab.timing.abandonTimeout! / 1000, durationS: lab.timing.experimentDuration! / 1000,
    });
    expect(parseOptions([])).toEqual(defaults);
    expect(parseOptions(['--every', '5', '--after', '50', '--duration', '2'], { PORT: '9100' })).toMatchObject({ everyMs: 5, afterMs: 50, durationS: 2, port: 9100 });
    expect(() => parseOptions(['--every', '0'])).toThrow(/--every must be a number from 1/);
  });

  it('prints a row per second and a verdict that counts what was kept', () => {
    const first = { atS: 0, left: 0, stats: { waiters: 0, last_id: 3, timers: 0, heap_kb: 12_000 } };
    const last = { atS: 10, left: 450, stats: { waiters: 450, last_id: 3, timers: 450, heap_kb: 14_500 } };
    expect(formatSample(last)).toBe('  10 s           450       450      450    14.2 MB');
    expect(formatSample({ ...first, stats: { waiters: 0, last_id: 0 } })).toMatch(/n\/a\s+n\/a$/);
    expect(formatVerdict(first, last)).toMatch(/^450 clients came and left; the app still holds 450 more waiters than at the start\.\nIts heap grew by 2\.4 MB/);
    expect(formatVerdict(first, { ...last, stats: first.stats })).toBe('450 clients came and left; the app still holds 0 more waiters than at the start.');
  });
});

describe('against the real apps', () => {
  let starter: LabApp;
  let solution: LabApp;
  beforeAll(async () => {
    [starter, solution] = await Promise.all([startLabApp('05-timeouts', 'starter'), startLabApp('05-timeouts', 'solution')]);
  }, 30_000);
  afterAll(stopAll);

  const abandon = async (app: LabApp, args: string[]) => {
    const { child, output } = runNode(app.dir, ['abandon.ts', ...args, '--port', String(app.port)]);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const text = output();
    const kept = Number(/the app still holds (\d+) more waiters?/.exec(text)?.[1] ?? Number.NaN);
    const left = Number(/^(\d+) clients came and left/m.exec(text)?.[1] ?? Number.NaN);
    return { code, text, kept, left };
  };
  const run = ['--every', '20', '--after', '200', '--duration', '2'];

  it.concurrent('the starter keeps a waiter for every client that left', async () => {
    const { code, text, kept, left } = await abandon(starter, run);
    expect(code, text).toBe(0);
    expect(left).toBeGreaterThan(40);
    expect(kept).toBe(left);
  }, 20_000);

  it.concurrent('the solution keeps none', async () => {
    const { code, text, kept, left } = await abandon(solution, run);
    expect(code, text).toBe(0);
    expect(left).toBeGreaterThan(40);
    expect(kept).toBe(0);
  }, 20_000);

  it('says so when no app is running', async () => {
    const { code, text } = await abandon({ ...solution, port: await freePort() }, ['--duration', '1']);
    expect(code).toBe(1);
    expect(text).toMatch(/could not read GET \/stats from the app on port \d+: is it running\?/);
  }, 20_000);
});
