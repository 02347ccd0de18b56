// What a feed run as two processes behind nginx must do: every publish reaches the waiters of both
// processes, ids and cursors mean the same on both, and nginx balances held polls and lets a quiet
// poll end in the app's own 204. Every feed request goes through nginx (8888), as a browser's would;
// cluster.ts on 8999 only says what each process holds.
import { z } from 'zod';
import type { Check, Probe, ProbeResponse } from '../../server/contracts/check.ts';
import { seconds } from '../../server/checks/concurrency.ts';
import { describeResponse, expectJson, expectStatus, fail } from '../../server/checks/expect.ts';
import { pollAnswerSchema, publishAnswerSchema, statsAnswerSchema, PUBLISH_SHAPE } from '../../server/checks/feed.ts';
import lab from './lab.ts';

const NGINX = 8888;
const WAIT_S = lab.timing.checkWait! / 1000;
const MAX_WAIT_MS = lab.timing.maxWait!;
const WAITERS = 4;
const SETTLE_MS = 1500;
const STARTING_WITHIN_MS = 3000;

const SHARE_HINT = 'Keep the messages in Redis (RPUSH gives a global id) and PUBLISH a notification that every process SUBSCRIBEs to; each process then wakes its own waiters.';
const LOSS = 'a publish that reaches only the process it hit';

const backendsSchema = z.object({
  backends: z.array(z.object({ port: z.number(), stats: statsAnswerSchema.nullable() })),
});
type Backend = z.infer<typeof backendsSchema>['backends'][number];

/**
 * What cluster.ts reports about each process, once both answer (a process may still be starting, or
 * waiting for Redis); fails if one does not answer in time.
 */
async function backends(probe: Probe): Promise<Backend[]> {
  const deadline = performance.now() + STARTING_WITHIN_MS;
  for (;;) {
    const res = await probe.request({ path: '/backends' });
    expectStatus(res, 200, 'for GET /backends from cluster.ts on 8999', 'Run the lab (node cluster.ts) so both processes start.');
    const { backends: list } = expectJson(res, backendsSchema, '{"backends":[{"port":9001,"stats":{...}}, ...]}');
    const down = list.filter((b) => b.stats === null).map((b) => b.port);
    if (list.length >= 2 && down.length === 0) return list;
    if (performance.now() > deadline) {
      fail('two feed processes that answer GET /stats', down.length > 0 ? `no answer from ${down.join(' and ')}` : `${list.length} process`,
        'Look at the app output: a process that cannot start (Redis not running?) stops the cluster.');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const via = (res: ProbeResponse) => res.headers['x-backend'] ?? '?';

/** Waits (with a deadline) until the processes hold `count` waiters, or one of `polls` came back early. */
async function untilWaiting(probe: Probe, count: number, polls: Promise<ProbeResponse>[]): Promise<void> {
  let answered = false;
  for (const poll of polls) void poll.then(() => { answered = true; }, () => { answered = true; });
  const deadline = performance.now() + SETTLE_MS;
  while (!answered && performance.now() < deadline) {
    const held = (await backends(probe)).reduce((sum, b) => sum + b.stats!.waiters, 0);
    if (held >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function publishVia(probe: Probe, data: unknown): Promise<{ id: number; backend: string }> {
  const res = await probe.request({ port: NGINX, method: 'POST', path: '/publish', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) });
  expectStatus(res, 200, 'for POST /publish through nginx', 'Publishing must work through nginx before this check can judge anything else.');
  return { id: expectJson(res, publishAnswerSchema, `POST /publish to answer ${PUBLISH_SHAPE}`).id, backend: via(res) };
}

function pollVia(probe: Probe, since: number, timeoutS: number): Promise<ProbeResponse> {
  return probe.request({ port: NGINX, path: `/poll?since=${since}&timeout=${timeoutS}`, timeoutMs: timeoutS * 1000 + 1500 });
}

/** The ids in a poll answer, or undefined when it is not a 200 with messages. */
function idsIn(res: ProbeResponse): number[] | undefined {
  if (res.status !== 200) return undefined;
  try {
    return pollAnswerSchema.parse(JSON.parse(res.body)).messages.map((m) => m.id);
  } catch {
    return undefined;
  }
}

/** "2 on 9001, 2 on 9002" */
function spread(ports: string[]): string {
  const counts = new Map<string, number>();
  for (const port of ports) counts.set(port, (counts.get(port) ?? 0) + 1);
  return [...counts].map(([port, n]) => `${n} on ${port}`).join(', ');
}

/** Fails, naming the mistake, when the processes do not agree on the newest id. */
function expectSameLastId(list: Backend[]): number {
  const ids = list.map((b) => b.stats!.last_id);
  if (new Set(ids).size > 1) {
    fail('both processes to report the same last id', list.map((b) => `${b.port} says ${b.stats!.last_id}`).join(', ') +
      `: each process keeps its own messages, ${LOSS}`, SHARE_HINT);
  }
  return ids[0]!;
}

const reachesEveryBackend: Check = {
  id: 'publish-reaches-every-backend',
  title: 'A publish through nginx wakes the waiters of every process',
  hint: SHARE_HINT,
  async run(probe) {
    const since = expectSameLastId(await backends(probe));
    const polls = Array.from({ length: WAITERS }, () => pollVia(probe, since, WAIT_S));
    await untilWaiting(probe, WAITERS, polls);
    const published = await publishVia(probe, { check: 'every-backend' });
    const answers = await Promise.all(polls);
    const ports = answers.map(via);
    if (new Set(ports).size < 2) {
      fail(`${WAITERS} polls sent at once to land on both processes`, `every poll reached ${ports[0]}`,
        'nginx.conf must balance over both servers of the upstream; ip_hash sends every loopback client to one of them.');
    }
    const missed = answers.filter((res) => !idsIn(res)?.includes(published.id));
    if (missed.length > 0) {
      const seen = answers.map((res) => `${via(res)}: ${idsIn(res)?.includes(published.id) ? `got message ${published.id}` : describeResponse(res)}`);
      const expected = `all ${WAITERS} waiters (${spread(ports)}) to get message ${published.id}`;
      // Nobody got it, not even on the process that took the publish: the waking itself is wrong.
      if (missed.length === answers.length) {
        fail(expected, `the publish went to ${published.backend}; ${seen.join('; ')}: no waiter got it, not even on ${published.backend}`,
          'Look at how a notification answers the waiters, and at the ids of what you read back: list position n holds message n + 1.');
      }
      fail(expected, `the publish went to ${published.backend}; ${seen.join('; ')}: ${LOSS}`);
    }
    return { status: 'pass', seen: `message ${published.id} reached all ${WAITERS} waiters (${spread(ports)})` };
  },
};

const idsAreGlobal: Check = {
  id: 'ids-are-global',
  title: 'Publishes through different processes get consecutive ids',
  hint: 'Let Redis number the messages: the length RPUSH answers is the same count for every process.',
  async run(probe) {
    const sent = [];
    for (let n = 1; n <= 4; n += 1) sent.push(await publishVia(probe, { check: 'global-ids', n }));
    const ids = sent.map((p) => p.id);
    const consecutive = ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1);
    if (!consecutive) {
      fail('4 publishes in a row to get 4 consecutive ids', `ids ${sent.map((p) => `${p.id} (from ${p.backend})`).join(', ')}: each process counts on its own`);
    }
    return { status: 'pass', seen: `ids ${ids.join(', ')} from ${spread(sent.map((p) => p.backend))}` };
  },
};

const cursorAcrossBackends: Check = {
  id: 'cursor-across-backends',
  title: 'A client that follows its cursor gets every message once, whichever process it asks',
  hint: 'Any process must answer any cursor: read the messages newer than since from Redis (LRANGE from position since, which holds message since + 1), not from memory.',
  async run(probe) {
    let cursor = expectSameLastId(await backends(probe));
    const published: number[] = [];
    const received: number[] = [];
    const asked: string[] = [];
    // Two polls per publish, so that with any balancing the polls land on both processes.
    for (let n = 1; n <= 3; n += 1) {
      published.push((await publishVia(probe, { check: 'cursor', n })).id);
      for (let k = 0; k < 2; k += 1) {
        const res = await pollVia(probe, cursor, 0);
        asked.push(via(res));
        if (res.status === 204) continue;
        const ids = idsIn(res);
        if (ids === undefined) fail(`200 or 204 for since=${cursor} through nginx`, `${describeResponse(res)} from ${via(res)}`);
        received.push(...ids);
        cursor = Math.max(cursor, ...ids);
      }
    }
    const twice = received.filter((id, i) => received.indexOf(id) !== i);
    const lost = published.filter((id) => !received.includes(id));
    if (lost.length > 0 || twice.length > 0 || received.length !== published.length) {
      fail(`messages ${published.join(', ')}, each once`,
        `received ${received.join(', ') || 'nothing'}${lost.length ? `, lost ${lost.join(', ')}` : ''}${twice.length ? `, twice ${twice.join(', ')}` : ''} (polls answered by ${spread(asked)})`);
    }
    return { status: 'pass', seen: `messages ${received.join(', ')} once each, polls answered by ${spread(asked)}` };
  },
};

const heldPollsSpread: Check = {
  id: 'held-polls-spread',
  title: 'nginx spreads held long polls over both processes',
  hint: 'Round robin counts requests, so short requests between long polls pile the polls onto one process, and ip_hash sends every loopback client to the same one. Put `least_conn;` in the upstream block.',
  async run(probe) {
    const since = expectSameLastId(await backends(probe));
    const polls: Promise<ProbeResponse>[] = [];
    // A long poll, then a short request, four times: what a page does when it polls and loads things.
    for (let n = 0; n < WAITERS; n += 1) {
      polls.push(pollVia(probe, since, WAIT_S));
      await untilWaiting(probe, n + 1, polls);
      await probe.request({ port: NGINX, path: '/stats' });
    }
    const held = (await backends(probe)).map((b) => ({ port: b.port, waiters: b.stats!.waiters }));
    // Release the waiters so they do not linger into the next check.
    await publishVia(probe, { check: 'spread' });
    await Promise.all(polls);
    if (held.some((b) => b.waiters === 0)) {
      fail(`the ${WAITERS} held polls on both processes`, held.map((b) => `${b.port} held ${b.waiters}`).join(', '));
    }
    return { status: 'pass', seen: held.map((b) => `${b.port} held ${b.waiters}`).join(', ') };
  },
};

const quietPollEnds204: Check = {
  id: 'quiet-poll-ends-in-204',
  title: 'A quiet long poll through nginx ends in the app\'s 204, not nginx\'s 504',
  hint: `The app ends a wait after ${seconds(MAX_WAIT_MS)}; nginx's proxy_read_timeout must be longer than that, or nginx answers 504 first (and tries the other process too).`,
  async run(probe) {
    const since = expectSameLastId(await backends(probe));
    // The client asks for 30 s; the app must cut it to its own limit, and nginx must wait that long.
    const res = await probe.request({ port: NGINX, path: `/poll?since=${since}&timeout=30`, timeoutMs: MAX_WAIT_MS + 1500 });
    const expected = `204 No Content from the app after about ${seconds(MAX_WAIT_MS)}`;
    if (res.timedOut) fail(expected, `no answer within ${seconds(res.ms)}: nginx retried the wait on the other process, or the app did not cap it`);
    if (res.status === 504) fail(expected, `504 Gateway Time-out from nginx after ${seconds(res.ms)}: proxy_read_timeout is not longer than the app's wait`);
    if (res.status !== 204) fail(expected, `${describeResponse(res)} after ${seconds(res.ms)}`);
    return { status: 'pass', seen: `204 after ${seconds(res.ms)} from ${via(res)}` };
  },
};

const checks: Check[] = [reachesEveryBackend, idsAreGlobal, cursorAcrossBackends, heldPollsSpread, quietPollEnds204];

export default checks;
