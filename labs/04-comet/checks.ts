// What the comet feed must do: wake every waiter when a message comes, answer each exactly once, and
// keep the cursor honest. Each check starts from the newest id and publishes what it needs, so they do
// not depend on one another.
import type { Check } from '../../server/contracts/check.ts';
import { endChecks } from '../../server/checks/comet-end-checks.ts';
import { wakeChecks } from '../../server/checks/comet-wake-checks.ts';
import { expectStatus } from '../../server/checks/expect.ts';
import { poll } from '../../server/checks/feed.ts';
import lab from './lab.ts';

const waitS = lab.timing.checkWait! / 1000;
const wake = wakeChecks({ waitS, wakeBudgetMs: lab.timing.wakeBudget! });
const end = endChecks({ waitS, timeoutS: lab.timing.checkTimeout! / 1000 });

const rejectsBadTimeout: Check = {
  id: 'poll-rejects-bad-timeout',
  title: 'GET /poll refuses a timeout that is not a number of seconds',
  hint: 'parseTimeout is given in the starter: if this fails, compare it with the starter.',
  async run(probe) {
    for (const timeout of ['soon', '-1', '1e3']) {
      expectStatus(await poll(probe, `?since=0&timeout=${timeout}`), 400, `for timeout=${timeout}`);
    }
    return { status: 'pass' };
  },
};

const checks: Check[] = [
  wake.wakesWaiter,
  wake.wakesEveryWaiter,
  wake.countsWoken,
  wake.statsCountsWaiters,
  wake.wakesQuickly,
  wake.nothingLost,
  wake.nothingTwice,
  end.onceAfterWake,
  end.timerClearedAfterWake,
  end.timesOut,
  end.onceAfterTimeout,
  end.shortPoll,
  rejectsBadTimeout,
];

export default checks;
