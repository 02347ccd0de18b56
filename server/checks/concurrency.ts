// Whether the app serves waiting requests side by side or one after another. A single-threaded server
// that blocks its event loop while one request waits answers the next only when that wait is over,
// so N waits take N times as long, and a fast request sent meanwhile waits too: its latency is the
// stall. Both are measured from outside, over the probe, so no app can fake them.
import type { Probe, ProbeResponse } from '../contracts/check.ts';
import { fail } from './expect.ts';

export interface ConcurrentWaits {
  /** The waiting requests, all sent at once. */
  paths: string[];
  /** How long each of them should wait before its answer. */
  waitMs: number;
  /** A request the app should answer at once, sent while the waits are under way. */
  fastPath: string;
  /** When to send it, after the waits. */
  fastAfterMs: number;
}

export interface WaitsMeasured {
  answers: ProbeResponse[];
  /** From sending the waits until the last of them was answered (or gave up). */
  totalMs: number;
  fast: ProbeResponse;
  waitMs: number;
}

/** Sends the waits together and the fast request in their midst, and times everything. */
export async function measureConcurrentWaits(probe: Probe, plan: ConcurrentWaits): Promise<WaitsMeasured> {
  // Long enough for a server that answers the waits strictly one by one, so a blocked loop is
  // reported as such and not as a silent server.
  const timeoutMs = plan.paths.length * plan.waitMs + 1_500;
  const started = performance.now();
  const waits = Promise.all(plan.paths.map(async (path) => {
    const res = await probe.request({ path, timeoutMs });
    return { res, at: performance.now() - started };
  }));
  await new Promise((resolve) => setTimeout(resolve, plan.fastAfterMs));
  const [done, fast] = await Promise.all([waits, probe.request({ path: plan.fastPath, timeoutMs })]);
  return {
    answers: done.map((d) => d.res),
    totalMs: Math.round(Math.max(...done.map((d) => d.at))),
    fast,
    waitMs: plan.waitMs,
  };
}

/** `1 s`, `0.5 s`, `3.0 s`: seconds as a learner reads them. */
export function seconds(ms: number, digits = 1): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(digits)} s`;
}

function describeWaits(m: WaitsMeasured): string {
  return `${m.answers.length} waits of ${seconds(m.waitMs)}`;
}

function describeStall(m: WaitsMeasured, fastPath: string): string {
  if (m.fast.timedOut) return `GET ${fastPath}, sent during them, got no answer within ${m.fast.ms} ms`;
  return `GET ${fastPath}, sent during them, waited ${m.fast.ms} ms for its answer`;
}

/**
 * Fails unless the waits overlapped: together they must take well under the time of answering them
 * one after another. Passes with what was seen, stall included.
 */
export function expectConcurrent(m: WaitsMeasured, fastPath: string, hint: string): string {
  const lost = m.answers.filter((res) => res.timedOut).length;
  const expected = `${describeWaits(m)}, sent together, to be answered together after about ${seconds(m.waitMs)}`;
  if (lost > 0) {
    fail(expected, `${lost} of them got no answer within ${seconds(m.answers.length * m.waitMs + 1_500)}; ${describeStall(m, fastPath)}`, hint);
  }
  // Halfway between "all at once" (one wait) and "one by one" (N waits).
  const serialMs = m.answers.length * m.waitMs;
  if (m.totalMs >= (m.waitMs + serialMs) / 2) {
    fail(expected, `requests were served one after another: ${describeWaits(m)} took ${seconds(m.totalMs)}; ${describeStall(m, fastPath)}, so the event loop was blocked`, hint);
  }
  return `${describeWaits(m)} took ${seconds(m.totalMs)} together; ${describeStall(m, fastPath)}`;
}
