// Short polling: clients ask every second, a message comes every few seconds, so most answers are empty.
import type { Experiment } from '../experiment.ts';
import { runTool, startApp } from '../stack.ts';
import { transcript } from '../transcript.ts';

export default {
  caption: 'Five clients short-poll every second while a message is published every 3 s: most answers come back empty, and a message waits up to a second to be picked up.',
  async run(session) {
    const app = await startApp('01-short-polling', 'solution');
    await session.load(app.ports, { target: 'app', mode: 'short', clients: 5, intervalMs: 1000, publishEveryMs: 3000, durationMs: 6000 });
    const args = ['--clients', '5', '--interval', '1000', '--publish-every', '3000', '--duration', '4'];
    const output = await runTool(app, ['poller.ts', ...args, '--port', String(app.ports[8999])]);
    return transcript([{ command: `node poller.ts ${args.join(' ')}`, output }], app.ports, { [app.dir]: '~/lab' });
  },
} satisfies Experiment;
