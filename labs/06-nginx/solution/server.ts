// The comet feed of lab 5, now meant to run behind nginx. Besides the feed it has three routes for
// this lab's experiments: /whoami shows the request as it reached the app, /slow answers as late as
// asked, and /stream sends its answer in pieces, marked so that nginx passes each piece on at once.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

// Inside the lab the app listens on 8999; the checks and tests start it on a free port instead.
const PORT = Number(process.env.PORT ?? 8999);
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
/**
 * The longest a poll may wait, whatever it asks for: the app's timeout. Every proxy in front of the
 * app gives up on a silent request at some point; the app must answer first.
 */
const MAX_TIMEOUT_S = 3;
/** How late /slow may answer, and how many pieces /stream may send, so no request runs for ever. */
const MAX_SLOW_S = 30;
const MAX_STREAM_PIECES = 20;
/** The request headers a proxy sets for the app, which /whoami reports. */
const PROXY_HEADERS = ['host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto', 'x-scheme'];

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

function lastId(): number {
  return messages.length;
}

/** `since` from the query string: missing means 0; anything but a non-negative integer is undefined. */
function parseSince(raw: string | null): number | undefined {
  if (raw === null) return 0;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** Seconds such as 2 or 0.5: missing means `fallback`; anything else is undefined. */
function parseSeconds(raw: string | null, fallback: number): number | undefined {
  if (raw === null) return fallback;
  return /^\d{1,4}(\.\d{1,3})?$/.test(raw) ? Number(raw) : undefined;
}

/** `timeout` in seconds: missing means 0 (a short poll); anything but a number like 2 or 0.5 is undefined. */
function parseTimeout(raw: string | null): number | undefined {
  const seconds = parseSeconds(raw, 0);
  // The client chooses this number; the server decides how long it is willing to hold a request.
  return seconds === undefined ? undefined : Math.min(seconds, MAX_TIMEOUT_S);
}

function handlePoll(query: URLSearchParams, res: ServerResponse): void {
  const since = parseSince(query.get('since'));
  const timeoutS = parseTimeout(query.get('timeout'));
  if (since === undefined || since > lastId()) {
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
  // 'close' also follows every normal answer; settle() then finds the waiter gone and does nothing.
  res.on('close', () => settle(waiter));
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
  // Every waiter has seen everything up to this message, so they all get the same bytes.
  const answer = JSON.stringify({ cursor: message.id, messages: [message] });
  let woken = 0;
  // Deleting from a Set while iterating it is safe: the loop still visits every other entry once.
  for (const waiter of waiters) {
    if (!settle(waiter)) continue;
    waiter.res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    woken += 1;
  }
  sendJson(res, 200, { id: message.id, waiters: woken });
}

/**
 * Takes a waiter out of the set and stops its timer. Only the caller that gets true may answer it,
 * so a publish and a timeout can never both write to the same response.
 */
function settle(waiter: Waiter): boolean {
  if (!waiters.delete(waiter)) return false;
  clearTimeout(waiter.timer);
  return true;
}

/** 200 with the messages and the cursor to ask from next time, or 204 when there are none. */
function sendMessages(res: ServerResponse, list: Message[]): void {
  if (list.length === 0) res.writeHead(204).end();
  else sendJson(res, 200, { cursor: list[list.length - 1]!.id, messages: list });
}

/** The request as it reached the app: who connected, and the headers a proxy sets (null when missing). */
function handleWhoami(req: IncomingMessage, res: ServerResponse): void {
  const headers = Object.fromEntries(PROXY_HEADERS.map((name) => [name, req.headers[name] ?? null]));
  sendJson(res, 200, { peer: req.socket.remoteAddress ?? null, headers });
}

/** Answers 200 after `seconds`: a stand-in for an answer that comes late, to find where each hop gives up. */
function handleSlow(query: URLSearchParams, res: ServerResponse): void {
  const seconds = parseSeconds(query.get('seconds'), 1);
  if (seconds === undefined || seconds > MAX_SLOW_S) {
    sendJson(res, 400, { error: `seconds must be a number from 0 to ${MAX_SLOW_S}` });
    return;
  }
  const started = performance.now();
  const timer = setTimeout(() => sendJson(res, 200, { waited_ms: Math.round(performance.now() - started) }), seconds * 1000);
  res.on('close', () => clearTimeout(timer));
}

/** Sends `count` lines, one every `every` seconds, each as soon as it is written: a streaming answer. */
function handleStream(query: URLSearchParams, res: ServerResponse): void {
  const countRaw = query.get('count') ?? '5';
  const every = parseSeconds(query.get('every'), 1);
  const count = /^\d{1,2}$/.test(countRaw) ? Number(countRaw) : 0;
  if (count < 1 || count > MAX_STREAM_PIECES || every === undefined || every > MAX_SLOW_S) {
    sendJson(res, 400, { error: `count must be 1 to ${MAX_STREAM_PIECES} and every a number of seconds up to ${MAX_SLOW_S}` });
    return;
  }
  // nginx keeps a proxied answer in its buffer until the buffer is full or the answer ends; this
  // header tells it to pass each line on as it comes. Only this route streams, so only it says so.
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-accel-buffering': 'no' });
  const started = performance.now();
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    sent += 1;
    res.write(`line ${sent} of ${count}, sent at ${Math.round(performance.now() - started)} ms\n`);
    if (sent === count) res.end();
    else timer = setTimeout(send, every * 1000);
  };
  res.on('close', () => clearTimeout(timer));
  send();
}

/** What the app holds right now. Timers and heap show what waiters of departed clients cost. */
function stats() {
  return {
    waiters: waiters.size,
    last_id: lastId(),
    timers: process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length,
    heap_kb: Math.round(process.memoryUsage().heapUsed / 1024),
  };
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

/** A request that threw: show why in the app's output, and close its connection without an answer. */
function drop(res: ServerResponse, error: unknown): void {
  console.error(error);
  res.destroy();
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
  else if (route === 'POST /publish') handlePublish(req, res).catch((error: unknown) => drop(res, error));
  else if (route === 'GET /stats') sendJson(res, 200, stats());
  else if (route === 'GET /whoami') handleWhoami(req, res);
  else if (route === 'GET /slow') handleSlow(url.searchParams, res);
  else if (route === 'GET /stream') handleStream(url.searchParams, res);
  else sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
});

server.listen(PORT, HOST, () => {
  console.log(`feed listening on http://${HOST}:${PORT}`);
});
