// The `lab` program the learner runs in their terminal (bin/lab starts it). It parses the command line,
// sends one request over the supervisor's socket, prints the host's answer and exits 0 (ok), 1 (not ok
// or no answer) or 2 (usage). It decides nothing itself: faking its output changes nothing the host records.
import { parseLabArgs } from './args.ts';
import { ask } from './ask.ts';
import { loadCommand } from './load-command.ts';

/** LAB_SOCKET_ENV of ../lab-socket.ts, repeated so this short-lived program loads nothing of the supervisor. */
const SOCKET_ENV = 'COMETLAB_LAB_SOCKET';

function currentDir(): string | null {
  try {
    return process.cwd();
  } catch {
    return null; // the folder was deleted under the shell
  }
}

async function main(): Promise<number> {
  const parsed = parseLabArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  if (parsed.kind === 'usage') {
    process.stderr.write(`${parsed.text}\n`);
    return 2;
  }
  const socketPath = process.env[SOCKET_ENV];
  if (!socketPath) {
    process.stderr.write(`lab: ${SOCKET_ENV} is not set: run lab in a terminal of the playground.\n`);
    return 1;
  }
  if (parsed.request.command === 'check') process.stderr.write('Running the checks...\n');
  try {
    if (parsed.request.command === 'load') return await loadCommand(socketPath, { ...parsed.request, cwd: currentDir() });
    const answer = await ask(socketPath, { ...parsed.request, cwd: currentDir() });
    process.stdout.write(answer.text.endsWith('\n') ? answer.text : `${answer.text}\n`);
    return answer.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`lab: could not reach the playground: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();
