// What the re-checking feed must do: wait without blocking, deliver news within one re-check, give up
// at the timeout, count its waiters, and leave no timer running once a poll is answered. Each check
// publishes what it needs and starts from the newest id, so they do not depend on one another.
import { z } from 'zod';
import type { Check, Probe } from '../../server/contracts/check.ts';
import { describeResponse, expectJson, expectStatus, fail } from '../../server/checks/expect.ts';
import { describePoll, pollAnswerSchema, POLL_SHAPE, publish, statsAnswerSchema } from '../../server/checks/feed.ts';
import {
  concurrentWaitsCheck, newsAtOnceCheck, rejectsBadQueryCheck, shortPollCheck, timesOutCheck, waitingPoll,
} from '../../server/checks/waiting-poll.ts';
import lab from './lab.ts';

const RECHECK_MS = lab.timing.recheck!;
const WAIT_MS = lab.timing.checkWait!;
const WAIT_S = WAIT_MS / 1000;
// A re-check of 500 ms delivers within 500 ms; the rest is room for a busy machine.
const DELIVERY_LIMIT_MS = RECHECK_MS + 500;
const BLOCKING_HINT = 'If each 204 came too early, the wait ends before its timeout: fix that first. If the polls were answered one after another, something in the wait blocks the event loop (a busy loop, Atomics.wait, execSync): book the next look with setTimeout and return.';
const TIMERS_SHAPE = '{"waiters":W,"last_id":N,"lookups":L,"timers":T}';
const timersStatsSchema = statsAnswerSchema.extend({ timers: z.number().int().nonnegative() });

type Stats = z.infer<typeof timersStatsSchema>;

async function stats(probe: Probe): Promise<Stats> {
  const res = await probe.request({ path: '/stats' });
  expectStatus(res, 200, 'for GET /stats');
  return expectJson(res, timersStatsSchema, `GET /stats to answer ${TIMERS_SHAPE}`, 'The starter\'s /stats route reports timers; put it back if it is gone.');
}

/** Asks /stats until `done` holds or `withinMs` passes; returns the last answer either way. */
async function statsUntil(probe: Probe, done: (s: Stats) => boolean, withinMs: number): Promise<Stats> {
  const until = performance.now() + withinMs;
  for (;;) {
    const seen = await stats(probe);
    if (done(seen) || performance.now() >= until) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const checks: Check[] = [
  newsAtOnceCheck(WAIT_S),
  shortPollCheck(),
  timesOutCheck(WAIT_S, {
    id: 'poll-times-out-204',
    title: `A poll with nothing new answers 204 after its timeout (${WAIT_S} s), not before and not much later`,
    hint: 'Remember when the wait must end (Date.now() + timeout * 1000) and answer 204 at the first look that finds that time passed.',
  }),
  {
    id: 'publish-during-wait-delivered',
    title: `A message published during a wait reaches the waiting poll within about ${RECHECK_MS} ms`,
    hint: `Look again every ${RECHECK_MS} ms while the poll waits, not only at the end of its timeout.`,
    async run(probe) {
      const timeoutS = 3;
      const id = await publish(probe, { check: 'delivered', n: 1 });
      const started = performance.now();
      const waiting = waitingPoll(probe, id, timeoutS);
      await new Promise((resolve) => setTimeout(resolve, 700));
      const newId = await publish(probe, { check: 'delivered', n: 2 });
      const publishedAt = performance.now() - started;
      const res = await waiting;
      const expected = `200 OK with message ${newId} within ${DELIVERY_LIMIT_MS} ms of its publish, ${Math.round(publishedAt)} ms into a ${timeoutS} s wait`;
      if (res.timedOut || res.status !== 200) fail(expected, `${describePoll(res)} after ${res.ms} ms`);
      const answer = expectJson(res, pollAnswerSchema, `an answer shaped ${POLL_SHAPE}`);
      if (!answer.messages.some((m) => m.id === newId)) fail(expected, describePoll(res));
      const delay = Math.round(res.ms - publishedAt);
      if (delay > DELIVERY_LIMIT_MS) fail(expected, `${describePoll(res)}, ${delay} ms after the publish`);
      return { status: 'pass', seen: `message ${newId} arrived ${Math.max(0, delay)} ms after its publish` };
    },
  },
  concurrentWaitsCheck(WAIT_S, BLOCKING_HINT),
  {
    id: 'stats-counts-waiters',
    title: 'GET /stats counts the polls waiting right now',
    hint: 'Add 1 to waiters when a poll starts to wait, and take 1 off exactly once, when it is answered.',
    async run(probe) {
      const before = (await stats(probe)).waiters;
      const id = await publish(probe, { check: 'waiters', n: 1 });
      const polls = [waitingPoll(probe, id, 3), waitingPoll(probe, id, 3)];
      const during = await statsUntil(probe, (s) => s.waiters === before + 2, 1_000);
      if (during.waiters !== before + 2) fail(`waiters ${before + 2} while two polls wait (it was ${before} before)`, `waiters ${during.waiters}`);
      await publish(probe, { check: 'waiters', n: 2 });
      const answers = await Promise.all(polls);
      for (const res of answers) expectStatus(res, 200, 'for each waiting poll, after a publish');
      const after = await statsUntil(probe, (s) => s.waiters === before, 500);
      if (after.waiters !== before) fail(`waiters back to ${before} once both polls were answered`, `waiters ${after.waiters}`);
      return { status: 'pass', seen: `waiters ${before}, then ${during.waiters} while two polls waited, then ${after.waiters}` };
    },
  },
  {
    id: 'timers-stop-after-answer',
    title: 'No timer keeps running after a poll is answered',
    hint: 'Every setInterval needs a clearInterval, and a setTimeout booked for the deadline needs a clearTimeout when news comes first. Or book one setTimeout at a time, and none after the answer.',
    async run(probe) {
      const base = (await stats(probe)).timers;
      const id = await publish(probe, { check: 'timers', n: 1 });
      // Answered by its timeout: a re-check interval left running would still be counted after it.
      const timedOut = await waitingPoll(probe, id, WAIT_S);
      expectStatus(timedOut, 204, `for a ${WAIT_S} s poll with nothing new`);
      let seen = await statsUntil(probe, (s) => s.timers <= base, RECHECK_MS + 300);
      if (seen.timers > base) {
        fail(`the timers count back to ${base} once a poll with timeout=${WAIT_S} was answered with 204`,
          `timers ${seen.timers}, ${RECHECK_MS + 300} ms after that answer: a timer is still running`);
      }
      // Answered by news long before its timeout: a deadline timer left booked would still be counted.
      const news = waitingPoll(probe, id, 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await publish(probe, { check: 'timers', n: 2 });
      const delivered = await news;
      if (delivered.timedOut || delivered.status !== 200) fail('200 OK for a poll that was waiting when a message was published', describeResponse(delivered));
      seen = await statsUntil(probe, (s) => s.timers <= base, RECHECK_MS + 300);
      if (seen.timers > base) {
        fail(`the timers count back to ${base} once a poll with timeout=2 was answered with news`,
          `timers ${seen.timers}, ${RECHECK_MS + 300} ms after that answer, long before the 2 s timeout: a timer is still running`);
      }
      return { status: 'pass', seen: `timers ${base} after each answer` };
    },
  },
  rejectsBadQueryCheck(),
];

export default checks;
