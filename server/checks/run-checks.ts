// Runs a lab's checks against the learner's app, one after another, and reports each for a learner.
// All I/O goes through the injected probe, so the same runner serves the playground (sandbox relay),
// the CLI and the tests. A check can pass, fail (the app behaved wrongly) or error (it could not
// judge: the app did not answer, or the check hit its deadline).
import type { Check, CheckReport, CheckResult, Probe, ProbeRequest } from '../contracts/check.ts';
import { CheckFailure } from './expect.ts';
import { DEFAULT_TIMEOUT_MS } from './http-probe.ts';
import { ProbeError } from './probe-error.ts';

export const RUN_HINT = 'Press Run (or run `node server.ts` in the terminal) and try again.';
export const CRASH_HINT = "Look at the app's output for an error, fix it, then press Run and try again.";
export const DEFAULT_DEADLINE_MS = 5_000;

export interface RunChecksOptions {
  /** Each check must finish within this long. */
  deadlineMs?: number;
  /** Asked before the first check, and again after a check lost the app, to tell whether the app
   * answers at all; any HTTP status counts. `false` skips it. */
  reachability?: ProbeRequest | false;
}

const DEFAULT_REACHABILITY: ProbeRequest = { method: 'GET', path: '/', timeoutMs: DEFAULT_TIMEOUT_MS };

export async function runChecks(labId: string, checks: readonly Check[], probe: Probe, options: RunChecksOptions = {}): Promise<CheckReport> {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const reachability = options.reachability ?? DEFAULT_REACHABILITY;
  const whyDown = () => (reachability === false ? Promise.resolve(undefined) : whyUnreachable(probe, reachability));

  const results: CheckResult[] = [];
  let down = await whyDown();
  for (const check of checks) {
    if (down !== undefined) {
      results.push({ id: check.id, title: check.title, status: 'error', seen: `not run: ${down}`, hint: RUN_HINT, ms: 0 });
      continue;
    }
    const result = await runOne(check, probe, deadlineMs);
    results.push(result);
    if (result.status === 'error') down = await whyDown();
  }
  return { lab: labId, passed: results.filter((r) => r.status === 'pass').length, total: results.length, results };
}

/** Undefined when the app gives any HTTP answer; otherwise why not, in a learner's words. */
async function whyUnreachable(probe: Probe, request: ProbeRequest): Promise<string | undefined> {
  try {
    const res = await probe.request(request);
    return res.timedOut ? `the app accepted a connection but gave no answer within ${res.ms} ms` : undefined;
  } catch (error) {
    return error instanceof ProbeError ? error.message : `the app could not be reached (${messageOf(error)})`;
  }
}

async function runOne(check: Check, probe: Probe, deadlineMs: number): Promise<CheckResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const base = { id: check.id, title: check.title };
  // No request of a check may outlive the check's deadline.
  const bounded: Probe = {
    ...(probe.open && { open: probe.open }),
    request: (req) => {
      const remaining = Math.max(1, Math.round(started + deadlineMs - performance.now()));
      return probe.request({ ...req, timeoutMs: Math.min(req.timeoutMs ?? DEFAULT_TIMEOUT_MS, remaining) });
    },
  };

  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(() => resolve('expired'), deadlineMs); });
  try {
    const outcome = await Promise.race([check.run(bounded), expired]);
    if (outcome === 'expired') {
      return { ...base, status: 'error', seen: `the check did not finish within ${deadlineMs} ms`, hint: check.hint, ms: ms() };
    }
    if (outcome.status === 'pass') return { ...base, status: 'pass', seen: outcome.seen, ms: ms() };
    return { ...base, status: 'fail', expected: outcome.expected, seen: outcome.seen, hint: outcome.hint ?? check.hint, ms: ms() };
  } catch (error) {
    if (error instanceof CheckFailure) {
      return { ...base, status: 'fail', expected: error.expected, seen: error.seen, hint: error.hint ?? check.hint, ms: ms() };
    }
    if (error instanceof ProbeError) {
      return { ...base, status: 'error', seen: error.message, hint: hintFor(error, check), ms: ms() };
    }
    return { ...base, status: 'error', seen: `the check itself broke, which is not your fault: ${messageOf(error)}`, ms: ms() };
  } finally {
    clearTimeout(timer);
  }
}

function hintFor(error: ProbeError, check: Check): string {
  if (error.kind === 'unreachable') return RUN_HINT;
  if (error.kind === 'closed') return CRASH_HINT;
  return check.hint;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
