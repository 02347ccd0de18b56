import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'timeouts',
  number: 5,
  title: 'Timeouts and disconnects',
  summary: 'Give every wait an end, and forget clients that went away before leaks pile up.',
  entry: 'server.ts',
  files: [
    { path: 'server.ts', editable: true, description: 'your feed server: every wait ends' },
    { path: 'abandon.ts', editable: false, description: 'the experiment: clients that start long polls and walk away' },
  ],
  // Every duration the lesson quotes; abandon.ts uses the first four as its defaults, and the checks
  // use maxTimeout and the check* ones.
  timing: {
    abandonEvery: 20,
    abandonAfter: 200,
    abandonTimeout: 600_000,
    experimentDuration: 10_000,
    longAbandonEvery: 10,
    longExperimentDuration: 30_000,
    maxTimeout: 3000,
    productionMaxTimeout: 30_000,
    nginxReadTimeout: 60_000,
    curlMaxTime: 1000,
    checkWait: 2000,
    checkTimeout: 1000,
    checkLeaveAfter: 1000,
    checkForgottenWithin: 800,
    wakeBudget: 100,
  },
  hints: [
    'Two small changes: parseTimeout caps the wait, and handlePoll learns when the client leaves.',
    'Add `const MAX_TIMEOUT_S = 3;` and return `Math.min(Number(raw), MAX_TIMEOUT_S)` from parseTimeout instead of `Number(raw)`.',
    'A ServerResponse emits \'close\' when its connection closes, whether the answer was sent or the client left first. Listen for it in handlePoll.',
    'After `waiters.add(waiter)`: `res.on(\'close\', () => settle(waiter));`. settle() already removes the waiter and clears its timer, and does nothing if the waiter was answered.',
  ],
});
