// The experiment: the same long poll sent twice at the same moment, once straight to the app and once
// through nginx, with a client that gives up after --client-timeout seconds. It prints what each hop
// answered and when, the lines nginx logged about it, and which hop gave up first.
//
//   node chain.ts                       client 10 s, poll timeout 3 s
//   node chain.ts --client-timeout 1    a client less patient than everyone else
//
// Run it from the lab folder, where nginx writes logs/ (or say where with --logs).
import { request } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export interface Options {
  clientTimeoutS: number;
  pollTimeoutS: number;
  port: number;
  nginxPort: number;
  logs: string;
}

export const defaults: Options = { clientTimeoutS: 10, pollTimeoutS: 3, port: 8999, nginxPort: 8888, logs: 'logs' };

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'client-timeout': { type: 'string' },
      timeout: { type: 'string' },
      port: { type: 'string' },
      'nginx-port': { type: 'string' },
      logs: { type: 'string' },
    },
  });
  const number = (raw: string | undefined, fallback: number, name: string, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}, not ${raw}`);
    return value;
  };
  return {
    clientTimeoutS: number(values['client-timeout'], defaults.clientTimeoutS, 'client-timeout', 0.1, 120),
    pollTimeoutS: number(values.timeout, defaults.pollTimeoutS, 'timeout', 0, 60),
    port: Math.round(number(values.port, defaults.port, 'port', 1, 65535)),
    nginxPort: Math.round(number(values['nginx-port'], defaults.nginxPort, 'nginx-port', 1, 65535)),
    logs: values.logs ?? defaults.logs,
  };
}

/** What one request came to: an answer, a client that stopped waiting, or no connection at all. */
export type Outcome =
  | { kind: 'answer'; status: number; reason: string; ms: number; body: string }
  | { kind: 'gave-up'; ms: number }
  | { kind: 'refused'; message: string };

export function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'refused') return `no connection (${outcome.message})`;
  if (outcome.kind === 'gave-up') return `the client gave up after ${seconds(outcome.ms)}, no answer yet`;
  return `${outcome.status} ${outcome.reason} after ${seconds(outcome.ms)}`;
}

/** Which hop ended the request through nginx, and what to change, from what both requests came to. */
export function verdict(direct: Outcome, viaNginx: Outcome, options: Options): string {
  if (viaNginx.kind === 'refused') {
    return `nginx is not running on port ${options.nginxPort}. Start it with lab nginx start (or Check my work, which starts it too).`;
  }
  if (viaNginx.kind === 'gave-up') {
    return `the client gave up first, after ${seconds(viaNginx.ms)}: nginx logs 499 for a client that left before the answer. A client must wait longer than nginx.`;
  }
  if (viaNginx.status === 502) {
    return 'nginx could not reach the app and answered 502 Bad Gateway at once (error.log says why). Start the app.';
  }
  if (viaNginx.status === 504) {
    const app = direct.kind === 'answer' ? `, while the app answered after ${seconds(direct.ms)}` : '';
    return `nginx gave up after ${seconds(viaNginx.ms)}${app}: its proxy_read_timeout is shorter than the app's wait. nginx must wait longer than the app.`;
  }
  return `every hop waited long enough: the client (${options.clientTimeoutS} s) outlasted nginx, nginx outlasted the app, and the app's own answer came through.`;
}

/** The new lines of an nginx error log, cut to the part a person reads: level and message. */
export function errorLines(text: string): string[] {
  return text.split('\n')
    .filter((line) => line.trim() !== '' && !/closed keepalive connection/.test(line))
    .map((line) => line.replace(/^\S+ \S+ (\[\w+\]) \d+#\d+: (\*\d+ )?/, '$1 ').replace(/, client: .*$/, ''));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** One GET with its own patience: after `timeoutMs` the client closes the connection, as a browser would. */
function ask(port: number, path: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ kind: 'answer', status: res.statusCode ?? 0, reason: res.statusMessage ?? '', ms: ms(), body });
      });
    });
    const timer = setTimeout(() => {
      resolve({ kind: 'gave-up', ms: ms() });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ kind: 'refused', message: error.code ?? error.message });
    });
    req.end();
  });
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

/** What was appended to `file` after it was `from` bytes long. */
async function appended(file: string, from: number): Promise<string> {
  const text = await readFile(file).catch(() => Buffer.alloc(0));
  return text.subarray(from).toString('utf8');
}

async function newestId(port: number): Promise<number> {
  const outcome = await ask(port, '/stats', 2000);
  if (outcome.kind !== 'answer' || outcome.status !== 200) return 0;
  const stats = JSON.parse(outcome.body) as { last_id?: unknown };
  return typeof stats.last_id === 'number' ? stats.last_id : 0;
}

async function run(options: Options): Promise<string> {
  const accessLog = join(options.logs, 'access.log');
  const errorLog = join(options.logs, 'error.log');
  const [accessFrom, errorFrom] = await Promise.all([sizeOf(accessLog), sizeOf(errorLog)]);
  const since = await newestId(options.port);
  const path = `/poll?since=${since}&timeout=${options.pollTimeoutS}`;
  const clientMs = options.clientTimeoutS * 1000;
  const [direct, viaNginx] = await Promise.all([
    ask(options.port, path, Math.max(clientMs, (options.pollTimeoutS + 5) * 1000)),
    ask(options.nginxPort, path, clientMs),
  ]);
  // nginx writes its access line once it is done with the request, a moment after the client is.
  const deadline = performance.now() + 1000;
  while (viaNginx.kind !== 'refused' && (await sizeOf(accessLog)) === accessFrom && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const access = (await appended(accessLog, accessFrom)).split('\n').filter((line) => line.trim() !== '');
  const errors = errorLines(await appended(errorLog, errorFrom));
  const body = viaNginx.kind === 'answer' ? /<title>.*<\/title>/.exec(viaNginx.body)?.[0] : undefined;
  const directLabel = `straight to the app (:${options.port})`;
  const nginxLabel = `through nginx (:${options.nginxPort})`;
  const width = Math.max(directLabel.length, nginxLabel.length) + 3;
  return [
    `GET ${path}, the client waits at most ${options.clientTimeoutS} s`,
    `  ${directLabel.padEnd(width)}${describeOutcome(direct)}`,
    `  ${nginxLabel.padEnd(width)}${describeOutcome(viaNginx)}${body ? `, body ${body}` : ''}`,
    `nginx access.log`,
    ...(access.length > 0 ? access.map((line) => `  ${line}`) : ['  (nothing new)']),
    `nginx error.log`,
    ...(errors.length > 0 ? errors.map((line) => `  ${line}`) : ['  (nothing new)']),
    `so: ${verdict(direct, viaNginx, options)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  console.log(await run(options));
}

if (import.meta.main) await main();
