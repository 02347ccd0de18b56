// A comet feed: a poll with nothing new waits until there is news or its timeout, then gets one answer.
// This starter still waits the lab 3 way, looking at the list every half second. Your part is to make
// publishing wake the waiters instead (handlePoll and handlePublish); the rest is ready.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

// Inside the lab the app listens on 8999; the checks and tests start it on a free port instead.
const PORT = Number(process.env.PORT ?? 8999);
const HOST = '127.0.0.1';
const MAX_BODY_BYTES = 64 * 1024;
/** The lab 3 wait: how often a waiting poll looks for news. */
const CHECK_EVERY_MS = 500;

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

/** `timeout` in seconds: missing means 0 (a short poll); anything but a number like 2 or 0.5 is undefined. */
function parseTimeout(raw: string | null): number | undefined {
  if (raw === null) return 0;
  return /^\d{1,4}(\.\d{1,3})?$/.test(raw) ? Number(raw) : undefined;
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
  // TODO 1: stop looking every half second (CHECK_EVERY_MS can go). Give the waiter a timer that fires
  //   once, at the timeout, and answers 204; publishing will wake it before that when news comes (TODO 2).
  const deadline = Date.now() + timeoutS * 1000;
  const waiter: Waiter = {
    since,
    res,
    timer: setInterval(() => {
      const found = messages.slice(since);
      if (found.length === 0 && Date.now() < deadline) return;
      clearInterval(waiter.timer);
      waiters.delete(waiter);
      sendMessages(res, found);
    }, CHECK_EVERY_MS),
  };
  waiters.add(waiter);
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
  // TODO 2: wake every waiter now. Build the answer's JSON once (every waiter has seen everything up to
  //   this message, so they all get the same bytes), send it to each, and report how many you woke.
  // TODO 3: answer each waiter exactly once. A waiter can end two ways, by a publish or by its timer;
  //   whichever comes first must take it out of `waiters` and stop its timer, so the other does nothing.
  sendJson(res, 200, { id: message.id, waiters: 0 });
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
  const url = URL.parse(req.url ?? '/', `http://${HOST}`);
  if (url === null) {
    sendJson(res, 400, { error: 'the request target is not a valid URL' });
    return;
  }
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /poll') handlePoll(url.searchParams, res);
  else if (route === 'POST /publish') handlePublish(req, res).catch((error: unknown) => drop(res, error));
  else if (route === 'GET /stats') sendJson(res, 200, { waiters: waiters.size, last_id: lastId() });
  else sendJson(res, 404, { error: `no route for ${req.method} ${req.url}` });
});

server.listen(PORT, HOST, () => {
  console.log(`feed listening on http://${HOST}:${PORT}`);
});
