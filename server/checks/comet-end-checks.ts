// Checks for the ending side of comet (feed contract, DESIGN §6): every wait ends with exactly one
// answer, a publish or a timeout, whichever comes first, and nothing writes to a response after that.
// A second write throws ERR_HTTP_HEADERS_SENT; in a timer callback that exception kills the app, so
// these checks look at the app after the moment the second write would happen.
import type { Check } from '../contracts/check.ts';
import { describeResponse, fail } from './expect.ts';
import { describePoll, publish, publishAnswer } from './feed.ts';
import { expectOnly, openWaiters, WAKE_HINT } from './comet-wake-checks.ts';
import { ANSWER_MARGIN_MS, lastId, longPoll, pause, readStats, survives, type Timed } from './long-poll.ts';

export interface EndTiming {
  /** The timeout a check's poll asks for when it expects to be woken long before it. */
  waitS: number;
  /** A short timeout a check lets run out. */
  timeoutS: number;
}

/** A timer that fires a little late is still on time; one that fires this much late is not. */
const LATE_MS = 600;
/** How long after a timer should have fired a check looks at the app. */
const AFTER_TIMER_MS = 500;
const AT_ONCE_MS = 500;

const TIMER_AFTER_WAKE_HINT = 'When a publish answers a waiter, clearTimeout its timer; otherwise the timer answers the same response again when the timeout comes.';
const ONCE_AFTER_TIMEOUT_HINT = 'When the timer answers 204, take the waiter out of the set too, or the next publish writes to a response that has already ended.';
const ONCE_HINT = 'Answer a waiter only through one function that first takes it out of the set and clears its timer, and answer only when that succeeded.';

export function endChecks(timing: EndTiming): Record<'timesOut' | 'shortPoll' | 'onceAfterWake' | 'timerClearedAfterWake' | 'onceAfterTimeout', Check> {
  const { waitS, timeoutS } = timing;
  const timeoutMs = timeoutS * 1000;
  return {
    timesOut: {
      id: 'poll-times-out-204',
      title: `A poll with nothing new answers 204 when its timeout=${timeoutS} runs out`,
      hint: 'Give each waiter a timer for its timeout that answers 204 No Content with an empty body.',
      async run(probe) {
        const since = await lastId(probe);
        const res = await longPoll(probe, since, timeoutS, timeoutMs + LATE_MS + ANSWER_MARGIN_MS);
        const expected = `204 No Content with an empty body about ${timeoutS} s after GET /poll?since=${since}&timeout=${timeoutS}, with nothing new`;
        if (res.timedOut) fail(expected, `${describeResponse(res)}: the poll never timed out`);
        if (res.status !== 204 || res.body !== '') fail(expected, `${describePoll(res)} after ${res.ms} ms`);
        if (res.ms < timeoutMs - 100) fail(expected, `204 after only ${res.ms} ms: the poll did not wait`);
        if (res.ms > timeoutMs + LATE_MS) fail(expected, `204 after ${res.ms} ms, ${res.ms - timeoutMs} ms late`);
        return { status: 'pass', seen: `204 after ${res.ms} ms` };
      },
    },

    shortPoll: {
      id: 'poll-timeout-0-at-once',
      title: 'A poll with timeout=0, or none, answers at once',
      hint: 'Wait only when timeout is more than 0: timeout=0, and a missing timeout, make a plain short poll.',
      async run(probe) {
        const since = await lastId(probe);
        for (const query of [`?since=${since}&timeout=0`, `?since=${since}`]) {
          const res = await probe.request({ path: `/poll${query}` });
          if (res.timedOut || res.status !== 204 || res.ms > AT_ONCE_MS) {
            fail(`204 No Content within ${AT_ONCE_MS} ms for GET /poll${query}, with nothing new`, `${describePoll(res)} after ${res.ms} ms`);
          }
        }
        return { status: 'pass' };
      },
    },

    onceAfterWake: {
      id: 'woken-poll-answered-once',
      title: 'A woken poll leaves the waiters, so the next publish does not answer it again',
      hint: ONCE_HINT,
      async run(probe) {
        const { since, polls, before } = await openWaiters(probe, 1, waitS);
        const id = await publish(probe, { check: 'once-after-wake', n: 1 });
        const [{ res }] = (await polls) as [Timed];
        expectOnly(res, [id], since, `for the poll that waited since ${since}`, WAKE_HINT);
        const expected = 'the next publish to be answered normally, with no poll left to wake';
        const next = await survives(probe, () => publishAnswer(probe, { check: 'once-after-wake', n: 2 }), expected, ONCE_HINT);
        const stats = await readStats(probe);
        if (next.waiters !== 0 || stats.waiters !== before) {
          fail(expected, `POST /publish answered "waiters":${next.waiters} and GET /stats "waiters":${stats.waiters}: the answered poll is still counted`, ONCE_HINT);
        }
        return { status: 'pass' };
      },
    },

    timerClearedAfterWake: {
      id: 'woken-poll-timer-cleared',
      title: 'A woken poll\'s timer does not fire later',
      hint: TIMER_AFTER_WAKE_HINT,
      async run(probe) {
        const started = performance.now();
        const { since, polls } = await openWaiters(probe, 1, timeoutS);
        const id = await publish(probe, { check: 'timer-after-wake' });
        const [{ res }] = (await polls) as [Timed];
        expectOnly(res, [id], since, `for the poll that waited since ${since}`, WAKE_HINT);
        await pause(started + timeoutMs + AFTER_TIMER_MS - performance.now());
        const stats = await survives(probe, () => readStats(probe),
          `the app to keep running after the woken poll's ${timeoutS} s timeout has passed`, TIMER_AFTER_WAKE_HINT);
        return { status: 'pass', seen: `still running, ${stats.waiters} waiters` };
      },
    },

    onceAfterTimeout: {
      id: 'timed-out-poll-answered-once',
      title: 'A poll that timed out leaves the waiters, so the next publish does not answer it again',
      hint: ONCE_AFTER_TIMEOUT_HINT,
      async run(probe) {
        const before = await readStats(probe);
        const res = await longPoll(probe, before.last_id, timeoutS, timeoutMs + LATE_MS + ANSWER_MARGIN_MS);
        if (res.status !== 204) fail(`204 No Content when timeout=${timeoutS} runs out`, describePoll(res), 'Give each waiter a timer for its timeout that answers 204.');
        const expected = 'the next publish to be answered normally, with no poll left to wake';
        const next = await survives(probe, () => publishAnswer(probe, { check: 'once-after-timeout' }), expected, ONCE_AFTER_TIMEOUT_HINT);
        const stats = await readStats(probe);
        if (next.waiters !== 0 || stats.waiters !== before.waiters) {
          fail(expected, `POST /publish answered "waiters":${next.waiters} and GET /stats "waiters":${stats.waiters}: the timed-out poll is still counted`);
        }
        return { status: 'pass' };
      },
    },
  };
}
