// Timeouts and disconnects: a quiet feed answers each long poll with 204 at its timeout, and clients
// that walk away are forgotten at once.
import type { Experiment } from '../experiment.ts';
import { runTool, startApp } from '../stack.ts';
import { transcript } from '../transcript.ts';

export default {
  caption: 'With no message to send, every long poll ends in an empty 204 after the app\'s 2 s wait, and the client asks again; clients that leave early are dropped from the waiters.',
  async run(session) {
    const app = await startApp('05-timeouts', 'solution');
    await session.load(app.ports, { target: 'app', mode: 'long', clients: 4, timeoutS: 2, durationMs: 7000 });
    const args = ['--every', '20', '--after', '200', '--timeout', '600', '--duration', '3'];
    const output = await runTool(app, ['abandon.ts', ...args, '--port', String(app.ports[8999])]);
    return transcript([{ command: `node abandon.ts ${args.join(' ')}`, output }], app.ports, { [app.dir]: '~/lab' });
  },
} satisfies Experiment;
