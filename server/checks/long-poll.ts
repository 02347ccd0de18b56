// Long polls as checks make them (feed contract, DESIGN §6): hold polls open, see them counted in
// /stats, time their answers, and tell an app that crashed from one that answered wrongly.
import type { z } from 'zod';
import type { Probe, ProbeResponse } from '../contracts/check.ts';
import { expectJson, expectStatus, fail } from './expect.ts';
import { type PollAnswer, pollAnswerSchema, STATS_SHAPE, statsAnswerSchema } from './feed.ts';
import { ProbeError } from './probe-error.ts';

/** How much longer than the app's own wait a check listens before it decides no answer is coming. */
export const ANSWER_MARGIN_MS = 1_000;

/** `GET /poll?since=N&timeout=S`; the probe gives up `ANSWER_MARGIN_MS` after the app should have answered. */
export function longPoll(probe: Probe, since: number, timeoutS: number, clientTimeoutMs = timeoutS * 1000 + ANSWER_MARGIN_MS): Promise<ProbeResponse> {
  return probe.request({ path: `/poll?since=${since}&timeout=${timeoutS}`, timeoutMs: clientTimeoutMs });
}

export interface Timed {
  res: ProbeResponse;
  /** performance.now() when the answer was complete. */
  at: number;
}

export function timed(request: Promise<ProbeResponse>): Promise<Timed> {
  return request.then((res) => ({ res, at: performance.now() }));
}

export async function readStats<T extends z.infer<typeof statsAnswerSchema>>(
  probe: Probe, schema: z.ZodType<T> = statsAnswerSchema as unknown as z.ZodType<T>, shape = STATS_SHAPE,
): Promise<T> {
  const res = await probe.request({ path: '/stats' });
  expectStatus(res, 200, 'for GET /stats');
  return expectJson(res, schema, `GET /stats to answer ${shape}`);
}

/** The newest id, so a check can poll from "now" whatever was published before it. */
export async function lastId(probe: Probe): Promise<number> {
  return (await readStats(probe)).last_id;
}

/**
 * Asks /stats every 20 ms until `ready` holds or `deadlineMs` passes, and returns the last stats seen.
 * Waiting for the app's own count is how a check knows its polls are really waiting before it acts.
 */
export async function waitForStats<T extends z.infer<typeof statsAnswerSchema>>(
  probe: Probe, ready: (stats: T) => boolean, deadlineMs: number, schema?: z.ZodType<T>, shape?: string,
): Promise<{ stats: T; met: boolean }> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const stats = await readStats(probe, schema, shape);
    if (ready(stats)) return { stats, met: true };
    if (performance.now() >= deadline) return { stats, met: false };
    await pause(20);
  }
}

/**
 * Runs one step of a check. When the connection ends without an answer, the check fails and says
 * what the step did to the app (dropped the request, or crashed it) instead of erroring with "not
 * running": the step is what broke it, and that is the learner's bug to see.
 */
export async function survives<T>(probe: Probe, step: () => Promise<T>, expected: string, hint: string): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof ProbeError) || (error.kind !== 'closed' && error.kind !== 'unreachable')) throw error;
    const alive = await probe.request({ path: '/stats' }).then(() => true, () => false);
    const what = alive
      ? 'the app closed the connection without an answer: the request threw an exception'
      : 'the app stopped answering: it crashed, most likely on an exception';
    fail(expected, `${what} (look at its output); ${error.message}`, hint);
  }
}

/** For scenarios where time itself must pass (a timer has to fire); never to hope something is ready. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A 200 answer read as a poll answer, or undefined when it is none (another status, not JSON, wrong shape). */
export function pollAnswerOf(res: ProbeResponse): PollAnswer | undefined {
  if (res.timedOut || res.status !== 200) return undefined;
  try {
    const parsed = pollAnswerSchema.safeParse(JSON.parse(res.body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
