// The lag meter against lab 2's starter in a real sandbox, through the real playground process: a poll
// that blocks the event loop for 1.5 s shows as a spike both from outside (the host's probes wait) and
// from inside (the app's preload reports its own loop delay); a quiet app shows neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstrumentMessage, LagSample } from '../../server/contracts/instruments.ts';
import { lagAnswerSchema } from '../../server/contracts/instruments.ts';
import { startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { until } from '../helpers/until.ts';
import { openInstruments, type InstrumentsChannel } from '../helpers/instruments-client.ts';

const LAB = 'blocking-sleep';
let playground: RunningPlayground;
let channel: InstrumentsChannel;
const samples: LagSample[] = [];

const api = (path: string, init?: RequestInit) => fetch(`${playground.url}/api/labs/${LAB}${path}`, init);
const post = (path: string, body: unknown) =>
  api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });


/** A probe in flight may still land; after that, a whole second passes without a sample. */
async function quietForASecond(): Promise<void> {
  let count = samples.length;
  let quietSince = Date.now();
  await until('a second without samples', () => {
    if (samples.length !== count) [count, quietSince] = [samples.length, Date.now()];
    return Date.now() - quietSince > 1000;
  }, 5000);
}

beforeAll(async () => {
  playground = await startPlaygroundProcess();
  expect((await api('/run', { method: 'POST' })).status).toBe(200);
  const listening = async () => ((await (await api('/app')).json()) as { listening: boolean }).listening;
  const deadline = Date.now() + 15_000;
  while (!(await listening())) {
    if (Date.now() > deadline) throw new Error('the app did not listen');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  channel = await openInstruments(playground.url, LAB);
  channel.ws.on('message', (data) => {
    const message: InstrumentMessage = JSON.parse(String(data));
    if (message.type === 'lag') samples.push(...message.samples);
  });
});

afterAll(async () => {
  channel?.ws.close();
  await playground?.stop();
});

describe('the lag meter', () => {
  it('refuses a body that is not {on: boolean}', async () => {
    const bad = await post('/instruments/lag', { on: 'yes' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/on/);
    expect((await post('/instruments/lag', { on: true, extra: 1 })).status).toBe(400);
  });

  it('sees a quiet app as quick from outside and inside', async () => {
    const answer = await post('/instruments/lag', { on: true });
    expect(answer.status).toBe(200);
    expect(lagAnswerSchema.parse(await answer.json())).toEqual({ lab: LAB, on: true });
    await until('ten samples with an inside value', () => samples.filter((s) => s.insideMs !== null).length >= 10);
    const quiet = samples.slice(-10);
    // Generous bounds: two cores shared with other test runs.
    for (const sample of quiet) expect(sample.outsideMs).not.toBeNull();
    expect(Math.min(...quiet.map((s) => s.outsideMs!))).toBeLessThan(200);
    expect(Math.min(...quiet.filter((s) => s.insideMs !== null).map((s) => s.insideMs!))).toBeLessThan(200);
  });

  it('shows a blocking poll as a spike from outside and from inside', async () => {
    const before = samples.length;
    // The starter's sleep spins: 1.5 s with the event loop held.
    // The chain's Try it is the host's way to send one real poll through the relay.
    const blocked = await post('/instruments/chain', { clientS: 5, nginxS: null, appS: 1.5, messageAtS: null });
    expect(((await blocked.json()) as { status: number }).status).toBe(204);
    await until('the spike in both views', () => {
      const after = samples.slice(before);
      const outside = after.some((s) => s.outsideMs === null || s.outsideMs > 700);
      const inside = after.some((s) => s.insideMs !== null && s.insideMs > 1000);
      return outside && inside;
    });
  });

  it('runs one meter per learner: turning it on for another lab moves it there', async () => {
    const other = await fetch(`${playground.url}/api/labs/timers/instruments/lag`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ on: true }),
    });
    expect(lagAnswerSchema.parse(await other.json())).toEqual({ lab: 'timers', on: true });
    await quietForASecond();
    // Back here for the last test.
    expect(lagAnswerSchema.parse(await (await post('/instruments/lag', { on: true })).json())).toEqual({ lab: LAB, on: true });
    const count = samples.length;
    await until('samples again', () => samples.length > count + 2);
  });

  it('stops when turned off', async () => {
    expect(lagAnswerSchema.parse(await (await post('/instruments/lag', { on: false })).json())).toEqual({ lab: LAB, on: false });
    await quietForASecond();
  });
});
