// Scaling out: two processes behind nginx. Each keeps its own messages, so a publish reaches only the
// waiters of the process it landed on; with Redis every process hears of every message.
import type { Experiment } from '../experiment.ts';
import type { RecordingSession } from '../session.ts';
import { runTool, startScaledOut } from '../stack.ts';
import { transcript } from '../transcript.ts';

async function phase(session: RecordingSession, folder: 'starter' | 'solution', withRedis: boolean): Promise<string> {
  const stack = await startScaledOut(folder, withRedis);
  await session.load(stack.ports, { target: 'nginx', mode: 'long', clients: 4, timeoutS: 3, publishEveryMs: 2000, durationMs: 3000 });
  const args = ['--waiters', '4', '--wait', '2'];
  const output = await runTool(stack, ['fanout.ts', ...args, '--port', String(stack.ports[8888]), '--cluster-port', String(stack.ports[8999])]);
  const [first, second] = stack.cluster.backends;
  const backends = { ...stack.ports, 9001: first, 9002: second };
  return transcript([{ command: `node fanout.ts ${args.join(' ')}${withRedis ? '    # with Redis' : ''}`, output }], backends, { [stack.dir]: '~/lab' });
}

export default {
  caption: 'Four long polls through nginx spread over two processes: without Redis (first half) a publish wakes only the waiters on the process it reached; with Redis (second half) it wakes them all.',
  async run(session) {
    return (await phase(session, 'starter', false)) + (await phase(session, 'solution', true));
  },
} satisfies Experiment;
