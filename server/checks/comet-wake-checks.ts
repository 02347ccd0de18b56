// Checks for the waking side of comet (feed contract, DESIGN §6): a publish answers every waiting
// poll at once, reports how many it woke, and the cursor loses nothing and repeats nothing. Shared by
// every lab whose app is a comet feed; each lab picks the ones its lesson has taught.
import { isDeepStrictEqual } from 'node:util';
import type { Check, Probe, ProbeResponse } from '../contracts/check.ts';
import { fail } from './expect.ts';
import { describePoll, publish, publishAnswer } from './feed.ts';
import { type Timed, longPoll, pollAnswerOf, readStats, timed, waitForStats } from './long-poll.ts';

export interface WakeTiming {
  /** The timeout a check's poll asks for when it expects to be woken long before it. */
  waitS: number;
  /** The most a message may take, on average, from its publish to a waiting poll. */
  wakeBudgetMs: number;
}

/** How long a check waits for /stats to count the polls it opened before it publishes anyway. */
const COUNTED_WITHIN_MS = 1_000;
const WAKE_ROUNDS = 6;
const AT_ONCE_MS = 500;

export const WAKE_HINT = 'In handlePublish, answer every waiter in the set with the new message, then take it out of the set.';
const CURSOR_HINT = 'Look for messages newer than since before waiting, and answer them at once; a client is not waiting while it reads an answer.';

interface Waiting {
  since: number;
  /** Resolves with every poll's answer; never rejects unhandled, even if nobody awaits it. */
  polls: Promise<Timed[]>;
  before: number;
  /** Whether /stats counted them all before the deadline. */
  counted: boolean;
}

/** Opens `count` long polls from the newest id and waits until /stats counts them (or a deadline). */
export async function openWaiters(probe: Probe, count: number, timeoutS: number): Promise<Waiting> {
  const { waiters: before, last_id: since } = await readStats(probe);
  const polls = Promise.all(Array.from({ length: count }, () => timed(longPoll(probe, since, timeoutS))));
  polls.catch(() => undefined);
  const { met } = await waitForStats(probe, (stats) => stats.waiters >= before + count, COUNTED_WITHIN_MS);
  return { since, polls, before, counted: met };
}

const twice = (since: number) => `delivered twice, the client had them already (since=${since})`;

/** Fails unless `res` is a 200 carrying exactly `ids` (and their cursor); names old and missing ones. */
export function expectOnly(res: ProbeResponse, ids: number[], since: number, when: string, hint?: string): void {
  const expected = `200 OK with ${ids.length === 1 ? `only message ${ids[0]}` : `only messages ${ids.join(' and ')}`} and cursor ${ids.at(-1)} ${when}`;
  const answer = pollAnswerOf(res);
  if (answer === undefined) {
    const never = res.status === 204 ? `: ${ids.length === 1 ? 'the message never came' : 'they never came'}` : '';
    fail(expected, `${describePoll(res)} after ${res.ms} ms${never}`, hint);
  }
  const got = answer.messages.map((m) => m.id);
  const old = got.filter((id) => id <= since);
  if (old.length > 0) fail(expected, `${describePoll(res)}: ${old.join(', ')} ${twice(since)}`, hint);
  const missing = ids.filter((id) => !got.includes(id));
  if (missing.length > 0) fail(expected, `${describePoll(res)}: ${missing.join(', ')} lost`, hint);
  if (answer.cursor < ids.at(-1)!) fail(expected, `${describePoll(res)}: a client that asks again from cursor ${answer.cursor} gets message ${ids.at(-1)} twice`, hint);
  if (got.length !== ids.length || answer.cursor !== ids.at(-1)) fail(expected, describePoll(res), hint);
}

export function wakeChecks(timing: WakeTiming): Record<'wakesWaiter' | 'wakesEveryWaiter' | 'wakesQuickly' | 'countsWoken' | 'statsCountsWaiters' | 'nothingLost' | 'nothingTwice', Check> {
  const { waitS, wakeBudgetMs } = timing;
  return {
    wakesWaiter: {
      id: 'publish-wakes-waiter',
      title: 'A waiting poll gets the message published while it waits',
      hint: WAKE_HINT,
      async run(probe) {
        const { since, polls } = await openWaiters(probe, 1, waitS);
        const data = { check: 'wake', note: 'answered to a waiting poll' };
        const id = await publish(probe, data);
        const [{ res }] = (await polls) as [Timed];
        expectOnly(res, [id], since, `for the poll that waited since ${since}`);
        if (!isDeepStrictEqual(pollAnswerOf(res)?.messages[0]?.data, data)) {
          fail(`message ${id} to carry the published data ${JSON.stringify(data)}`, describePoll(res), 'Send the message as it was stored: {"id":N,"data":...}.');
        }
        return { status: 'pass', seen: `${describePoll(res)} after ${res.ms} ms` };
      },
    },

    wakesEveryWaiter: {
      id: 'publish-wakes-every-waiter',
      title: 'A publish wakes every waiting poll, not only the first',
      hint: 'Loop over the whole set of waiters in handlePublish. One variable, or the first entry, holds only one of them.',
      async run(probe) {
        const count = 3;
        const { since, polls } = await openWaiters(probe, count, waitS);
        const id = await publish(probe, { check: 'every-waiter' });
        const answers = (await polls).map((p) => p.res);
        const left = answers.filter((res) => pollAnswerOf(res)?.messages.some((m) => m.id === id) !== true);
        if (left.length > 0) {
          fail(`all ${count} polls waiting since ${since} to get message ${id}`,
            `${count - left.length} of ${count} got it; the other ${left.length} got ${describePoll(left[0]!)} after ${left[0]!.ms} ms`);
        }
        for (const res of answers) expectOnly(res, [id], since, `for each of the ${count} waiting polls`);
        return { status: 'pass', seen: `${count} of ${count} polls got message ${id}` };
      },
    },

    wakesQuickly: {
      id: 'publish-wakes-at-once',
      title: `A waiting poll gets a new message within ${wakeBudgetMs} ms of its publish`,
      hint: 'A delay of about half your check interval means the poll looks for news on a timer. Wake waiters from handlePublish instead, and let the timer only end the wait.',
      async run(probe) {
        const delays: number[] = [];
        for (let round = 0; round < WAKE_ROUNDS; round += 1) {
          const { since, polls } = await openWaiters(probe, 1, waitS);
          const sent = performance.now();
          const id = await publish(probe, { check: 'wake-delay', round });
          const [{ res, at }] = (await polls) as [Timed];
          expectOnly(res, [id], since, `for the poll that waited since ${since}`, WAKE_HINT);
          delays.push(Math.round(at - sent));
          // Stop as soon as the average cannot come back under budget, so a slow poller fails in time.
          const total = delays.reduce((a, b) => a + b, 0);
          if (total > wakeBudgetMs * WAKE_ROUNDS) break;
        }
        const average = Math.round(delays.reduce((a, b) => a + b, 0) / delays.length);
        const each = `${delays.join(', ')} ms`;
        if (average > wakeBudgetMs || delays.length < WAKE_ROUNDS) {
          fail(`each message to reach the waiting poll within ${wakeBudgetMs} ms of its publish, on average over ${WAKE_ROUNDS} publishes`, `${average} ms on average (${each})`);
        }
        return { status: 'pass', seen: `${average} ms on average (${each})` };
      },
    },

    countsWoken: {
      id: 'publish-counts-woken',
      title: 'POST /publish says how many waiting polls it woke',
      hint: 'Count the waiters you answer in handlePublish and send that number as "waiters".',
      async run(probe) {
        const count = 2;
        const { polls, counted } = await openWaiters(probe, count, waitS);
        if (!counted) fail(`GET /stats to count ${count} more waiters while ${count} polls wait`, 'it never did within 1 s', 'Report the size of the set of waiters as "waiters" in GET /stats.');
        const answer = await publishAnswer(probe, { check: 'counts-woken' });
        await polls;
        if (answer.waiters !== count) fail(`{"id":${answer.id},"waiters":${count}} from POST /publish while ${count} polls waited`, JSON.stringify(answer));
        return { status: 'pass', seen: JSON.stringify(answer) };
      },
    },

    statsCountsWaiters: {
      id: 'stats-counts-waiters',
      title: 'GET /stats counts the polls waiting right now',
      hint: 'Report the size of the set of waiters as "waiters" in GET /stats, and take each waiter out of the set when it is answered.',
      async run(probe) {
        const count = 2;
        const { polls, before } = await openWaiters(probe, count, waitS);
        const during = await readStats(probe);
        if (during.waiters !== before + count) fail(`"waiters":${before + count} while ${count} more polls wait`, `"waiters":${during.waiters} (${before} before they came)`);
        await publish(probe, { check: 'stats-counts' });
        await polls;
        const after = await waitForStats(probe, (stats) => stats.waiters === before, COUNTED_WITHIN_MS);
        if (!after.met) fail(`"waiters":${before} again once both polls were answered`, `"waiters":${after.stats.waiters}`);
        return { status: 'pass', seen: `waiters ${before}, ${during.waiters}, then ${after.stats.waiters}` };
      },
    },

    nothingLost: {
      id: 'cursor-loses-nothing',
      title: 'Messages published between two polls come with the next poll, at once',
      hint: CURSOR_HINT,
      async run(probe) {
        const { since, polls } = await openWaiters(probe, 1, waitS);
        const first = await publish(probe, { check: 'between-polls', n: 1 });
        const [{ res }] = (await polls) as [Timed];
        expectOnly(res, [first], since, `for the first poll`, WAKE_HINT);
        // The client is between polls now: whatever is published here must wait for it.
        const second = await publish(probe, { check: 'between-polls', n: 2 });
        const third = await publish(probe, { check: 'between-polls', n: 3 });
        const next = await longPoll(probe, first, waitS);
        expectOnly(next, [second, third], first, `for the next poll, since=${first}, published while the client was between polls`);
        if (next.ms > AT_ONCE_MS) fail(`that answer at once, since both messages were already there`, `it came after ${next.ms} ms`);
        return { status: 'pass', seen: `${describePoll(next)} after ${next.ms} ms` };
      },
    },

    nothingTwice: {
      id: 'cursor-repeats-nothing',
      title: 'No message is delivered twice to a client that follows the cursor',
      hint: 'Send only messages whose id is greater than since, and set cursor to the id of the last one you send.',
      async run(probe) {
        const { since, polls } = await openWaiters(probe, 1, waitS);
        const id = await publish(probe, { check: 'nothing-twice' });
        const [{ res }] = (await polls) as [Timed];
        expectOnly(res, [id], since, `for the poll that waited since ${since}`);
        const again = await longPoll(probe, id, 0);
        const repeated = pollAnswerOf(again)?.messages.filter((m) => m.id <= id).map((m) => m.id) ?? [];
        if (again.status !== 204) {
          fail(`204 No Content for since=${id}&timeout=0, the cursor it was given, with nothing newer`,
            `${describePoll(again)}${repeated.length > 0 ? `: ${repeated.join(', ')} ${twice(id)}` : ''}`);
        }
        return { status: 'pass' };
      },
    },
  };
}
