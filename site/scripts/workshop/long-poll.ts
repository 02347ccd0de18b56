// Follows a long-poll feed (GET ...events?since=N&timeout=S) for as long as the page lives: the very
// technique the course teaches. A failed poll is retried after a wait that doubles up to a ceiling, and
// the caller is told whether the feed is live or reconnecting so the page can say so.
import { ApiError } from '../api-call.ts';
import { retryDelay } from '../backoff.ts';

export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface FeedOptions<T extends { cursor: number }> {
  poll(since: number, timeoutSeconds: number, signal: AbortSignal): Promise<T>;
  onAnswer(answer: T, previousCursor: number): void;
  onState(state: FeedState, error?: ApiError): void;
  since?: number;
}

/** Seconds the server may hold a poll; nginx in front of a workshop waits longer than this (nginx/workshop.conf). */
export const POLL_TIMEOUT_S = 20;

/** Answers that will not get better by asking again: not joined, not the instructor, workshop gone. */
const refused = (error: unknown) => error instanceof ApiError && [401, 403, 404].includes(error.status);

export function followFeed<T extends { cursor: number }>(options: FeedOptions<T>): { stop(): void } {
  const controller = new AbortController();
  let cursor = options.since ?? 0;

  async function run(): Promise<void> {
    let failures = 0;
    let live = false;
    options.onState('connecting');
    while (!controller.signal.aborted) {
      try {
        const answer = await options.poll(cursor, POLL_TIMEOUT_S, controller.signal);
        const previous = cursor;
        cursor = answer.cursor;
        if (!live) options.onState('live');
        live = true;
        failures = 0;
        options.onAnswer(answer, previous);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (refused(error)) {
          options.onState('refused', error as ApiError);
          return;
        }
        failures += 1;
        live = false;
        options.onState('reconnecting', error instanceof ApiError ? error : undefined);
        await new Promise((resolve) => setTimeout(resolve, retryDelay(failures)));
      }
    }
  }

  void run();
  return { stop: () => controller.abort() };
}
