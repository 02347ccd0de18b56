// Comet: a long poll is answered the moment a message is published, with one request per message.
import type { Experiment } from '../experiment.ts';
import { runTool, startApp } from '../stack.ts';
import { transcript } from '../transcript.ts';

export default {
  caption: 'Short polling beside long polling on the same feed: the short pollers get mostly empty answers, while every long poll is held until the publish and answered at once.',
  async run(session) {
    const app = await startApp('04-comet', 'solution');
    await session.load(app.ports, { target: 'app', mode: 'compare', clients: 8, intervalMs: 1000, timeoutS: 3, publishEveryMs: 2000, durationMs: 5000 });
    const args = ['--clients', '10', '--publish-every', '2000', '--timeout', '3', '--duration', '3'];
    const output = await runTool(app, ['comet-clients.ts', ...args, '--port', String(app.ports[8999])]);
    return transcript([{ command: `node comet-clients.ts ${args.join(' ')}`, output }], app.ports, { [app.dir]: '~/lab' });
  },
} satisfies Experiment;
