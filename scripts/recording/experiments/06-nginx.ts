// Behind nginx: with the starter's proxy_read_timeout shorter than the app's wait, nginx gives up first
// and answers 504; with the solution's longer one the app's own 204 comes through. Every duration is
// the lab's own (lab.ts), as the lesson quotes them.
import lab from '../../../labs/06-nginx/lab.ts';
import type { Experiment } from '../experiment.ts';
import type { RecordingSession } from '../session.ts';
import { runTool, startApp, startNginxFor, type Workspace } from '../stack.ts';
import { transcript } from '../transcript.ts';

const { appTimeout, starterReadTimeout, fixedReadTimeout } = lab.timing;
const seconds = (ms: number) => `${ms / 1000}s`;

/** Long polls through nginx for `durationMs`, then chain.ts's look at every hop; returns its output. */
async function phase(session: RecordingSession, stack: Workspace, durationMs: number): Promise<string> {
  await session.load(stack.ports, { target: 'nginx', mode: 'long', clients: 3, timeoutS: appTimeout / 1000, durationMs });
  return runTool(stack, ['chain.ts', '--port', String(stack.ports[8999]), '--nginx-port', String(stack.ports[8888]), '--logs', `${stack.nginxDir}/logs`]);
}

export default {
  caption: `Long polls through nginx: with proxy_read_timeout ${seconds(starterReadTimeout)} (first half) nginx cuts each ${appTimeout / 1000} s poll with a 504; with ${seconds(fixedReadTimeout)} (second half) the app's own 204 comes through.`,
  async run(session) {
    const app = await startApp('06-nginx', 'solution');
    const shortTimeout = (config: string) => config.replace(/proxy_read_timeout\s+\w+;/, `proxy_read_timeout ${seconds(starterReadTimeout)};`);
    const before = await startNginxFor(app, shortTimeout);
    // Two 504s per client, then one 204 per client, with time for the clients to connect.
    const shownBefore = await phase(session, before, 2 * starterReadTimeout + 600);
    const after = await startNginxFor(app);
    const shownAfter = await phase(session, after, appTimeout + 600);
    const folders = (stack: Workspace) => ({ [app.dir]: '~/lab', [stack.nginxDir!]: '~/nginx' });
    return transcript([{ command: `node chain.ts    # proxy_read_timeout ${seconds(starterReadTimeout)}`, output: shownBefore }], before.ports, folders(before))
      + transcript([{ command: `node chain.ts    # proxy_read_timeout ${seconds(fixedReadTimeout)}`, output: shownAfter }], after.ports, folders(after));
  },
} satisfies Experiment;
