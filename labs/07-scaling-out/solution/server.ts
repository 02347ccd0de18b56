// A comet feed that runs as several processes behind nginx. The messages live in Redis, numbered by
// Redis, so every process answers every poll the same way; a Redis PUBLISH tells every process that
// something is new, and each one wakes the waiters it holds.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { RedisClient, RedisSubscriber } from './redis.ts';

// cluster.ts starts one process per port in BACKEND_PORTS (9001 and 9002) and sets PORT for each.
const PORT = Number(process.env.PORT ?? 8999);
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
/** The longest a poll may wait: nginx's proxy_read_timeout must be longer than this. */
const MAX_TIMEOUT_S = 3;
/** The list of messages: item n - 1 holds the data of message n. */
const MESSAGES_KEY = 'feed:messages';
/** Where a publish says "message N exists"; the message itself is read from the list. */
const NEWS_CHANNEL = 'feed:news';

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

// Waiters stay in the process that holds their connection: only it can answer them.
const waiters = new Set<Waiter>();

// One connection for commands, one that only listens: a subscribed connection can do nothing else.
const [redis, news] = await Promise.all([RedisClient.connect(), RedisSubscriber.connect()]).catch((error: Error) => {
  console.error(error.message);
  return process.exit(1);
});
for (const connection of [redis, news]) {
  // Pub/sub delivers at most once: a process that lost its subscription would wait for news that
  // never comes. Stop, so the failure is seen, rather than limp on.
  connection.onClose((why: Error) => {
    console.error(`lost Redis: ${why.message}`);
    process.exit(1);
  });
}
await news.subscribe(NEWS_CHANNEL, () => {
  wakeWaiters().catch((error: unknown) => console.error(error));
});

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

/** Every message newer than `since`, from Redis; undefined when `since` is beyond the last id. */
async function readSince(since: number): Promise<Message[] | undefined> {
  const items = await redis.lrange(MESSAGES_KEY, since, -1);
  if (items.length === 0 && since > (await redis.llen(MESSAGES_KEY))) return undefined;
  return items.map((item: string, index: number) => ({ id: since + index + 1, data: JSON.parse(item) as unknown }));
}

async function handlePoll(query: URLSearchParams, res: ServerResponse): Promise<void> {
  const since = parseSince(query.get('since'));
  const timeoutS = parseTimeout(query.get('timeout'));
  if (since === undefined) {
    sendJson(res, 400, { error: 'since must be an integer of 0 or more' });
    return;
  }
  if (timeoutS === undefined) {
    sendJson(res, 400, { error: 'timeout must be a number of seconds, such as 2 or 0.5' });
    return;
  }
  // Registered before reading: a publish that lands while Redis answers the read still finds it.
  const waiter = timeoutS > 0 ? wait(since, res, timeoutS) : undefined;
  const newer = await readSince(since);
  if (waiter !== undefined) {
    // A notification, the timer or the client's leaving may have settled it while we read.
    if (!waiters.has(waiter)) return;
    // Nothing new yet: it stays, and a notification will answer it.
    if (newer !== undefined && newer.length === 0) return;
    settle(waiter);
  }
  if (newer === undefined) sendJson(res, 400, { error: 'since is beyond the last id' });
  else sendMessages(res, newer);
}

/** A waiter that answers 204 when its time is up, and leaves when its client does. */
function wait(since: number, res: ServerResponse, timeoutS: number): Waiter {
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
  return waiter;
}

/** Answers each waiter of this process that has something new; returns how many were answered. */
async function wakeWaiters(): Promise<number> {
  // Only the waiters there now: one that comes later reads for itself after registering.
  const current = [...waiters];
  if (current.length === 0) return 0;
  const newer = (await readSince(Math.min(...current.map((waiter) => waiter.since)))) ?? [];
  let woken = 0;
  for (const waiter of current) {
    const theirs = newer.filter((message) => message.id > waiter.since);
    if (theirs.length === 0 || !settle(waiter)) continue;
    sendMessages(waiter.res, theirs);
    woken += 1;
  }
  return woken;
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
  // RPUSH answers the list's new length in one step, so two processes can never get the same id.
  const id = await redis.rpush(MESSAGES_KEY, JSON.stringify(data));
  // This process wakes its own waiters at once; the others hear it from Redis.
  const [woken, processes] = await Promise.all([wakeWaiters(), redis.publish(NEWS_CHANNEL, String(id))]);
  sendJson(res, 200, { id, waiters: woken, processes });
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

async function stats() {
  return { waiters: waiters.size, last_id: await redis.llen(MESSAGES_KEY), backend: PORT };
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
  const failed = (error: unknown) => drop(res, error);
  if (route === 'GET /poll') handlePoll(url.searchParams, res).catch(failed);
  else if (route === 'POST /publish') handlePublish(req, res).catch(failed);
  else if (route === 'GET /stats') stats().then((body) => sendJson(res, 200, body), failed);
  else sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
});

server.listen(PORT, HOST, () => {
  console.log(`feed listening on http://${HOST}:${PORT}`);
});
