// Simulated clients against a feed (DESIGN §6): N clients short- or long-polling with cursors, and an
// optional publisher that stamps each message with its send time, so each delivery has a delay. It
// stops by itself, keeps memory bounded (a delay reservoir, error counts by kind), and measures its
// own CPU per delivery, since at thousands of clients the tool can be the bottleneck it reports on.
import { randomUUID } from 'node:crypto';
import { Agent, request, type ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { pollAnswerSchema, statsAnswerSchema } from '../checks/feed.ts';
import { parseLoadOptions, type LoadOptions, type LoadOptionsInput } from './load-options.ts';
import { computeRates, summariseDelays, type DelaySummary, type LoadCounters, type LoadRates } from './rates.ts';
import { createReservoir } from './reservoir.ts';

export interface LoadSummary {
  mode: LoadOptions['mode'];
  clients: number;
  elapsedMs: number;
  counters: LoadCounters & {
    published: number;
    publishErrors: number;
    /** Polls still open when the run stopped: cut, counted neither as requests nor as errors. */
    unfinished: number;
  };
  /** Errors by kind: refused, reset, timeout, bad-answer, too-large, http-<status>, or a system code. */
  errors: Record<string, number>;
  rates: LoadRates;
  /** Delays from publish to delivery of this run's own messages, in ms. */
  delayMs: DelaySummary | null;
  /** This process's CPU time over the run, whole and per delivery. */
  cost: { cpuMs: number; cpuUsPerDelivery: number | null };
}

const MAX_ANSWER_BYTES = 1024 * 1024;
const LONG_POLL_GRACE_MS = 10_000;
const SHORT_POLL_TIMEOUT_MS = 10_000;
const LONG_POLL_RETRY_MS = 500;

class LoadError extends Error {
  kind: string;
  constructor(kind: string) {
    super(kind);
    this.kind = kind;
  }
}

function errorKind(error: unknown): string {
  if (error instanceof LoadError) return error.kind;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET') return 'reset';
  return code ?? 'other';
}

/** Milliseconds since the epoch with sub-millisecond precision, for delays of a few ms. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

export async function runLoad(input: LoadOptionsInput, signal?: AbortSignal): Promise<LoadSummary> {
  const options = parseLoadOptions(input);
  const { baseUrl, clients, mode } = options;
  const runId = randomUUID();
  const pollAgent = new Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients });
  const publishAgent = new Agent({ keepAlive: true, maxSockets: 1 });

  const counters = { requests: 0, empty: 0, deliveries: 0, bytesIn: 0, bytesOut: 0, errors: 0, published: 0, publishErrors: 0, unfinished: 0 };
  const errors: Record<string, number> = {};
  const delays = createReservoir(options.sampleCapacity);
  let maxDelay = 0;
  const inflight = new Set<ClientRequest>();
  const wakers = new Set<() => void>();
  let stopped = false;

  // Bytes on the wire, headers included, counted per poll socket when it closes or when the run ends.
  const sockets = new Set<Socket>();
  const tracked = new WeakSet<Socket>();
  function track(socket: Socket): void {
    if (tracked.has(socket)) return;
    tracked.add(socket);
    sockets.add(socket);
    socket.once('close', () => {
      if (!sockets.delete(socket)) return;
      counters.bytesIn += socket.bytesRead;
      counters.bytesOut += socket.bytesWritten;
    });
  }

  function send(agent: Agent, method: string, path: string, timeoutMs: number, body?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers = body === undefined ? {} : { 'content-type': 'application/json' };
      const req = request(`${baseUrl}${path}`, { method, agent, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new LoadError('too-large'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          inflight.delete(req);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      inflight.add(req);
      if (agent === pollAgent) req.on('socket', track);
      req.on('timeout', () => req.destroy(new LoadError('timeout')));
      req.on('error', (error) => {
        inflight.delete(req);
        reject(error);
      });
      req.end(body);
    });
  }

  function sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      if (stopped) return resolve();
      const wake = (): void => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, at - now()));
      wakers.add(wake);
    });
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    for (const wake of wakers) wake();
    for (const req of inflight) req.destroy();
  }

  function countError(kind: string): void {
    counters.errors += 1;
    errors[kind] = (errors[kind] ?? 0) + 1;
  }

  /** Counts one answered poll and returns the cursor to ask from next. */
  function answered(status: number, text: string, cursor: number, receivedAt: number): number {
    counters.requests += 1;
    if (status === 204) {
      counters.empty += 1;
      return cursor;
    }
    if (status !== 200) {
      countError(`http-${status}`);
      return cursor;
    }
    let parsed;
    try {
      parsed = pollAnswerSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      countError('bad-answer');
      return cursor;
    }
    for (const message of parsed.data.messages) {
      if (message.id <= cursor) continue;
      counters.deliveries += 1;
      const data = message.data as { run?: unknown; sentAt?: unknown } | null;
      if (data !== null && typeof data === 'object' && data.run === runId && typeof data.sentAt === 'number') {
        const delay = receivedAt - data.sentAt;
        delays.add(delay);
        maxDelay = Math.max(maxDelay, delay);
      }
    }
    return Math.max(cursor, parsed.data.cursor);
  }

  async function client(index: number, startCursor: number, startedAt: number): Promise<void> {
    let cursor = startCursor;
    // Short pollers spread over one interval, as real ones would be, rather than all on the same beat.
    let nextAt = startedAt + (index * options.intervalMs) / clients;
    const query = mode === 'short' ? '&timeout=0' : `&timeout=${options.timeoutS}`;
    const timeoutMs = mode === 'short' ? SHORT_POLL_TIMEOUT_MS : options.timeoutS * 1000 + LONG_POLL_GRACE_MS;
    while (!stopped) {
      if (mode === 'short') {
        await sleepUntil(nextAt);
        if (stopped) break;
        // A timer may wake a fraction of a ms early, so step at least once; skip beats a slow answer missed.
        do nextAt += options.intervalMs; while (nextAt <= now());
      }
      try {
        const { status, text } = await send(pollAgent, 'GET', `/poll?since=${cursor}${query}`, timeoutMs);
        cursor = answered(status, text, cursor, now());
        if (mode === 'long' && status !== 200 && status !== 204) await sleepUntil(now() + LONG_POLL_RETRY_MS);
      } catch (error) {
        if (stopped) {
          counters.unfinished += 1;
          break;
        }
        counters.requests += 1;
        countError(errorKind(error));
        if (mode === 'long') await sleepUntil(now() + LONG_POLL_RETRY_MS);
      }
    }
  }

  async function publisher(everyMs: number, startedAt: number): Promise<void> {
    // Half a period in, so a run of k periods holds k publishes, each away from the short pollers' beat edges.
    for (let seq = 0, at = startedAt + everyMs / 2; ; seq += 1, at += everyMs) {
      await sleepUntil(at);
      if (stopped) return;
      try {
        const { status } = await send(publishAgent, 'POST', '/publish', SHORT_POLL_TIMEOUT_MS, JSON.stringify({ run: runId, seq, sentAt: now() }));
        if (status === 200) counters.published += 1;
        else counters.publishErrors += 1;
      } catch {
        if (!stopped) counters.publishErrors += 1;
      }
    }
  }

  /** The feed's last id, so only messages from this run on count; an app without /stats is read from 0. */
  async function lastId(): Promise<number> {
    try {
      const { status, text } = await send(publishAgent, 'GET', '/stats', SHORT_POLL_TIMEOUT_MS);
      const stats = status === 200 ? statsAnswerSchema.safeParse(JSON.parse(text)) : undefined;
      return stats?.success ? stats.data.last_id : 0;
    } catch {
      return 0;
    }
  }

  const startCursor = await lastId();
  const cpuBefore = process.cpuUsage();
  const startedAt = now();
  const timer = setTimeout(stop, options.durationMs);
  signal?.addEventListener('abort', stop, { once: true });
  if (signal?.aborted) stop();
  const loops = Array.from({ length: clients }, (_, index) => client(index, startCursor, startedAt));
  if (options.publishEveryMs !== undefined) loops.push(publisher(options.publishEveryMs, startedAt));
  await Promise.all(loops);
  clearTimeout(timer);
  signal?.removeEventListener('abort', stop);
  const elapsedMs = now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);

  for (const socket of sockets) {
    counters.bytesIn += socket.bytesRead;
    counters.bytesOut += socket.bytesWritten;
  }
  sockets.clear();
  pollAgent.destroy();
  publishAgent.destroy();

  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    mode,
    clients,
    elapsedMs,
    counters,
    errors,
    rates: computeRates(counters, elapsedMs),
    delayMs: summariseDelays(delays.samples, delays.seen, maxDelay),
    cost: { cpuMs, cpuUsPerDelivery: counters.deliveries > 0 ? (cpu.user + cpu.system) / counters.deliveries : null },
  };
}
