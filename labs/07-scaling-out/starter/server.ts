// Lab 5's comet feed, now one of several processes behind nginx. It keeps messages and waiters in
// its own memory, so it only knows what was published through itself. Your part: share the messages
// through Redis, so every process can answer every poll and wake its waiters on every publish.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

// cluster.ts starts one process per port in BACKEND_PORTS (9001 and 9002) and sets PORT for each.
const PORT = Number(process.env.PORT ?? 8999);
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
/** The longest a poll may wait: nginx's proxy_read_timeout must be longer than this. */
const MAX_TIMEOUT_S = 3;

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

// TODO 1: these messages live in this process only. A message published through the other process
//   never lands here, and both processes hand out id 1, 2, 3, ... on their own. Keep the messages in
//   a Redis list instead (redis.ts has a client: RedisClient.connect(), rpush, lrange, llen). RPUSH
//   answers the list's new length, counted by Redis for every process at once: use it as the id.
// Ids are 1, 2, 3, ... so message n sits at index n - 1.
const messages: Message[] = [];
// Waiters stay in the process that holds their connection: only it can answer them.
const waiters = new Set<Waiter>();

function lastId(): number {
  return messages.length;
}

/** `since` from the query string: missing means 0; anything but a non-negative integer is undefined. */
function parseSince(raw: string | null): number | undefined {
  if (raw === null) return 0;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** `timeout` in seconds: missing means 0 (a short poll); anything but a number like 2 or 0.5 is undefined. */
function parseTimeout(raw: string | null): number | undefined {
  if (raw === null) return 0;
  return /^\d{1,4}(\.\d{1,3})?$/.test(raw) ? Math.min(Number(raw), MAX_TIMEOUT_S) : undefined;
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
  // TODO 2: read the newer messages from Redis (LRANGE from index since to -1). Reading takes a round
  //   trip, and a publish can land in the meantime: register the waiter first, then read, so that the
  //   publish's notification finds it.
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
  // TODO 3: store the message in Redis, then PUBLISH a notification on a channel that every process
  //   SUBSCRIBEs to at start (RedisSubscriber in redis.ts; it needs a connection of its own). On a
  //   notification, each process reads what is new from the list and answers its own waiters.
  const message: Message = { id: lastId() + 1, data };
  messages.push(message);
  // Every waiter has seen everything up to this message, so they all get the same bytes.
  const answer = JSON.stringify({ cursor: message.id, messages: [message] });
  let woken = 0;
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
  // Which process answered: curl -i shows it, and so do the lab's checks and fanout.ts.
  res.setHeader('x-backend', String(PORT));
  const url = URL.parse(req.url ?? '/', `http://${HOST}`);
  if (url === null) {
    sendJson(res, 400, { error: 'the request target is not a valid URL' });
    return;
  }
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /poll') handlePoll(url.searchParams, res);
  else if (route === 'POST /publish') handlePublish(req, res).catch((error: unknown) => drop(res, error));
  else if (route === 'GET /stats') sendJson(res, 200, { waiters: waiters.size, last_id: lastId(), backend: PORT });
  else sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
});

server.listen(PORT, HOST, () => {
  console.log(`feed listening on http://${HOST}:${PORT}`);
});
