// How the timeline names the end of an exchange, decided from what was seen on the wire alone, so the
// load engine, the checks' probe and any other client of the relay colour their bars the same way.
import type { ExchangeOutcome } from '../contracts/instruments.ts';

/** Why an exchange ended without a complete answer: the client gave up, or the connection failed. */
export type ExchangeFailure = { kind: 'aborted'; reason: string } | { kind: 'error'; reason: string };

export interface ExchangeEnding {
  status: number | null;
  /** Messages in a feed answer (`GET /poll`); null when the answer is not one. */
  messages: number | null;
  failure: ExchangeFailure | null;
}

/** A poll that asks the app to wait (`timeout` above 0): its 204 is a timeout, a short poll's is an empty answer. */
export function isLongPoll(path: string): boolean {
  const timeout = /[?&]timeout=([^&]*)/.exec(path)?.[1];
  return timeout !== undefined && Number(timeout) > 0;
}

export function classifyOutcome({ status, messages, failure }: ExchangeEnding, longPoll: boolean): ExchangeOutcome {
  if (failure) return failure.kind;
  if (status === 204) return longPoll ? 'timeout' : 'empty';
  if (status === 502) return 'bad-gateway';
  if (status === 504) return 'gateway-timeout';
  if (status !== null && status >= 200 && status < 300) return messages === 0 ? 'empty' : 'data';
  return 'error';
}

/** The message count of a feed answer, or null when `body` is not `{"cursor":N,"messages":[...]}`. */
export function countFeedMessages(body: string): number | null {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { cursor, messages } = value as { cursor?: unknown; messages?: unknown };
  return typeof cursor === 'number' && Array.isArray(messages) ? messages.length : null;
}
