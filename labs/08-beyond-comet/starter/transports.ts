// The experiment: follow the feed over long polling, Server-Sent Events and WebSocket at the same
// time, publish messages stamped with their send time, and compare the three: delivery delay, bytes
// received per message (headers, framing and heartbeats included) and requests made.
//   node transports.ts [--count 20] [--every 200] [--port 8999]    (--port 8888 goes through nginx)
import { Agent, request, type IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { SseParser } from './event-stream.ts';
import { acceptKey, FrameParser, Opcode } from './websocket.ts';

export interface Options {
  count: number;
  everyMs: number;
  port: number;
}

export interface Tally {
  name: string;
  delaysMs: number[];
  bytes: number;
  requests: number;
}

export const defaults: Options = { count: 20, everyMs: 200, port: 8999 };
const HOST = '127.0.0.1';
const SETTLE_MS = 3000;

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({ args: argv, options: { count: { type: 'string' }, every: { type: 'string' }, port: { type: 'string' } } });
  const number = (raw: string | undefined, fallback: number, name: string, max: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}, not ${raw}`);
    return value;
  };
  return { count: number(values.count, defaults.count, 'count', 1000), everyMs: number(values.every, defaults.everyMs, 'every', 60_000), port: number(values.port, defaults.port, 'port', 65535) };
}

/** Nearest-rank percentile; undefined for no values. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function formatTable(tallies: Tally[], count: number): string {
  const ms = (value: number | undefined) => (value === undefined ? 'n/a' : `${value} ms`);
  const rows = [['transport', 'delivered', 'delay p50', 'delay p99', 'bytes/message', 'requests']];
  for (const t of tallies) {
    const got = t.delaysMs.length;
    rows.push([t.name, `${got}/${count}`, ms(percentile(t.delaysMs, 50)), ms(percentile(t.delaysMs, 99)), got ? String(Math.round(t.bytes / got)) : 'n/a', String(t.requests)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function record(tally: Tally, data: unknown): void {
  const sentAt = (data as { sentAt?: unknown } | null)?.sentAt;
  if (typeof sentAt === 'number') tally.delaysMs.push(Date.now() - sentAt);
}

function get(port: number, path: string, agent?: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request({ host: HOST, port, path, agent }, resolve).on('error', reject).end());
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res.setEncoding('utf8')) text += chunk;
  return text;
}

/** Long polling with a cursor, one request after another on one kept-alive connection. */
function followPolls(options: Options, since: number, tally: Tally, stop: () => boolean): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  return (async () => {
    let cursor = since;
    while (!stop()) {
      tally.requests += 1;
      const res = await get(options.port, `/poll?since=${cursor}&timeout=2`, agent);
      sockets.add(res.socket as Socket);
      const body = await readAll(res);
      if (res.statusCode !== 200) continue;
      const answer = JSON.parse(body) as { cursor: number; messages: { data: unknown }[] };
      for (const message of answer.messages) record(tally, message.data);
      cursor = answer.cursor;
    }
    tally.bytes = [...sockets].reduce((sum, socket) => sum + socket.bytesRead, 0);
    agent.destroy();
  })();
}

/** One GET /events; resolves once the stream is open. */
async function followEvents(options: Options, since: number, tally: Tally): Promise<() => void> {
  tally.requests += 1;
  const res = await get(options.port, `/events?since=${since}`);
  if (!res.headers['content-type']?.startsWith('text/event-stream')) throw new Error(`GET /events answered ${res.statusCode} ${res.headers['content-type'] ?? ''}`);
  const parser = new SseParser();
  res.setEncoding('utf8').on('data', (text: string) => {
    for (const item of parser.push(text)) if (item.type === 'event' && item.event.data) record(tally, JSON.parse(item.event.data));
  });
  return () => {
    tally.bytes = res.socket.bytesRead;
    res.destroy();
  };
}

/** One WebSocket on /ws; resolves once the handshake is done. */
function followWebSocket(options: Options, since: number, tally: Tally): Promise<() => void> {
  tally.requests += 1;
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port: options.port });
    let head = Buffer.alloc(0);
    const parser = new FrameParser();
    const onFrames = (chunk: Buffer) => {
      for (const frame of parser.push(chunk)) if (frame.opcode === Opcode.text) record(tally, (JSON.parse(frame.payload.toString()) as { data: unknown }).data);
    };
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      const text = head.subarray(0, end).toString();
      if (!text.startsWith('HTTP/1.1 101') || !text.toLowerCase().includes(`sec-websocket-accept: ${acceptKey(key).toLowerCase()}`)) {
        socket.destroy();
        reject(new Error(`the WebSocket handshake on /ws failed: ${text.split('\r\n')[0]}`));
        return;
      }
      socket.off('data', onHead).on('data', onFrames);
      onFrames(head.subarray(end + 4));
      resolve(() => {
        tally.bytes = socket.bytesRead;
        socket.destroy();
      });
    };
    socket.on('data', onHead).on('error', reject);
    socket.write(`GET /ws?since=${since} HTTP/1.1\r\nHost: ${HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  });
}

function publish(options: Options, data: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    request({ host: HOST, port: options.port, method: 'POST', path: '/publish', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume().on('end', resolve);
    }).on('error', reject).end(JSON.stringify(data));
  });
}

async function main(options: Options): Promise<void> {
  const { last_id: since } = JSON.parse(await readAll(await get(options.port, '/stats'))) as { last_id: number };
  const tallies: Tally[] = ['long poll', 'sse', 'websocket'].map((name) => ({ name, delaysMs: [], bytes: 0, requests: 0 }));
  const [poll, sse, ws] = tallies as [Tally, Tally, Tally];
  let done = false;
  const polling = followPolls(options, since, poll, () => done || poll.delaysMs.length >= options.count);
  const closers: (() => void)[] = [];
  try {
    closers.push(await followEvents(options, since, sse), await followWebSocket(options, since, ws));
    for (let n = 1; n <= options.count; n += 1) {
      await publish(options, { n, sentAt: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, options.everyMs));
    }
    const deadline = Date.now() + SETTLE_MS;
    while (Date.now() < deadline && tallies.some((t) => t.delaysMs.length < options.count)) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    done = true;
    for (const close of closers) close();
    await polling;
  }
  console.log(formatTable(tallies, options.count));
}

if (import.meta.main) {
  try {
    const options = parseOptions(process.argv.slice(2));
    await main(options).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'ECONNREFUSED' ? `could not reach the app at http://${HOST}:${options.port}: is it running?` : error.message);
    });
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
