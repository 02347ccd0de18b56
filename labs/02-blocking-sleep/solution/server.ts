// A message feed whose polls can wait. GET /poll?since=N&timeout=S answers at once when there is news;
// when there is none it waits S seconds, looks once more, and answers what it finds then.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

// Inside the lab the app listens on 8999; the checks and tests start it on a free port instead.
const PORT = Number(process.env.PORT ?? 8999);
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
const MAX_TIMEOUT_S = 60;

interface Message {
  id: number;
  data: unknown;
}

// Ids are 1, 2, 3, ... so message n sits at index n - 1.
const messages: Message[] = [];

function lastId(): number {
  return messages.length;
}

/** `since` from the query string: missing means 0; anything but a non-negative integer is undefined. */
function parseSince(raw: string | null): number | undefined {
  if (raw === null) return 0;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** `timeout` in seconds: missing means 0 (answer at once); decimals are fine; undefined when invalid. */
function parseTimeout(raw: string | null): number | undefined {
  if (raw === null) return 0;
  if (!/^\d{1,3}(\.\d{1,3})?$/.test(raw)) return undefined;
  const seconds = Number(raw);
  return seconds <= MAX_TIMEOUT_S ? seconds : undefined;
}

// Waits without blocking: setTimeout only books a wake-up, so the thread goes back to the event loop
// and serves every other request while this one waits.
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function handlePoll(query: URLSearchParams, res: ServerResponse): Promise<void> {
  const since = parseSince(query.get('since'));
  if (since === undefined) {
    sendJson(res, 400, { error: 'since must be a non-negative integer' });
    return;
  }
  const timeout = parseTimeout(query.get('timeout'));
  if (timeout === undefined) {
    sendJson(res, 400, { error: `timeout must be a number of seconds from 0 to ${MAX_TIMEOUT_S}` });
    return;
  }
  if (lastId() <= since && timeout > 0) {
    await sleep(timeout * 1000);
  }
  answerNews(res, since);
}

/** 200 with every message newer than `since`, or 204 when there is none. */
function answerNews(res: ServerResponse, since: number): void {
  const newer = messages.slice(since);
  if (newer.length === 0) {
    res.writeHead(204).end();
    return;
  }
  sendJson(res, 200, { cursor: lastId(), messages: newer });
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
  sendJson(res, 200, { id: message.id, waiters: 0 });
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
  if (route === 'GET /poll') handlePoll(url.searchParams, res).catch(() => res.destroy());
  else if (route === 'POST /publish') handlePublish(req, res).catch(() => res.destroy());
  else if (route === 'GET /stats') sendJson(res, 200, { waiters: 0, last_id: lastId() });
  else sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
});

server.listen(PORT, HOST, () => {
  console.log(`feed listening on http://${HOST}:${PORT}`);
});
