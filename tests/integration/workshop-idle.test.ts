// A student who walks away has their app stopped (their sandbox and shells stay), and finds it running
// again as soon as they are back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { call, join, startWorkshopProcess, waitFor, type RunningWorkshop } from './workshop-kit.ts';

const lab = 'short-polling';
let workshop: RunningWorkshop;

beforeAll(async () => {
  workshop = await startWorkshopProcess({ args: ['--away-timeout', '1500ms'] });
});
afterAll(async () => {
  await workshop?.stop();
  await rm(workshop.dataDir, { recursive: true, force: true });
});

describe('a student away', () => {
  it('has their app stopped, and started again on return', async () => {
    const student = await join(workshop, 'Ann');
    const app = `${workshop.url}/api/labs/${lab}/app`;
    expect((await call(`${workshop.url}/api/labs/${lab}/run`, student.headers, 'POST')).status).toBe(200);
    await waitFor(async () => ((await call(app, student.headers)).json.listening ? true : undefined), 'the app to listen', 15_000);
    // Away: nothing from the student for longer than the away timeout.
    await waitFor(async () => (/away: stopping the app of short-polling/.test(workshop.output()) ? true : undefined), 'the away stop', 10_000);
    expect(workshop.output()).not.toMatch(/stopping the sandbox/);
    // Back: the first request starts it again.
    await call(app, student.headers);
    expect(workshop.output()).toMatch(/back: starting the app of short-polling again/);
    const back = await waitFor(async () => {
      const state = (await call(app, student.headers)).json;
      return state.listening ? state : undefined;
    }, 'the app to listen again', 15_000);
    expect(back.state).toBe('running');
  });
});
