// The feed contract (DESIGN §6) on bare node:http with nothing else: the baseline the lab 4 solution
// is compared with in bench/load-feed.ts. It skips the solution's teaching comforts (error texts,
// body limits) so the difference measured is the cost of those, not of a different design.
//   PORT=9000 node bench/peers/node-feed.ts
import { createServer, type ServerResponse } from 'node:http';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set to a port number');

const log: string[] = []; // JSON of each message; id n sits at index n - 1
let waiting = new Map<ServerResponse, NodeJS.Timeout>();

function answer(res: ServerResponse, since: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`{"cursor":${log.length},"messages":[${log.slice(since).join(',')}]}`);
}

function poll(res: ServerResponse, query: URLSearchParams): void {
  const since = Number(query.get('since') ?? 0);
  const timeoutS = Number(query.get('timeout') ?? 0);
  if (!Number.isInteger(since) || since < 0 || since > log.length || !(timeoutS >= 0)) {
    res.writeHead(400).end();
    return;
  }
  if (since < log.length) return answer(res, since);
  if (timeoutS === 0) {
    res.writeHead(204).end();
    return;
  }
  waiting.set(res, setTimeout(() => {
    waiting.delete(res);
    res.writeHead(204).end();
  }, timeoutS * 1000));
  res.once('close', () => {
    clearTimeout(waiting.get(res));
    waiting.delete(res);
  });
}

function publish(body: string, res: ServerResponse): void {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    res.writeHead(400).end();
    return;
  }
  log.push(JSON.stringify({ id: log.length + 1, data }));
  const woken = waiting;
  waiting = new Map();
  for (const [waiter, timer] of woken) {
    clearTimeout(timer);
    answer(waiter, log.length - 1);
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":${log.length},"waiters":${woken.size}}`);
}

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/poll') return poll(res, url.searchParams);
  if (req.method === 'GET' && url.pathname === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"waiters":${waiting.size},"last_id":${log.length}}`);
    return;
  }
  if (req.method === 'POST' && url.pathname === '/publish') {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => publish(body, res));
    return;
  }
  res.writeHead(404).end();
}).listen(port, '127.0.0.1');
