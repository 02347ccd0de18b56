// Checks every feed whose polls wait (`GET /poll?since=N&timeout=S`) must pass, shared by the labs
// that teach waiting: news is answered at once, timeout=0 is a short poll, waits overlap instead of
// queueing, and a since or timeout the app cannot use is refused.
import type { Check, Probe, ProbeResponse } from '../contracts/check.ts';
import { expectConcurrent, measureConcurrentWaits, seconds } from './concurrency.ts';
import { describeResponse, expectJson, expectStatus, fail } from './expect.ts';
import { describePoll, poll, pollAnswerSchema, POLL_SHAPE, publish } from './feed.ts';

/** An answer that needs no waiting must come within this long. */
export const QUICK_MS = 500;
/** How much later than its timeout a waiting poll may answer, on a busy machine. */
export const LATE_MARGIN_MS = 800;
const CONCURRENT_WAITERS = 3;

/** A poll for news newer than `since` that may wait `timeoutS`; the probe waits long enough for it. */
export function waitingPoll(probe: Probe, since: number, timeoutS: number): Promise<ProbeResponse> {
  return probe.request({ path: `/poll?since=${since}&timeout=${timeoutS}`, timeoutMs: timeoutS * 1000 + LATE_MARGIN_MS + 700 });
}

/** Fails unless the answer came after about `waitMs`: not early, and not much later. */
export function expectAnsweredAfter(res: ProbeResponse, waitMs: number, lateMarginMs: number, what: string, hint?: string): void {
  const window = `between ${seconds(waitMs * 0.9, 2)} and ${seconds(waitMs + lateMarginMs, 2)}`;
  if (res.timedOut) fail(`${what} ${window} after the request`, describeResponse(res), hint);
  if (res.ms < waitMs * 0.9 || res.ms > waitMs + lateMarginMs) {
    fail(`${what} ${window} after the request`, `${describeResponse(res)} after ${res.ms} ms`, hint);
  }
}

/** A poll for nothing new answers 204 after about `waitS`; the lab names the check and says how to fix it. */
export function timesOutCheck(waitS: number, check: Pick<Check, 'id' | 'title' | 'hint'>): Check {
  return {
    ...check,
    async run(probe) {
      const id = await publish(probe, { check: check.id });
      const res = await waitingPoll(probe, id, waitS);
      expectStatus(res, 204, `once the ${waitS} s timeout is over, as nothing newer than ${id} was published`);
      expectAnsweredAfter(res, waitS * 1000, LATE_MARGIN_MS, 'the 204');
      return { status: 'pass', seen: `204 after ${res.ms} ms` };
    },
  };
}

export function newsAtOnceCheck(waitS: number): Check {
  return {
    id: 'poll-news-at-once',
    title: 'A poll with news to give answers at once, without waiting',
    hint: 'Look for news before waiting: the wait is only for when there is nothing newer than since.',
    async run(probe) {
      const id = await publish(probe, { check: 'news-at-once' });
      const res = await poll(probe, `?since=${id - 1}&timeout=${waitS}`);
      expectStatus(res, 200, `for since=${id - 1} while message ${id} exists`);
      const answer = expectJson(res, pollAnswerSchema, `an answer shaped ${POLL_SHAPE}`);
      if (answer.messages.length !== 1 || answer.messages[0]?.id !== id) fail(`200 OK with only message ${id}`, describePoll(res));
      if (res.ms > QUICK_MS) fail(`the answer within ${QUICK_MS} ms, since message ${id} was already there`, `it came after ${res.ms} ms`);
      return { status: 'pass', seen: `${describePoll(res)} after ${res.ms} ms` };
    },
  };
}

export function shortPollCheck(): Check {
  return {
    id: 'poll-timeout-0-at-once',
    title: 'A poll without timeout, or with timeout=0, answers 204 at once',
    hint: 'Wait only when timeout is more than 0; a missing timeout means 0, a plain short poll.',
    async run(probe) {
      const id = await publish(probe, { check: 'timeout-0' });
      for (const query of [`?since=${id}`, `?since=${id}&timeout=0`]) {
        const res = await poll(probe, query);
        expectStatus(res, 204, `for ${query} with nothing newer`);
        if (res.ms > QUICK_MS) fail(`the 204 for ${query} within ${QUICK_MS} ms`, `it came after ${res.ms} ms`);
      }
      return { status: 'pass' };
    },
  };
}

/** Waits sent together must overlap; `blockingHint` says what to change when they queue instead. */
export function concurrentWaitsCheck(waitS: number, blockingHint: string): Check {
  const waitMs = waitS * 1000;
  return {
    id: 'waits-run-concurrently',
    title: `${CONCURRENT_WAITERS} polls that wait ${waitS} s, sent together, take about ${waitS} s, not ${CONCURRENT_WAITERS * waitS}`,
    hint: blockingHint,
    async run(probe) {
      const id = await publish(probe, { check: 'concurrent-waits' });
      const measured = await measureConcurrentWaits(probe, {
        paths: Array.from({ length: CONCURRENT_WAITERS }, () => `/poll?since=${id}&timeout=${waitS}`),
        waitMs,
        fastPath: '/stats',
        fastAfterMs: 150,
      });
      const seen = expectConcurrent(measured, '/stats', blockingHint);
      for (const res of measured.answers) {
        expectStatus(res, 204, `for each of the waits, as nothing newer than ${id} was published`);
        expectAnsweredAfter(res, waitMs, LATE_MARGIN_MS, 'each 204');
      }
      return { status: 'pass', seen };
    },
  };
}

export function rejectsBadQueryCheck(): Check {
  return {
    id: 'poll-rejects-bad-query',
    title: 'GET /poll refuses a since or timeout it cannot use',
    hint: 'parseSince and parseTimeout are given in the starter: answer 400 when either returns undefined.',
    async run(probe) {
      for (const query of ['?since=abc', '?since=-1', '?since=0&timeout=abc', '?since=0&timeout=-1', '?since=0&timeout=1000']) {
        expectStatus(await poll(probe, query), 400, `for ${query}`);
      }
      return { status: 'pass' };
    },
  };
}
