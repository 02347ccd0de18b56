// One request of the load engine: sent through a kept-alive agent (over TCP, or a connect function such
// as the sandbox relay), its answer read within a size cap, its bytes on the wire counted, and each step
// reported to the traffic tap so the timeline draws it.
import { Agent, request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ExchangeFailure } from './exchange-outcome.ts';
import type { ExchangeHandle, TrafficTap } from './traffic-recorder.ts';

export type Connect = (port: number) => Promise<Socket>;

export interface Answer {
  status: number;
  text: string;
  bytesIn: number;
  bytesOut: number;
  /** The tap's record, for the caller to end once it has read the answer (it knows the message count). */
  exchange: ExchangeHandle | undefined;
}

export interface Sender {
  send(agent: Agent, method: string, path: string, timeoutMs: number, lane: string, body?: string): Promise<Answer>;
  /** Cuts every request in flight (the run is over). */
  abortAll(): void;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

export class LoadError extends Error {
  kind: string;
  constructor(kind: string) {
    super(kind);
    this.kind = kind;
  }
}

export function errorKind(error: unknown): string {
  if (error instanceof LoadError) return error.kind;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET') return 'reset';
  return code ?? 'other';
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

/** Node's agent lets createConnection hand the socket over later, through its callback. */
export function makeAgent(sockets: number, port: number, connect: Connect | undefined): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  if (connect) {
    agent.createConnection = (_options, callback) => {
      connect(port).then((socket) => callback?.(null, socket), (error: Error) => callback?.(error, undefined as unknown as Duplex));
      return undefined;
    };
  }
  return agent;
}

/** base: where the requests go (`http://127.0.0.1:PORT/prefix`); stopped: whether a cut means the run ended. */
export function createSender(base: URL, tap: TrafficTap | undefined, stopped: () => boolean): Sender {
  const port = Number(base.port);
  const prefix = base.pathname.replace(/\/$/, '');
  const inflight = new Set<ClientRequest>();

  function send(agent: Agent, method: string, path: string, timeoutMs: number, lane: string, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { host: base.host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const exchange = tap?.begin({ source: 'load', lane, port: port as 8999 | 8888, method, path, requestHeaders: headers, requestBody: body ?? null });
      let socket: Socket | undefined;
      let readBefore = 0;
      let writtenBefore = 0;
      const bytes = () => (socket ? { bytesIn: socket.bytesRead - readBefore, bytesOut: socket.bytesWritten - writtenBefore } : { bytesIn: 0, bytesOut: 0 });
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        inflight.delete(req);
        const kind = errorKind(error);
        const failure: ExchangeFailure = stopped() || kind === 'timeout'
          ? { kind: 'aborted', reason: stopped() ? 'the run stopped' : 'the client gave up (its timeout)' }
          : { kind: 'error', reason: `${kind}: ${error.message}` };
        exchange?.end({ status: null, messages: null, failure, responseBody: null, ...bytes() });
        reject(error);
      };
      const req = request({ host: base.hostname, port, method, path: `${prefix}${path}`, agent, headers, timeout: timeoutMs }, (res) => {
        exchange?.head(res.statusCode ?? 0, flatHeaders(res.headers));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new LoadError('too-large'));
          else chunks.push(chunk);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (settled) return;
          settled = true;
          inflight.delete(req);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ...bytes(), exchange });
        });
      });
      inflight.add(req);
      // A kept-alive socket has read all of its earlier answers, so what it reads from here on is this one's.
      req.on('socket', (assigned: Socket) => {
        socket = assigned;
        readBefore = assigned.bytesRead;
        writtenBefore = assigned.bytesWritten;
      });
      req.on('timeout', () => req.destroy(new LoadError('timeout')));
      req.on('error', fail);
      req.end(body);
    });
  }

  return {
    send,
    abortAll() {
      for (const req of inflight) req.destroy();
    },
  };
}
