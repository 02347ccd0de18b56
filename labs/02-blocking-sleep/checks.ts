// What the waiting feed must do, above all: wait without stopping everyone else. Each check publishes
// what it needs and starts from the newest id, so they do not depend on one another.
import type { Check } from '../../server/contracts/check.ts';
import { expectJson, fail } from '../../server/checks/expect.ts';
import { describePoll, pollAnswerSchema, POLL_SHAPE, publish } from '../../server/checks/feed.ts';
import {
  concurrentWaitsCheck, newsAtOnceCheck, rejectsBadQueryCheck, shortPollCheck, timesOutCheck, waitingPoll,
} from '../../server/checks/waiting-poll.ts';
import lab from './lab.ts';

const WAIT_MS = lab.timing.checkWait!;
const WAIT_S = WAIT_MS / 1000;
const BLOCKING_HINT = 'sleep() blocks the event loop (a busy loop, Atomics.wait or execSync all do). Make it return a Promise that setTimeout resolves, and `await` it in handlePoll.';
const NO_AWAIT_HINT = 'The poll did not wait: write `await sleep(timeout * 1000);` in handlePoll. Without `await`, the handler answers at once and the timer fires later, for nobody.';
// The concurrency check gives one hint both for waits that queue and for waits that end at once.
const WAIT_HINT = 'Each wait must give the thread back and still hold its answer: make sleep() return a Promise that setTimeout resolves (a busy loop, Atomics.wait or execSync block the event loop), and `await` it in handlePoll.';

const checks: Check[] = [
  newsAtOnceCheck(WAIT_S),
  shortPollCheck(),
  timesOutCheck(WAIT_S, {
    id: 'poll-waits-then-204',
    title: `A poll with nothing new waits its timeout (${WAIT_S} s), then answers 204`,
    hint: `When nothing is newer than since, wait timeout seconds, look again, and answer 204 when there is still nothing. A 204 at once means handlePoll does not \`await\` sleep().`,
  }),
  {
    id: 'poll-sees-news-from-the-wait',
    title: 'A message published during a wait is in that poll\'s answer',
    hint: BLOCKING_HINT,
    async run(probe) {
      const id = await publish(probe, { check: 'news-during-wait', n: 1 });
      const waiting = waitingPoll(probe, id, WAIT_S);
      const publishAfterMs = WAIT_MS * 0.3;
      await new Promise((resolve) => setTimeout(resolve, publishAfterMs));
      const newId = await publish(probe, { check: 'news-during-wait', n: 2 });
      const res = await waiting;
      const expected = `200 OK with message ${newId}, published ${publishAfterMs} ms into a ${WAIT_S} s wait`;
      if (!res.timedOut && res.ms < publishAfterMs) fail(expected, `${describePoll(res)} after ${res.ms} ms, before the publish: the poll did not wait`, NO_AWAIT_HINT);
      if (res.timedOut || res.status !== 200) fail(expected, `${describePoll(res)}: the publish could not get in while the poll waited`);
      const answer = expectJson(res, pollAnswerSchema, `an answer shaped ${POLL_SHAPE}`);
      if (!answer.messages.some((m) => m.id === newId)) fail(expected, describePoll(res));
      return { status: 'pass', seen: describePoll(res) };
    },
  },
  concurrentWaitsCheck(WAIT_S, WAIT_HINT),
  rejectsBadQueryCheck(),
];

export default checks;
