// The `lab` command's way to the host: a unix socket in a folder only this sandbox's uid can enter.
// Each connection carries one JSON request line; the supervisor passes it on over the channel, one at a
// time, and writes the host's answer back. The learner can talk to this socket directly and send
// anything: the host validates every request and acts only for this learner. Bounds here keep a
// misbehaving client from piling work up: request size, a short queue, read and answer deadlines.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { LabAnswer } from '../contracts/lab-command.ts';

/** The variable that tells `lab` where the socket is; every shell and the app inherit it. */
export const LAB_SOCKET_ENV = 'COMETLAB_LAB_SOCKET';
/** LAB_REQUEST_MAX_BYTES of server/contracts/lab-command.ts (a value import would load zod here). */
const MAX_REQUEST_BYTES = 4096;
const MAX_WAITING = 4;
const READ_TIMEOUT_MS = 5_000;
/** Longer than the host's own deadline, so the host's timeout message is the one the learner reads. */
const ANSWER_TIMEOUT_MS = 200_000;

/**
 * The request as the host gets it: a JSON object whose cwd (the CLI's absolute working directory) is
 * made relative to the home folder, or null when it lies outside. A string says why the line is refused.
 */
export function prepareRequest(line: string, home: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'the request is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the request is not a JSON object';
  const request = value as Record<string, unknown>;
  const cwd = typeof request.cwd === 'string' ? path.relative(home, path.resolve(home, request.cwd)) : null;
  const inside = cwd !== null && cwd !== '..' && !cwd.startsWith(`..${path.sep}`) && !path.isAbsolute(cwd);
  return { ...request, cwd: inside ? cwd : null };
}

type Forward = (req: number, request: Record<string, unknown>) => void;

export class LabSocket {
  readonly path: string;
  readonly #dir: string;
  readonly #home: string;
  readonly #forward: Forward;
  readonly #server: net.Server;
  readonly #waiting: Array<() => void> = [];
  readonly #answers = new Map<number, (answer: LabAnswer) => void>();
  #busy = false;
  #nextReq = 1;

  /** parent: where to make the socket's private folder. */
  constructor(home: string, parent: string, forward: Forward) {
    this.#home = home;
    this.#forward = forward;
    this.#dir = fs.mkdtempSync(path.join(parent, 'cometlab-lab-'));
    this.path = path.join(this.#dir, 'lab.sock');
    this.#server = net.createServer({ allowHalfOpen: true }, (socket) => this.#serve(socket));
    this.#server.on('error', (error) => process.stderr.write(`supervisor: lab socket failed: ${error.message}\n`));
    this.#server.listen(this.path);
  }

  /** The host's answer to request `req`; an answer nobody waits for any more is dropped. */
  answer(req: number, answer: LabAnswer): void {
    this.#answers.get(req)?.(answer);
  }

  close(): void {
    this.#server.close();
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }

  #serve(socket: net.Socket): void {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let received = false;
    // With half-open sockets allowed, a client that never closes its side would keep this one forever.
    const reply = (answer: LabAnswer) => {
      socket.end(`${JSON.stringify(answer)}\n`);
      setTimeout(() => socket.destroy(), READ_TIMEOUT_MS).unref();
    };
    /** Stops reading: what came is the request (or all of it there will be). */
    const stopReading = () => {
      received = true;
      socket.off('data', onData);
      socket.setTimeout(0);
    };
    // The request is one line; a client that ends its side first (echo ... | nc -U) has sent it whole.
    const take = () => {
      stopReading();
      const request = prepareRequest(Buffer.concat(chunks).toString('utf8'), this.#home);
      if (typeof request === 'string') return reply({ ok: false, text: `lab: ${request}` });
      this.#enqueue(request, reply, socket);
    };
    const onData = (chunk: Buffer) => {
      const end = chunk.indexOf(0x0a);
      chunks.push(end === -1 ? chunk : chunk.subarray(0, end));
      bytes += end === -1 ? chunk.length : end;
      if (bytes > MAX_REQUEST_BYTES) {
        stopReading();
        return reply({ ok: false, text: `lab: the request is larger than ${MAX_REQUEST_BYTES} bytes` });
      }
      if (end !== -1) take();
    };
    socket.on('error', () => socket.destroy());
    socket.setTimeout(READ_TIMEOUT_MS, () => {
      stopReading();
      reply({ ok: false, text: 'lab: the request did not arrive in time' });
    });
    socket.on('data', onData);
    socket.on('end', () => {
      if (!received) take();
    });
  }

  #enqueue(request: Record<string, unknown>, reply: (answer: LabAnswer) => void, socket: net.Socket): void {
    if (this.#busy && this.#waiting.length >= MAX_WAITING) {
      return reply({ ok: false, text: 'lab: too many lab commands are waiting; try again when one has finished' });
    }
    const run = () => {
      this.#busy = true;
      const req = this.#nextReq++;
      const finish = (answer: LabAnswer) => {
        clearTimeout(timer);
        this.#answers.delete(req);
        if (!socket.destroyed) reply(answer);
        this.#busy = false;
        this.#waiting.shift()?.();
      };
      const timer = setTimeout(() => finish({ ok: false, text: 'lab: the playground did not answer in time' }), ANSWER_TIMEOUT_MS);
      this.#answers.set(req, finish);
      this.#forward(req, request);
    };
    if (this.#busy) this.#waiting.push(run);
    else run();
  }
}
