// One `lab` request over the supervisor's socket: a JSON line out, the host's answer back.
import net from 'node:net';
import type { LabAnswer } from '../../contracts/lab-command.ts';

/** Longer than the supervisor's own deadline: its message is the better one. */
const ANSWER_TIMEOUT_MS = 210_000;
const MAX_ANSWER_BYTES = 1024 * 1024;

export function ask(socketPath: string, request: object): Promise<LabAnswer> {
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
