// Beyond comet: the same feed followed by long polling, Server-Sent Events and WebSocket, compared.
import type { Experiment } from '../experiment.ts';
import { runTool, startApp } from '../stack.ts';
import { transcript } from '../transcript.ts';

export default {
  caption: 'Long polls on a busy feed (a message every 500 ms): one request per message, each answered at once; the terminal compares it with Server-Sent Events and WebSocket on the same feed.',
  async run(session) {
    const app = await startApp('08-beyond-comet', 'solution');
    await session.load(app.ports, { target: 'app', mode: 'long', clients: 4, timeoutS: 3, publishEveryMs: 500, durationMs: 4000 });
    const args = ['--count', '20', '--every', '200'];
    const output = await runTool(app, ['transports.ts', ...args, '--port', String(app.ports[8999])]);
    return transcript([{ command: `node transports.ts ${args.join(' ')}`, output }], app.ports, { [app.dir]: '~/lab' });
  },
} satisfies Experiment;
