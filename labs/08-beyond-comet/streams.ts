// The checks' side of the two streaming transports: an SSE reader and a WebSocket client, over a raw
// connection from the probe (the sandbox relay, or TCP in tests). Each records when every item
// arrived, so a check can tell "as it happened" from "all at the end".
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Probe } from '../../server/contracts/check.ts';
import { ProbeError } from '../../server/checks/probe-error.ts';
import { SseParser, type SseItem } from './starter/event-stream.ts';
import { acceptKey, FrameParser, Opcode } from './starter/websocket.ts';

export type LabPort = 8999 | 8888;

/** How long to wait for the head of an answer; a proxy that buffers may send nothing at all. */
export const HEAD_WITHIN_MS = 1000;

export interface Arrived<T> {
  value: T;
  /** ms since the request was sent */
  at: number;
}

/** What a stream has brought so far; `until` waits for more. */
export class Session<T> {
  readonly items: Arrived<T>[] = [];
  status = 0;
  headers: Record<string, string> = {};
  /** The body, for an answer that is not the stream asked for. */
  body = '';
  ended = false;
  readonly #started = performance.now();
  readonly #watchers = new Set<() => void>();
  #close: () => void = () => undefined;

  elapsed(): number {
    return Math.round(performance.now() - this.#started);
  }

  add(value: T): void {
    this.items.push({ value, at: this.elapsed() });
    this.#changed();
  }

  end(): void {
    this.ended = true;
    this.#changed();
  }

  onClose(close: () => void): void {
    this.#close = close;
  }

  close(): void {
    this.#close();
  }

  /** Resolves true once `done()` holds, false if the stream ends or `timeoutMs` passes first. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (!done() && !this.ended) return;
        finish(done());
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.#watchers.delete(check);
        resolve(result);
      };
      const timer = setTimeout(() => finish(done()), timeoutMs);
      this.#watchers.add(check);
      check();
    });
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }
}

async function connection(probe: Probe, port: LabPort): Promise<Duplex> {
  if (!probe.open) throw new Error('this check needs a probe that can hold a connection open');
  try {
    return await probe.open(port);
  } catch (error) {
    throw new ProbeError('unreachable', `nothing answered on port ${port} (${(error as Error).message})`);
  }
}

function flatten(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value ?? '']));
}

/** GET `path` and read it as Server-Sent Events; resolves once the answer's head has arrived. */
export async function openEventStream(probe: Probe, port: LabPort, path: string, headers: Record<string, string> = {}): Promise<Session<SseItem>> {
  const socket = await connection(probe, port);
  const session = new Session<SseItem>();
  session.onClose(() => socket.destroy());
  return new Promise((resolve, reject) => {
    // No head in time: resolve with status 0, which the check reports as silence.
    const silent = setTimeout(() => resolve(session), HEAD_WITHIN_MS);
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { ...headers, accept: 'text/event-stream' }, createConnection: () => socket });
    req.on('error', (error) => {
      clearTimeout(silent);
      session.end();
      reject(new ProbeError('closed', `GET ${path} on port ${port} failed: ${error.message}`));
    });
    req.on('response', (res) => {
      clearTimeout(silent);
      session.status = res.statusCode ?? 0;
      session.headers = flatten(res.headers);
      const isStream = session.headers['content-type']?.startsWith('text/event-stream') ?? false;
      const parser = new SseParser();
      res.setEncoding('utf8');
      res.on('data', (text: string) => {
        if (!isStream) session.body += text;
        else for (const item of parser.push(text)) session.add(item);
      });
      res.on('end', () => session.end());
      res.on('close', () => session.end());
      resolve(session);
    });
    req.end();
  });
}

export interface Handshake {
  /** Whether Sec-WebSocket-Accept was right for the key sent. */
  acceptOk: boolean;
}

/** Opens a WebSocket on `path`; resolves once the server answered the handshake, whatever it said. */
export async function openWebSocket(probe: Probe, port: LabPort, path: string): Promise<Session<string> & Handshake> {
  const socket = await connection(probe, port);
  const session = Object.assign(new Session<string>(), { acceptOk: false });
  session.onClose(() => socket.destroy());
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const silent = setTimeout(() => resolve(session), HEAD_WITHIN_MS);
    const req = httpRequest({
      host: '127.0.0.1', port, path, createConnection: () => socket,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': key, 'sec-websocket-version': '13' },
    });
    req.on('error', (error) => {
      clearTimeout(silent);
      session.end();
      reject(new ProbeError('closed', `the WebSocket handshake on port ${port} failed: ${error.message}`));
    });
    req.on('response', (res) => {
      clearTimeout(silent);
      session.status = res.statusCode ?? 0;
      session.headers = flatten(res.headers);
      res.setEncoding('utf8').on('data', (text: string) => { session.body += text; });
      res.on('end', () => session.end());
      resolve(session);
    });
    req.on('upgrade', (res, upgraded, head) => {
      clearTimeout(silent);
      session.status = res.statusCode ?? 0;
      session.headers = flatten(res.headers);
      session.acceptOk = session.headers['sec-websocket-accept'] === acceptKey(key);
      session.onClose(() => upgraded.destroy());
      const parser = new FrameParser();
      const receive = (chunk: Buffer) => {
        try {
          for (const frame of parser.push(chunk)) if (frame.opcode === Opcode.text) session.add(frame.payload.toString('utf8'));
        } catch {
          upgraded.destroy();
        }
      };
      upgraded.on('data', receive);
      upgraded.on('close', () => session.end());
      upgraded.on('error', () => session.end());
      if (head.length > 0) receive(head);
      resolve(session);
    });
    req.end();
  });
}
