// The instruments' shapes (issue 5): what the host records of the traffic it drives through a learner's
// relay, the runs it starts (simulated clients, the timeout chain's "Try it", lag probes), the nginx panel,
// and the messages of the /ws/instruments?lab=ID channel that carries them live to the page. Recorded runs
// for browse mode are these same messages, saved, so one renderer draws live and recorded data.
import { z } from 'zod';

/** How one exchange ended, as the timeline colours it. */
export const exchangeOutcomeSchema = z.enum([
  'open', // still waiting for the answer
  'data', // 200 with at least one message (or any 2xx answer of a non-feed route)
  'empty', // 200 with no message: a short poll that found nothing
  'timeout', // 204: the app's long-poll timeout
  'bad-gateway', // 502 from nginx
  'gateway-timeout', // 504 from nginx
  'aborted', // the client gave up (its timeout, or the run stopped)
  'error', // refused, reset, another status, an answer that is not HTTP
]);
export type ExchangeOutcome = z.infer<typeof exchangeOutcomeSchema>;

/** Who drove an exchange: the page's simulated clients or `lab load`, a check, the chain's Try it, a lag probe. */
export const exchangeSourceSchema = z.enum(['load', 'check', 'chain', 'lag', 'inspector']);

const headersSchema = z.record(z.string(), z.string());
const millis = z.number().finite().nonnegative();

/** One request and its answer. Times are ms since the epoch (at) or since the request was sent (the rest). */
export const exchangeSchema = z.object({
  id: z.number().int().nonnegative(),
  source: exchangeSourceSchema,
  /** The timeline lane: one per simulated client (`c0`...), or the source's name. */
  lane: z.string().max(64),
  port: z.union([z.literal(8999), z.literal(8888)]),
  method: z.string().max(16),
  path: z.string().max(2048),
  at: millis,
  /** Until the status line and headers came; null while waiting. */
  headersMs: millis.nullable(),
  /** Until the answer was complete (or the exchange gave up); null while open. */
  endMs: millis.nullable(),
  status: z.number().int().nullable(),
  outcome: exchangeOutcomeSchema,
  /** Messages the answer carried (feed contract), 0 for anything else. */
  messages: z.number().int().nonnegative(),
  bytesIn: z.number().int().nonnegative(),
  bytesOut: z.number().int().nonnegative(),
  /** Why it failed, in words (error outcome). */
  error: z.string().max(500).nullable(),
});
export type Exchange = z.infer<typeof exchangeSchema>;

/** What the HTTP inspector shows of an exchange: the timeline's record plus both heads. */
export const exchangeDetailSchema = exchangeSchema.extend({
  requestHeaders: headersSchema,
  responseHeaders: headersSchema.nullable(),
  /** The first bytes of each body, as text, for reading (capped). */
  requestBody: z.string().max(4096).nullable(),
  responseBody: z.string().max(4096).nullable(),
});
export type ExchangeDetail = z.infer<typeof exchangeDetailSchema>;

/** A publish seen by the host (its own publisher, or a check's), drawn as a vertical mark. */
export const publishMarkSchema = z.object({ at: millis, id: z.number().int().nullable(), waiters: z.number().int().nullable() });
export type PublishMark = z.infer<typeof publishMarkSchema>;

// --- Simulated clients (the page's panel and `lab load` use the same engine and the same body) ---

export const loadTargetSchema = z.enum(['app', 'nginx']);
export const loadRunBodySchema = z.strictObject({
  target: loadTargetSchema.default('app'),
  /** short, long, or compare: half the clients short-poll and half long-poll the same feed at once. */
  mode: z.enum(['short', 'long', 'compare']),
  clients: z.number().int().min(1).max(10_000),
  intervalMs: z.number().int().min(50).max(60_000).default(1000),
  timeoutS: z.number().min(0.1).max(120).default(10),
  durationS: z.number().min(1).max(300).default(20),
  /** Publish a stamped message this often; 0: never. */
  publishEveryMs: z.number().int().min(0).max(60_000).refine((ms) => ms === 0 || ms >= 50, 'publish never (0) or at most every 50 ms').default(5000),
});
export type LoadRunBody = z.input<typeof loadRunBodySchema>;

export const loadCountersSchema = z.object({
  requests: z.number().int(),
  empty: z.number().int(),
  deliveries: z.number().int(),
  errors: z.number().int(),
  bytesIn: z.number().int(),
  bytesOut: z.number().int(),
  published: z.number().int(),
  open: z.number().int(),
});
export const loadGroupStatsSchema = z.object({
  mode: z.enum(['short', 'long']),
  clients: z.number().int(),
  counters: loadCountersSchema,
  requestsPerSecond: z.number(),
  emptyShare: z.number().nullable(),
  requestsPerMessage: z.number().nullable(),
  delayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number(), count: z.number().int() }).nullable(),
  errors: z.record(z.string(), z.number().int()),
});
export type LoadGroupStats = z.infer<typeof loadGroupStatsSchema>;

export const loadRunStateSchema = z.object({
  run: z.string(),
  target: loadTargetSchema,
  mode: z.enum(['short', 'long', 'compare']),
  state: z.enum(['running', 'finished', 'stopped', 'failed']),
  startedAt: millis,
  elapsedMs: millis,
  durationMs: millis,
  groups: z.array(loadGroupStatsSchema),
  /** The tool's own CPU per delivery, so its figures can be judged. */
  cost: z.object({ cpuMs: z.number(), cpuUsPerDelivery: z.number().nullable() }).nullable(),
  problem: z.string().nullable(),
});
export type LoadRunState = z.infer<typeof loadRunStateSchema>;

// --- Event-loop lag ---

export const lagSampleSchema = z.object({
  at: millis,
  /** Time for a trivial request to be answered, measured by the host through the relay; null: no answer in time. */
  outsideMs: z.number().nullable(),
  /** The app's own event-loop delay (max over the sample), from the supervisor's preload; null when unavailable. */
  insideMs: z.number().nullable(),
});
export type LagSample = z.infer<typeof lagSampleSchema>;
export const lagBodySchema = z.strictObject({ on: z.boolean() });
/** Whether the learner's meter now runs for the lab (one meter per learner: turning it on elsewhere moves it). */
export const lagAnswerSchema = z.object({ lab: z.string(), on: z.boolean() });

// --- Timeout chain: Try it ---

export const chainTryBodySchema = z.strictObject({
  clientS: z.number().min(0.5).max(30),
  /** null: straight to the app, no nginx. */
  nginxS: z.number().min(0.5).max(30).nullable(),
  appS: z.number().min(0).max(30),
  /** Publish this long after the poll is sent; null: no message. */
  messageAtS: z.number().min(0).max(30).nullable(),
});
export type ChainTryBody = z.infer<typeof chainTryBodySchema>;
export const chainResultSchema = z.object({
  outcome: z.enum(['data', 'empty', 'gateway-timeout', 'client-abort', 'error']),
  status: z.number().int().nullable(),
  atS: z.number(),
  /** The status nginx wrote to its access log for this poll, and its error-log lines; null without nginx. */
  nginxLogged: z.number().int().nullable(),
  errorLog: z.array(z.string()),
  exchange: exchangeSchema.nullable(),
  detail: z.string(),
});
export type ChainResult = z.infer<typeof chainResultSchema>;

// --- nginx panel ---

export const nginxPanelSchema = z.object({
  /** The config file nginx runs with (relative to the lab folder) and its text. */
  configPath: z.string(),
  config: z.string(),
  /** The lab's default (starter) config, for the diff. */
  defaultConfig: z.string(),
  state: z.enum(['stopped', 'starting', 'running', 'exited']),
});
export const nginxReloadAnswerSchema = z.object({
  ok: z.boolean(),
  /** `nginx -t`'s output; with ok false, the errors with their file:line. */
  output: z.string(),
  errors: z.array(z.object({ line: z.number().int().nullable(), message: z.string() })),
});
/** GET instruments/nginx/log?log=error|access&lines=N: the last N lines of one log. */
export const nginxLogQuerySchema = z.strictObject({
  log: z.enum(['error', 'access']),
  lines: z.coerce.number().int().min(1).max(1000).default(100),
});
export const accessLogEntrySchema = z.object({
  /** The line's own time, else when the host first read it; null for an old line without a time. */
  at: z.string().nullable(),
  request: z.string(),
  status: z.number().int(),
  /** $request_time and $upstream_response_time in seconds; null when the log line has none ("-"). */
  requestTimeS: z.number().nullable(),
  upstreamTimeS: z.number().nullable(),
  upstreamStatus: z.string().nullable(),
  raw: z.string(),
});
export type AccessLogEntry = z.infer<typeof accessLogEntrySchema>;

export const nginxLogAnswerSchema = z.object({
  log: z.enum(['error', 'access']),
  lines: z.array(z.string()),
  /** The access log's lines read as entries (those that fit its format); empty for the error log. */
  access: z.array(accessLogEntrySchema),
});

// --- The /ws/instruments channel (server -> page only) ---

export const instrumentMessageSchema = z.discriminatedUnion('type', [
  /** Sent first: what the host still holds (last exchanges, marks, the run in progress). */
  z.object({ type: z.literal('hello'), lab: z.string(), now: millis, exchanges: z.array(exchangeSchema), publishes: z.array(publishMarkSchema), run: loadRunStateSchema.nullable() }),
  /** Batched about ten times a second: exchanges that started or changed, and publishes. */
  z.object({ type: z.literal('traffic'), lab: z.string(), exchanges: z.array(exchangeSchema), publishes: z.array(publishMarkSchema) }),
  z.object({ type: z.literal('run'), lab: z.string(), run: loadRunStateSchema }),
  z.object({ type: z.literal('lag'), lab: z.string(), samples: z.array(lagSampleSchema) }),
  z.object({ type: z.literal('nginx-log'), lab: z.string(), log: z.enum(['error', 'access']), lines: z.array(z.string()), access: z.array(accessLogEntrySchema) }),
  /** Sent when the page is too slow to read: this many exchanges were merged away instead of queued. */
  z.object({ type: z.literal('dropped'), lab: z.string(), exchanges: z.number().int() }),
  /** The channel refused something (the page sent a message; it only listens). */
  z.object({ type: z.literal('error'), lab: z.string(), code: z.string(), message: z.string() }),
]);
export type InstrumentMessage = z.infer<typeof instrumentMessageSchema>;

// --- Recorded runs (browse mode) ---

export const recordingSchema = z.object({
  lab: z.string(),
  title: z.string(),
  /** What the run shows, in one sentence under the picture. */
  caption: z.string(),
  recordedAt: z.string(),
  messages: z.array(instrumentMessageSchema),
  /** A terminal session of the same experiment, as text. */
  terminal: z.string(),
});
export type Recording = z.infer<typeof recordingSchema>;
