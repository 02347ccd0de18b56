// Starts one `node server.ts` per backend port (one process per core), shows their output with the
// port in front, and answers GET /backends on PORT (8999) with what each process says about itself
// (null while a process is not answering yet). If one process dies, the rest are stopped too: a
// cluster that is half up would only confuse.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, get } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const PORT = Number(process.env.PORT ?? 8999);
const BACKEND_PORTS = (process.env.BACKEND_PORTS ?? '9001,9002').split(',').map(Number);
// Longer than redis.ts waits for Redis, so a process that cannot reach it reports that itself.
const START_WITHIN_MS = 15_000;
const STATS_WITHIN_MS = 1000;

if (BACKEND_PORTS.some((port) => !Number.isInteger(port) || port < 1 || port > 65535)) {
  console.error(`BACKEND_PORTS must be ports separated by commas, such as 9001,9002 (got ${process.env.BACKEND_PORTS})`);
  process.exit(2);
}

interface Backend {
  port: number;
  child: ChildProcess;
}

const backends: Backend[] = BACKEND_PORTS.map((port) => {
  const child = spawn(process.execPath, ['server.ts'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const [stream, out] of [[child.stdout!, process.stdout], [child.stderr!, process.stderr]] as const) {
    createInterface({ input: stream }).on('line', (line) => out.write(`[${port}] ${line}\n`));
  }
  child.once('exit', (code, signal) => stopAll(`[${port}] server.ts ended (${signal ?? `exit code ${code}`}); stopping the cluster`));
  return { port, child };
});

function stopAll(why: string): never {
  console.error(why);
  for (const { child } of backends) child.kill('SIGTERM');
  process.exit(1);
}
// Asked to stop (the Stop button, Ctrl-C): stop both processes, then end by that same signal, as a
// plain `node server.ts` would, so the page says "stopped" rather than "exited with code 1".
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.error('cluster stopped');
    for (const { child } of backends) child.kill('SIGTERM');
    process.kill(process.pid, signal);
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntilListening(port: number): Promise<void> {
  const deadline = Date.now() + START_WITHIN_MS;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) stopAll(`[${port}] server.ts did not listen within ${START_WITHIN_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a backend's GET /stats says, or null when it does not answer in time. */
function statsOf(port: number): Promise<unknown> {
  return new Promise((resolve) => {
    const req = get({ host: HOST, port, path: '/stats', timeout: STATS_WITHIN_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(null);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

const status = createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/backends') {
    const list = await Promise.all(backends.map(async ({ port, child }) => ({ port, pid: child.pid, stats: await statsOf(port) })));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ backends: list }));
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' })
    .end(`This is cluster.ts. The feed is behind nginx on http://${HOST}:8888; GET /backends here lists the processes.\n`);
});
status.listen(PORT, HOST, () => {
  console.log(`cluster: starting ${BACKEND_PORTS.map((port) => `server.ts on ${port}`).join(', ')}; GET http://${HOST}:${PORT}/backends for their stats`);
});
await Promise.all(BACKEND_PORTS.map(waitUntilListening));
console.log('cluster: every process is listening');
