import { labMetaSchema } from '../../server/contracts/lab.ts';

export default labMetaSchema.parse({
  id: 'blocking-sleep',
  number: 2,
  title: 'A blocking sleep',
  summary: 'Make one request wait the wrong way and watch every other client of your server freeze.',
  entry: 'server.ts',
  files: [
    { path: 'server.ts', editable: true, description: 'your feed server: its polls can now wait' },
    { path: 'clients.ts', editable: false, description: 'the experiment: waiting clients, and a probe that times the stall' },
  ],
  // Every duration the lesson quotes; clients.ts uses wait and probeEvery, the checks checkWait;
  // lagProbeTimeout is how long the Lag meter waits for its probe (server/instruments/lag-meter.ts).
  timing: {
    wait: 1000,
    probeEvery: 100,
    serialTotal: 5000,
    checkWait: 1000,
    longWait: 3000,
    longSerialTotal: 15_000,
    lagProbeTimeout: 2000,
  },
  hints: [
    'Only sleep() and the line that calls it need to change. Everything else already works.',
    'A wait that does not block books a wake-up and returns at once: that is what setTimeout does. Wrap it in a Promise so the caller can await it.',
    '`function sleep(ms: number): Promise<void> { return new Promise((resolve) => setTimeout(resolve, ms)); }` (or import setTimeout from node:timers/promises).',
    'handlePoll is already async: write `await sleep(timeout * 1000);` so the answer is sent after the wait, not before it.',
  ],
});
