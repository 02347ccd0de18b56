// One feed, three ways to follow it: long polling (GET /poll), Server-Sent Events (GET /events) and
// WebSocket (/ws). Every message is encoded once per transport and written to every follower.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptWebSocket, encodeFrame, Opcode, type WebSocket } from './websocket.ts';

// Inside the lab the app listens on 8999; the checks and tests start it on a free port instead.
const PORT = Number(process.env.PORT ?? 8999);
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
/** The longest a poll may wait: nginx's proxy_read_timeout must be longer than this. */
const MAX_TIMEOUT_S = 3;
/** How often an idle stream gets a few bytes, so no proxy in between takes it for dead. */
const HEARTBEAT_MS = 2000;
/** How long an EventSource waits before it reconnects after losing the stream. */
const RETRY_MS = 1000;

interface Message {
  id: number;
  data: unknown;
}

/** A poll that is waiting for news: who asked, since which id, and the timer that ends its wait. */
interface Waiter {
  since: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

// Ids are 1, 2, 3, ... so message n sits at index n - 1.
const messages: Message[] = [];
const waiters = new Set<Waiter>();
const eventStreams = new Set<ServerResponse>();
const sockets = new Set<WebSocket>();

function lastId(): number {
  return messages.length;
}

/** `since` from a query string or a header: missing means 0; anything but a non-negative integer is undefined. */
function parseSince(raw: string | null | undefined): number | undefined {
  if (raw === null || raw === undefined) return 0;
  return /^\d{1,15}$/.test(raw) && Number(raw) <= lastId() ? Number(raw) : undefined;
}

/** `timeout` in seconds: missing means 0 (a short poll); anything but a number like 2 or 0.5 is undefined. */
function parseTimeout(raw: string | null): number | undefined {
  if (raw === null) return 0;
  return /^\d{1,4}(\.\d{1,3})?$/.test(raw) ? Math.min(Number(raw), MAX_TIMEOUT_S) : undefined;
}

// The three encodings of a message. JSON never holds a raw newline, so one `data:` line is enough.
const pollAnswer = (list: Message[]) => JSON.stringify({ cursor: list[list.length - 1]!.id, messages: list });
const sseEvent = (message: Message) => `id: ${message.id}\ndata: ${JSON.stringify(message.data)}\n\n`;
const wsFrame = (message: Message) => encodeFrame(Opcode.text, Buffer.from(JSON.stringify(message)));

function handlePoll(query: URLSearchParams, res: ServerResponse): void {
  const since = parseSince(query.get('since'));
  const timeoutS = parseTimeout(query.get('timeout'));
  if (since === undefined) {
    sendJson(res, 400, { error: `since must be an integer from 0 to the last id, ${lastId()}` });
    return;
  }
  if (timeoutS === undefined) {
    sendJson(res, 400, { error: 'timeout must be a number of seconds, such as 2 or 0.5' });
    return;
  }
  const newer = messages.slice(since);
  if (newer.length > 0 || timeoutS === 0) {
    sendMessages(res, newer);
    return;
  }
  const waiter: Waiter = {
    since,
    res,
    timer: setTimeout(() => {
      if (settle(waiter)) res.writeHead(204).end();
    }, timeoutS * 1000),
  };
  waiters.add(waiter);
  res.on('close', () => settle(waiter));
}

/** GET /events: one response that never ends, an event per message, resuming after Last-Event-ID. */
function handleEvents(req: IncomingMessage, query: URLSearchParams, res: ServerResponse): void {
  // EventSource sends Last-Event-ID when it reconnects; ?since= serves the first connection and curl.
  const since = parseSince(req.headers['last-event-id'] as string | undefined ?? query.get('since'));
  if (since === undefined) {
    sendJson(res, 400, { error: `Last-Event-ID must be an integer from 0 to the last id, ${lastId()}` });
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    // nginx would otherwise collect the events in its buffer and pass them on only when it is full.
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${RETRY_MS}\n\n`);
  for (const message of messages.slice(since)) res.write(sseEvent(message));
  eventStreams.add(res);
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
  res.on('close', () => {
    clearInterval(heartbeat);
    eventStreams.delete(res);
  });
}

/** /ws: a WebSocket that gets every message as a text frame {"id":N,"data":...}, from ?since= on. */
function handleWebSocket(req: IncomingMessage, query: URLSearchParams, socket: Duplex, head: Buffer): void {
  const since = parseSince(query.get('since'));
  if (since === undefined) {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  const ws = acceptWebSocket(req, socket, head);
  if (ws === undefined) return;
  for (const message of messages.slice(since)) ws.sendFrame(wsFrame(message));
  sockets.add(ws);
  const heartbeat = setInterval(() => ws.ping(), HEARTBEAT_MS);
  ws.onClose(() => {
    clearInterval(heartbeat);
    sockets.delete(ws);
  });
}

async function handlePublish(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    sendJson(res, 413, { error: `the body is larger than ${MAX_BODY_BYTES} bytes` });
    return;
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    sendJson(res, 400, { error: 'the body must be JSON' });
    return;
  }
  const message: Message = { id: lastId() + 1, data };
  messages.push(message);
  const answer = pollAnswer([message]);
  let woken = 0;
  for (const waiter of waiters) {
    if (!settle(waiter)) continue;
    waiter.res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    woken += 1;
  }
  const event = sseEvent(message);
  for (const stream of eventStreams) stream.write(event);
  const frame = wsFrame(message);
  for (const ws of sockets) ws.sendFrame(frame);
  sendJson(res, 200, { id: message.id, waiters: woken, streams: eventStreams.size, sockets: sockets.size });
}

/** Takes a waiter out of the set and stops its timer; only the caller that gets true may answer it. */
function settle(waiter: Waiter): boolean {
  if (!waiters.delete(waiter)) return false;
  clearTimeout(waiter.timer);
  return true;
}

/** 200 with the messages and the cursor to ask from next time, or 204 when there are none. */
function sendMessages(res: ServerResponse, list: Message[]): void {
  if (list.length === 0) res.writeHead(204).end();
  else res.writeHead(200, { 'content-type': 'application/json' }).end(pollAnswer(list));
}

/** The request body as text, or undefined when it is too large to accept. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const url = URL.parse(req.url ?? '/', `http://${HOST}`);
  if (url === null) {
    sendJson(res, 400, { error: 'the request target is not a valid URL' });
    return;
  }
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /poll') handlePoll(url.searchParams, res);
  else if (route === 'GET /events') handleEvents(req, url.searchParams, res);
  else if (route === 'POST /publish') {
    handlePublish(req, res).catch((error: unknown) => {
      console.error(error);
      res.destroy();
    });
  } else if (route === 'GET /stats') {
    sendJson(res, 200, { waiters: waiters.size, last_id: lastId(), streams: eventStreams.size, sockets: sockets.size });
  } else if (route === 'GET /ws') sendJson(res, 426, { error: 'GET /ws is a WebSocket: send Upgrade: websocket' });
  else sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
});

server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
  const url = URL.parse(req.url ?? '/', `http://${HOST}`);
  if (url?.pathname === '/ws') handleWebSocket(req, url.searchParams, socket, head);
  else socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
});

server.listen(PORT, HOST, () => {
  console.log(`feed listening on http://${HOST}:${PORT}: /poll, /events and /ws`);
});
