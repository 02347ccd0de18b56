// What a comet feed must do so that every wait ends: answer by the server's own limit whatever the
// client asks, and forget a client the moment it leaves, timer included. The leak check comes last:
// in an app that leaks, what it leaves behind would only confuse the others.
import { z } from 'zod';
import type { Check, Probe } from '../../server/contracts/check.ts';
import { endChecks } from '../../server/checks/comet-end-checks.ts';
import { wakeChecks } from '../../server/checks/comet-wake-checks.ts';
import { describeResponse, fail } from '../../server/checks/expect.ts';
import { describePoll, statsAnswerSchema } from '../../server/checks/feed.ts';
import { ANSWER_MARGIN_MS, lastId, longPoll, readStats, waitForStats } from '../../server/checks/long-poll.ts';
import lab from './lab.ts';

const MAX_MS = lab.timing.maxTimeout!;
const ABANDONED = 100;
const LEAVE_AFTER_MS = lab.timing.checkLeaveAfter!;
const FORGOTTEN_WITHIN_MS = lab.timing.checkForgottenWithin!;
const LATE_MS = 600;

const statsSchema = statsAnswerSchema.extend({ timers: z.number().int().nonnegative() });
type Stats = z.infer<typeof statsSchema>;
const STATS_SHAPE = '{"waiters":W,"last_id":N,"timers":T,...} (stats() is given in the starter)';

const waitS = lab.timing.checkWait! / 1000;
const wake = wakeChecks({ waitS, wakeBudgetMs: lab.timing.wakeBudget! });
const end = endChecks({ waitS, timeoutS: lab.timing.checkTimeout! / 1000 });

const CLOSE_HINT = "In handlePoll, after adding the waiter: res.on('close', () => settle(waiter)). settle() takes it out of the set and clears its timer.";

interface Abandoned {
  before: Stats;
  during: Stats;
  after: Stats;
}

/**
 * Opens ABANDONED long polls that would wait the server's whole limit, leaves them all after
 * LEAVE_AFTER_MS (the probe closes each connection), and watches /stats for FORGOTTEN_WITHIN_MS,
 * well before the server's own timeouts would clean up.
 */
async function abandonPolls(probe: Probe): Promise<Abandoned> {
  const before = await readStats(probe, statsSchema, STATS_SHAPE);
  const polls = Promise.all(Array.from({ length: ABANDONED }, () => longPoll(probe, before.last_id, MAX_MS / 1000, LEAVE_AFTER_MS)));
  polls.catch(() => undefined);
  const counted = await waitForStats(probe, (s) => s.waiters >= before.waiters + ABANDONED, LEAVE_AFTER_MS - 200, statsSchema, STATS_SHAPE);
  const answered = (await polls).filter((res) => !res.timedOut);
  if (answered.length > 0) {
    fail(`${ABANDONED} polls with nothing new and timeout=${MAX_MS / 1000} to wait`, `${answered.length} were answered within ${LEAVE_AFTER_MS} ms, one with ${describePoll(answered[0]!)}`);
  }
  if (!counted.met) {
    fail(`"waiters":${before.waiters + ABANDONED} in GET /stats while ${ABANDONED} more polls wait`, `"waiters":${counted.stats.waiters}`, 'Count the set of waiters in GET /stats, so a leak can be seen at all.');
  }
  const after = await waitForStats(probe, (s) => s.waiters <= before.waiters && s.timers <= before.timers, FORGOTTEN_WITHIN_MS, statsSchema, STATS_SHAPE);
  return { before, during: counted.stats, after: after.stats };
}

const left = `within ${FORGOTTEN_WITHIN_MS} ms after ${ABANDONED} waiting clients left`;

const timeoutCapped: Check = {
  id: 'timeout-capped',
  title: `A poll that asks to wait longer than ${MAX_MS / 1000} s gets 204 after ${MAX_MS / 1000} s`,
  hint: 'Cap the timeout in parseTimeout: Math.min(Number(raw), MAX_TIMEOUT_S), with MAX_TIMEOUT_S = 3.',
  async run(probe) {
    const since = await lastId(probe);
    const res = await longPoll(probe, since, 600, MAX_MS + LATE_MS + ANSWER_MARGIN_MS);
    const expected = `204 No Content after ${MAX_MS / 1000} s for GET /poll?since=${since}&timeout=600, the server's limit`;
    if (res.timedOut) fail(expected, `${describeResponse(res)}: the app meant to wait the 600 s it was asked for`);
    if (res.status !== 204 || res.ms < MAX_MS - 100 || res.ms > MAX_MS + LATE_MS) fail(expected, `${describePoll(res)} after ${res.ms} ms`);
    return { status: 'pass', seen: `204 after ${res.ms} ms` };
  },
};

const clientGone: Check = {
  id: 'client-gone-forgotten',
  title: 'A client that goes away leaves no waiter and no timer behind',
  hint: CLOSE_HINT,
  async run(probe) {
    const { before, during, after } = await abandonPolls(probe);
    if (after.waiters > before.waiters) {
      fail(`"waiters":${before.waiters} again ${left}`, `"waiters":${after.waiters} (${during.waiters} while they waited): their waiters leaked`);
    }
    if (after.timers > before.timers) {
      fail(`"timers":${before.timers} again ${left}`, `"timers":${after.timers} (${during.timers} while they waited): the waiters are gone but their timers still run`,
        'Settle the waiter on close, do not only delete it: its timer must be cleared too, or it runs (and holds the response) until the timeout.');
    }
    return { status: 'pass', seen: `waiters ${before.waiters}, ${during.waiters}, then ${after.waiters}; timers ${before.timers}, ${during.timers}, then ${after.timers}` };
  },
};

const checks: Check[] = [
  end.timesOut,
  end.shortPoll,
  wake.wakesWaiter,
  end.timerClearedAfterWake,
  end.onceAfterTimeout,
  timeoutCapped,
  clientGone,
];

export default checks;
