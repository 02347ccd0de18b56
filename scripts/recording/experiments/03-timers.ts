// Timers: waiting with setTimeout frees the event loop, but re-checking every half second still delays
// each message by up to half a second and costs a look per waiter per tick.
import type { Experiment } from '../experiment.ts';
import { runTool, startApp } from '../stack.ts';
import { transcript } from '../transcript.ts';

export default {
  caption: 'Five clients wait up to 5 s for news while the app re-checks every half second: messages arrive, but up to half a second late.',
  async run(session) {
    const app = await startApp('03-timers', 'solution');
    await session.load(app.ports, { target: 'app', mode: 'long', clients: 5, timeoutS: 5, publishEveryMs: 2000, durationMs: 5000 });
    const args = ['--waiters', '5', '--timeout', '5', '--publish-every', '2000', '--duration', '3'];
    const output = await runTool(app, ['waiters.ts', ...args, '--port', String(app.ports[8999])]);
    return transcript([{ command: `node waiters.ts ${args.join(' ')}`, output }], app.ports, { [app.dir]: '~/lab' });
  },
} satisfies Experiment;
