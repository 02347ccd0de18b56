// Blocking sleep: the starter's busy-wait holds the event loop, so every other request waits behind it
// (the lag probe spikes); the solution's setTimeout wait leaves the loop free.
import type { Experiment } from '../experiment.ts';
import type { RecordingSession } from '../session.ts';
import { runTool, startApp, type Workspace } from '../stack.ts';
import { transcript, type Shown } from '../transcript.ts';

async function phase(session: RecordingSession, app: Workspace): Promise<Shown> {
  const load = session.load(app.ports, { target: 'app', mode: 'long', clients: 3, timeoutS: 1, durationMs: 3200 });
  await Promise.all([load, session.probeLag(app.ports[8999]!, load)]);
  const output = await runTool(app, ['clients.ts', '--waiters', '2', '--timeout', '1', '--port', String(app.ports[8999])]);
  return { command: 'node clients.ts --waiters 2 --timeout 1', output };
}

export default {
  caption: 'Three clients each wait 1 s for news. With the blocking sleep (first half) they are answered one after another and the lag probe stalls for seconds; with setTimeout (second half) all wait together and the probe stays flat.',
  async run(session) {
    const blocking = await startApp('02-blocking-sleep', 'starter');
    const before = await phase(session, blocking);
    const fixed = await startApp('02-blocking-sleep', 'solution');
    const after = await phase(session, fixed);
    return transcript([before], blocking.ports, { [blocking.dir]: '~/lab' }) + transcript([after], fixed.ports, { [fixed.dir]: '~/lab' });
  },
} satisfies Experiment;
