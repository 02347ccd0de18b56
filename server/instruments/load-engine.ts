// Simulated clients against a feed (DESIGN §6): N clients short- or long-polling with cursors (or, to
// compare, half of each on the same feed), and an optional publisher that stamps each message with its
// send time, so each delivery has a delay. It stops by itself, keeps memory bounded (a delay reservoir
// per group, error counts by kind), and measures its own CPU per delivery, since at thousands of clients
// the tool can be the bottleneck it reports on. It reaches the target over TCP, or through any connect
// function (a sandbox's relay), and reports every exchange to a tap (the timeline) when given one.
import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:http';
import { z } from 'zod';
import { pollAnswerSchema, publishAnswerSchema, statsAnswerSchema } from '../checks/feed.ts';
import { loadOptionsSchema, type LoadOptions } from './load-options.ts';
import { computeRates, summariseDelays, type DelaySummary, type LoadCounters, type LoadRates } from './rates.ts';
import { createReservoir, type Reservoir } from './reservoir.ts';
import { createSender, errorKind, makeAgent, type Answer, type Connect } from './load-request.ts';
import type { TrafficTap } from './traffic-recorder.ts';

export type PollMode = 'short' | 'long';
export type LoadMode = PollMode | 'compare';

/** The engine's options: load-options.ts's, where the mode may also be `compare`. */
export const engineOptionsSchema = loadOptionsSchema.extend({ mode: z.enum(['short', 'long', 'compare']) });
export type LoadInput = z.input<typeof engineOptionsSchema>;
type EngineOptions = Omit<LoadOptions, 'mode'> & { mode: LoadMode };

export interface LoadHooks {
  signal?: AbortSignal;
  /** Reaches the baseUrl's port some other way than TCP (the sandbox relay); may be asynchronous. */
  connect?: Connect;
  tap?: TrafficTap;
}

export interface LoadGroupSummary {
  mode: PollMode;
  clients: number;
  counters: LoadCounters & {
    /** Polls waiting for their answer right now. */
    open: number;
    /** Polls still open when the run stopped: cut, counted neither as requests nor as errors. */
    unfinished: number;
  };
  /** Errors by kind: refused, reset, timeout, bad-answer, too-large, http-<status>, or a system code. */
  errors: Record<string, number>;
  rates: LoadRates;
  /** Delays from publish to delivery of this run's own messages, in ms. */
  delayMs: DelaySummary | null;
}

export interface LoadSummary {
  mode: LoadMode;
  clients: number;
  elapsedMs: number;
  published: number;
  publishErrors: number;
  /** One group per poll mode: a compare run has a short and a long one. */
  groups: LoadGroupSummary[];
  /** This process's CPU time over the run, whole and per delivery. */
  cost: { cpuMs: number; cpuUsPerDelivery: number | null };
}

export interface LoadRun {
  readonly options: EngineOptions;
  /** The counters so far (while running) or final (after done). */
  snapshot(): LoadSummary;
  stop(): void;
  readonly done: Promise<LoadSummary>;
}

interface Group {
  mode: PollMode;
  clients: number;
  agent: Agent;
  counters: LoadGroupSummary['counters'];
  errors: Record<string, number>;
  delays: Reservoir;
  maxDelay: number;
}

const LONG_POLL_GRACE_MS = 10_000;
const SHORT_POLL_TIMEOUT_MS = 10_000;
const LONG_POLL_RETRY_MS = 500;

/** Milliseconds since the epoch with sub-millisecond precision, for delays of a few ms. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

export function startLoad(input: LoadInput, hooks: LoadHooks = {}): LoadRun {
  const options: EngineOptions = engineOptionsSchema.parse(input);
  const { clients, mode } = options;
  const tap = hooks.tap;
  const url = new URL(options.baseUrl);
  const port = Number(url.port);
  const runId = randomUUID();
  const shortClients = mode === 'compare' ? Math.ceil(clients / 2) : mode === 'short' ? clients : 0;
  const group = (pollMode: PollMode, count: number): Group => ({
    mode: pollMode,
    clients: count,
    agent: makeAgent(count, port, hooks.connect),
    counters: { requests: 0, empty: 0, deliveries: 0, bytesIn: 0, bytesOut: 0, errors: 0, open: 0, unfinished: 0 },
    errors: {},
    delays: createReservoir(options.sampleCapacity),
    maxDelay: 0,
  });
  const groups = [group('short', shortClients), group('long', clients - shortClients)].filter((g) => g.clients > 0);
  const publishAgent = makeAgent(1, port, hooks.connect);
  const publishing = { published: 0, publishErrors: 0 };
  const wakers = new Set<() => void>();
  let stopped = false;
  let startedAt: number | undefined;
  let endedAt: number | undefined;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  let cpuSpent: NodeJS.CpuUsage | undefined;
  const sender = createSender(url, tap, () => stopped);
  const send = sender.send;

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
    sender.abortAll();
  }

  function countError(g: Group, kind: string): void {
    g.counters.errors += 1;
    g.errors[kind] = (g.errors[kind] ?? 0) + 1;
  }

  /** Counts one answered poll, reports it to the tap, and returns the cursor to ask from next. */
  function answered(g: Group, answer: Answer, cursor: number, receivedAt: number): number {
    const { status, text } = answer;
    g.counters.requests += 1;
    g.counters.bytesIn += answer.bytesIn;
    g.counters.bytesOut += answer.bytesOut;
    let messages: number | null = null;
    let next = cursor;
    if (status === 204) g.counters.empty += 1;
    else if (status !== 200) countError(g, `http-${status}`);
    else {
      let parsed;
      try {
        parsed = pollAnswerSchema.safeParse(JSON.parse(text));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) countError(g, 'bad-answer');
      else {
        messages = parsed.data.messages.length;
        // A short poll that found nothing is an empty answer too, whether the app says 200 [] or 204.
        if (messages === 0) g.counters.empty += 1;
        for (const message of parsed.data.messages) {
          if (message.id <= cursor) continue;
          g.counters.deliveries += 1;
          const data = message.data as { run?: unknown; sentAt?: unknown } | null;
          if (data !== null && typeof data === 'object' && data.run === runId && typeof data.sentAt === 'number') {
            const delay = receivedAt - data.sentAt;
            g.delays.add(delay);
            g.maxDelay = Math.max(g.maxDelay, delay);
          }
        }
        next = Math.max(cursor, parsed.data.cursor);
      }
    }
    answer.exchange?.end({ status, messages, failure: null, bytesIn: answer.bytesIn, bytesOut: answer.bytesOut, responseBody: text });
    return next;
  }

  async function client(g: Group, index: number, startCursor: number): Promise<void> {
    let cursor = startCursor;
    const lane = mode === 'compare' ? `${g.mode[0]}${index}` : `c${index}`;
    // Short pollers spread over one interval, as real ones would be, rather than all on the same beat.
    let nextAt = startedAt! + (index * options.intervalMs) / g.clients;
    const query = g.mode === 'short' ? '&timeout=0' : `&timeout=${options.timeoutS}`;
    const timeoutMs = g.mode === 'short' ? SHORT_POLL_TIMEOUT_MS : options.timeoutS * 1000 + LONG_POLL_GRACE_MS;
    while (!stopped) {
      if (g.mode === 'short') {
        await sleepUntil(nextAt);
        if (stopped) break;
        // A timer may wake a fraction of a ms early, so step at least once; skip beats a slow answer missed.
        do nextAt += options.intervalMs; while (nextAt <= now());
      }
      g.counters.open += 1;
      try {
        const answer = await send(g.agent, 'GET', `/poll?since=${cursor}${query}`, timeoutMs, lane);
        g.counters.open -= 1;
        cursor = answered(g, answer, cursor, now());
        if (g.mode === 'long' && answer.status !== 200 && answer.status !== 204) await sleepUntil(now() + LONG_POLL_RETRY_MS);
      } catch (error) {
        g.counters.open -= 1;
        if (stopped) {
          g.counters.unfinished += 1;
          break;
        }
        g.counters.requests += 1;
        countError(g, errorKind(error));
        if (g.mode === 'long') await sleepUntil(now() + LONG_POLL_RETRY_MS);
      }
    }
  }

  async function publisher(everyMs: number): Promise<void> {
    // Half a period in, so a run of k periods holds k publishes, each away from the short pollers' beat edges.
    for (let seq = 0, at = startedAt! + everyMs / 2; ; seq += 1, at += everyMs) {
      await sleepUntil(at);
      if (stopped) return;
      const sentAt = now();
      try {
        const answer = await send(publishAgent, 'POST', '/publish', SHORT_POLL_TIMEOUT_MS, 'publisher', JSON.stringify({ run: runId, seq, sentAt }));
        answer.exchange?.end({ status: answer.status, messages: null, failure: null, bytesIn: answer.bytesIn, bytesOut: answer.bytesOut, responseBody: answer.text });
        const published = answer.status === 200 ? parseJson(answer.text, publishAnswerSchema) : undefined;
        if (published) publishing.published += 1;
        else publishing.publishErrors += 1;
        tap?.published({ at: sentAt, id: published?.id ?? null, waiters: published?.waiters ?? null });
      } catch {
        if (!stopped) publishing.publishErrors += 1;
      }
    }
  }

  /** The feed's last id, so only messages from this run on count; an app without /stats is read from 0. */
  async function lastId(): Promise<number> {
    try {
      const answer = await send(publishAgent, 'GET', '/stats', SHORT_POLL_TIMEOUT_MS, 'publisher');
      answer.exchange?.end({ status: answer.status, messages: null, failure: null, bytesIn: answer.bytesIn, bytesOut: answer.bytesOut, responseBody: answer.text });
      return (answer.status === 200 ? parseJson(answer.text, statsAnswerSchema)?.last_id : undefined) ?? 0;
    } catch {
      return 0;
    }
  }

  function snapshot(): LoadSummary {
    const elapsedMs = startedAt === undefined ? 0 : (endedAt ?? now()) - startedAt;
    const cpu = cpuSpent ?? (cpuBefore ? process.cpuUsage(cpuBefore) : { user: 0, system: 0 });
    const cpuUs = cpu.user + cpu.system;
    const deliveries = groups.reduce((sum, g) => sum + g.counters.deliveries, 0);
    return {
      mode,
      clients,
      elapsedMs,
      ...publishing,
      groups: groups.map((g) => ({
        mode: g.mode,
        clients: g.clients,
        counters: { ...g.counters },
        errors: { ...g.errors },
        rates: computeRates(g.counters, Math.max(elapsedMs, 1)),
        delayMs: summariseDelays(g.delays.samples, g.delays.seen, g.maxDelay),
      })),
      cost: { cpuMs: cpuUs / 1000, cpuUsPerDelivery: deliveries > 0 ? cpuUs / deliveries : null },
    };
  }

  async function run(): Promise<LoadSummary> {
    hooks.signal?.addEventListener('abort', stop, { once: true });
    if (hooks.signal?.aborted) stop();
    const startCursor = await lastId();
    cpuBefore = process.cpuUsage();
    startedAt = now();
    const timer = setTimeout(stop, options.durationMs);
    const loops = groups.flatMap((g) => Array.from({ length: g.clients }, (_, index) => client(g, index, startCursor)));
    if (options.publishEveryMs !== undefined) loops.push(publisher(options.publishEveryMs));
    await Promise.all(loops);
    clearTimeout(timer);
    hooks.signal?.removeEventListener('abort', stop);
    endedAt = now();
    cpuSpent = process.cpuUsage(cpuBefore);
    for (const g of groups) g.agent.destroy();
    publishAgent.destroy();
    return snapshot();
  }

  return { options, snapshot, stop, done: run() };
}

export function runLoad(input: LoadInput, hooks: LoadHooks = {}): Promise<LoadSummary> {
  return startLoad(input, hooks).done;
}

function parseJson<T extends z.ZodType>(text: string, schema: T): z.infer<T> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
