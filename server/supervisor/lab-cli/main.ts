// The `lab` program the learner runs in their terminal (bin/lab starts it). It parses the command line,
// sends one request over the supervisor's socket, prints the host's answer and exits 0 (ok), 1 (not ok
// or no answer) or 2 (usage). It decides nothing itself: faking its output changes nothing the host records.
import net from 'node:net';
import { parseLabArgs } from './args.ts';
import type { LabAnswer } from '../../contracts/lab-command.ts';

/** LAB_SOCKET_ENV of ../lab-socket.ts, repeated so this short-lived program loads nothing of the supervisor. */
const SOCKET_ENV = 'COMETLAB_LAB_SOCKET';
/** Longer than the supervisor's own deadline: its message is the better one. */
const ANSWER_TIMEOUT_MS = 210_000;
const MAX_ANSWER_BYTES = 1024 * 1024;

function ask(socketPath: string, request: object): Promise<LabAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const chunks: Buffer[] = [];
    let bytes = 0;
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => socket.destroy(new Error('the playground did not answer in time')));
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_ANSWER_BYTES) socket.destroy(new Error('the answer is too large'));
      else chunks.push(chunk);
    });
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<LabAnswer>;
        if (typeof answer.ok !== 'boolean' || typeof answer.text !== 'string') throw new Error('bad shape');
        resolve(answer as LabAnswer);
      } catch {
        reject(new Error('the answer was not understood'));
      }
    });
  });
}

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
    const answer = await ask(socketPath, { ...parsed.request, cwd: currentDir() });
    process.stdout.write(answer.text.endsWith('\n') ? answer.text : `${answer.text}\n`);
    return answer.ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(`lab: could not reach the playground: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();
