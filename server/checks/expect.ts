// Small assertions for checks. They throw a CheckFailure, which the runner turns into a failed check,
// so a check reads as a straight line of expectations. `seen` always shows what the app really did.
import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';
import type { ProbeResponse } from '../contracts/check.ts';

export class CheckFailure extends Error {
  readonly expected: string;
  readonly seen: string;
  readonly hint: string | undefined;

  constructor(expected: string, seen: string, hint?: string) {
    super(`expected ${expected}; saw ${seen}`);
    this.name = 'CheckFailure';
    this.expected = expected;
    this.seen = seen;
    this.hint = hint;
  }
}

export function fail(expected: string, seen: string, hint?: string): never {
  throw new CheckFailure(expected, seen, hint);
}

const QUOTE_LIMIT = 160;

/** `200 OK with {"id":1}`, `204 No Content with an empty body`, `no answer within 2000 ms`. */
export function describeResponse(res: ProbeResponse): string {
  if (res.timedOut) return `no answer within ${res.ms} ms`;
  return `${statusText(res.status)} with ${describeBody(res.body)}`;
}

export function describeBody(body: string): string {
  if (body.length === 0) return 'an empty body';
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > QUOTE_LIMIT ? `${oneLine.slice(0, QUOTE_LIMIT)}… (${body.length} characters)` : oneLine;
}

export function statusText(status: number): string {
  const reason = STATUS_CODES[status];
  return reason ? `${status} ${reason}` : String(status);
}

/** Fails unless the answer has this status; `when` says in which situation, for the learner. */
export function expectStatus(res: ProbeResponse, status: number, when: string, hint?: string): void {
  if (res.timedOut || res.status !== status) fail(`${statusText(status)} ${when}`, describeResponse(res), hint);
}

/** Parses the body as JSON matching `schema`; `what` names the expected shape for the learner. */
export function expectJson<T>(res: ProbeResponse, schema: z.ZodType<T>, what: string, hint?: string): T {
  let value: unknown;
  try {
    value = JSON.parse(res.body);
  } catch {
    fail(`a JSON body: ${what}`, `${describeResponse(res)}, which is not JSON`, hint);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (at ${issue.path.join('.')}: ${issue.message})` : '';
    fail(what, `${describeBody(res.body)}${where}`, hint);
  }
  return parsed.data;
}
