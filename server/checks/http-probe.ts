// An HTTP/1.1 client for checks, over whatever stream reaches the learner's port (the sandbox relay,
// or plain TCP in tests). One connection per request, no pooling: a check must never be answered
// from a connection another check left behind. Every answer is untrusted input: capped, timed, and parse
// errors become ProbeErrors instead of crashes.
import { request as httpRequest } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import type { Probe, ProbeRequest, ProbeResponse } from '../contracts/check.ts';
import { ProbeError } from './probe-error.ts';

export type LabPort = 8999 | 8888;
export type Connect = (port: LabPort) => Promise<Socket>;

export interface HttpProbeOptions {
  /** Used when a request names no timeout. */
  defaultTimeoutMs?: number;
  /** Bodies larger than this are not read to the end. */
  maxBodyBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 2_000;
export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_REQUEST_BODY_BYTES = 64 * 1024;
const SAFE_PATH = /^\/[\x21-\x7e]*$/;

export function createHttpProbe(connect: Connect, options: HttpProbeOptions = {}): Probe {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  return {
    request: (req) => send(connect, validate(req), req.timeoutMs ?? defaultTimeoutMs, maxBodyBytes),
    open: (port) => connect(port),
  };
}

/** A probe that reaches the app over loopback TCP: `port` stands for 8999, `nginxPort` for 8888. */
export function createTcpProbe(host: string, port: number, nginxPort?: number, options?: HttpProbeOptions): Probe {
  return createHttpProbe(connectTcp(host, port, nginxPort), options);
}

export function connectTcp(host: string, port: number, nginxPort?: number): Connect {
  return (labPort) => new Promise((resolve, reject) => {
    const target = labPort === 8999 ? port : nginxPort;
    if (target === undefined) {
      reject(new Error(`no TCP port is mapped for ${labPort}`));
      return;
    }
    const socket = netConnect({ host, port: target });
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function validate(req: ProbeRequest): ProbeRequest {
  if (!SAFE_PATH.test(req.path)) throw new TypeError(`probe path must start with / and hold no spaces or control characters: ${JSON.stringify(req.path)}`);
  if (req.body !== undefined && Buffer.byteLength(req.body) > MAX_REQUEST_BODY_BYTES) throw new TypeError('probe request body is too large');
  return req;
}

function send(connect: Connect, req: ProbeRequest, timeoutMs: number, maxBodyBytes: number): Promise<ProbeResponse> {
  const port = req.port ?? 8999;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  return new Promise<ProbeResponse>((resolve, reject) => {
    let socket: Socket | undefined;
    let settled = false;
    const finish = (outcome: { response: ProbeResponse } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      if ('response' in outcome) resolve(outcome.response);
      else reject(outcome.error);
    };
    const timer = setTimeout(() => {
      finish({ response: { status: 0, headers: {}, body: '', ms: elapsed(), timedOut: true } });
    }, timeoutMs);

    // Through a resolved promise, so a factory that throws outright counts as a failed connection too.
    Promise.resolve().then(() => connect(port)).then((connected) => {
      socket = connected;
      if (settled) {
        connected.destroy();
        return;
      }
      const headers: Record<string, string> = { ...req.headers, connection: 'close' };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      const outgoing = httpRequest({
        method: req.method ?? 'GET',
        host: '127.0.0.1',
        port,
        path: req.path,
        headers,
        maxHeaderSize: MAX_HEADER_BYTES,
        // No agent at all: with `agent: false` node:http makes a fresh Agent that ignores createConnection.
        createConnection: () => connected,
      });
      outgoing.on('error', (error) => finish({ error: classify(error, port) }));
      outgoing.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBodyBytes) {
            finish({ error: new ProbeError('too-large', `the answer's body was larger than ${formatBytes(maxBodyBytes)}; stopped reading it`) });
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => finish({ error: classify(error, port) }));
        res.on('close', () => {
          if (!res.complete) finish({ error: new ProbeError('closed', `the connection to port ${port} closed in the middle of the answer`) });
        });
        res.on('end', () => finish({
          response: {
            status: res.statusCode ?? 0,
            headers: flattenHeaders(res.headers),
            body: Buffer.concat(chunks).toString('utf8'),
            ms: elapsed(),
            timedOut: false,
          },
        }));
      });
      outgoing.end(req.body);
    }, (error: Error) => finish({ error: new ProbeError('unreachable', describeUnreachable(error, port)) }));
  });
}

function classify(error: NodeJS.ErrnoException, port: LabPort): ProbeError {
  if (error instanceof ProbeError) return error;
  const code = error.code ?? '';
  if (code.startsWith('HPE_')) return new ProbeError('bad-response', `port ${port} answered with something that is not valid HTTP (${error.message})`);
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new ProbeError('closed', `the connection to port ${port} closed before a complete answer`);
  }
  if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EAGAIN') return new ProbeError('unreachable', describeUnreachable(error, port));
  return new ProbeError('closed', `the request to port ${port} failed: ${error.message}`);
}

function describeUnreachable(error: NodeJS.ErrnoException, port: LabPort): string {
  const what = port === 8999 ? 'the app' : 'nginx';
  const why = error.code === 'ECONNREFUSED' ? 'connection refused' : error.message;
  return `nothing answered on port ${port}, so ${what} is not running (${why})`;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
