import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'timers',
  number: 3,
  title: 'Non-blocking timers',
  summary: 'Wait with timers instead, so one slow request no longer holds up the rest.',
  entry: 'server.ts',
  files: [
    { path: 'server.ts', editable: true, description: 'your feed server: polls now look again every half second' },
    { path: 'waiters.ts', editable: false, description: 'the experiment: waiting clients, a publisher, and what the waiting cost' },
  ],
  // Every duration the lesson quotes; waiters.ts uses the experiment's four as its defaults.
  timing: {
    recheck: 500,
    experimentTimeout: 5000,
    publishEvery: 2000,
    experimentDuration: 10_000,
    expectedDelay: 250,
    checkWait: 1000,
    lab2Wait: 3000,
    fasterRecheck: 100,
    slowerRecheck: 2000,
    productionTimeout: 30_000,
  },
  hints: [
    'When there is no news yet, book a look for later with setTimeout(lookAgain, RECHECK_MS) and return. lookAgain either answers or books the next look.',
    'Before the first look, note when the wait must end: `const deadline = Date.now() + timeout * 1000`. Each look answers 204 once Date.now() has reached it.',
    'waiters += 1 when the poll starts to wait; waiters -= 1 right before the one answer it gets, whichever look sends it.',
    'If you use setInterval, clearInterval it on both ways out (news and timeout). A chain of single setTimeouts needs no clearing: the look that answers just books no next one.',
  ],
});
