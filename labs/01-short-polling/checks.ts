// What the short-polling feed must do. Each check publishes the messages it needs, so they do not
// depend on one another or on what the learner published by hand.
import { isDeepStrictEqual } from 'node:util';
import type { Check, ProbeResponse } from '../../server/contracts/check.ts';
import { describeBody, describeResponse, expectJson, expectStatus, fail } from '../../server/checks/expect.ts';
import {
  describePoll, errorAnswerSchema, poll, pollAnswerSchema, POLL_SHAPE, publish, STATS_SHAPE, statsAnswerSchema,
} from '../../server/checks/feed.ts';

const FILTER_HINT = 'In handlePoll, keep only the messages whose id is greater than `since`.';
const NO_CONTENT_HINT = 'When no message is newer than `since`, answer with res.writeHead(204).end(): no JSON, no body.';

/**
 * The hint for an off-by-one: an answer that starts at message `since`, which the client already has
 * (the starter's whole history starts at 1 and gets the check's own hint instead).
 */
function repeatsSinceHint(res: ProbeResponse, since: number): string | undefined {
  const parsed = res.status === 200 ? pollAnswerSchema.safeParse(safeJson(res.body)) : undefined;
  if (!parsed?.success || parsed.data.messages[0]?.id !== since) return undefined;
  return `The answer repeats message ${since}, which a client at since=${since} already has: keep ids greater than since (\`>\`, not \`>=\`; with slice, \`messages.slice(since)\`).`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const checks: Check[] = [
  {
    id: 'publish-numbers-messages',
    title: 'POST /publish gives each message the next id',
    hint: 'Publishing is given in the starter: if it fails, compare your server.ts with the starter.',
    async run(probe) {
      const first = await publish(probe, { check: 'numbering', n: 1 });
      const second = await publish(probe, { check: 'numbering', n: 2 });
      if (second !== first + 1) fail(`the next publish after id ${first} to get id ${first + 1}`, `id ${second}`);
      return { status: 'pass', seen: `ids ${first} and ${second}` };
    },
  },
  {
    id: 'publish-rejects-bad-json',
    title: 'POST /publish refuses a body that is not JSON',
    hint: 'Parse the body with JSON.parse inside try/catch and answer 400 with a JSON error when it throws.',
    async run(probe) {
      const res = await probe.request({ method: 'POST', path: '/publish', headers: { 'content-type': 'application/json' }, body: '{"text": ' });
      expectStatus(res, 400, 'for the body {"text": (cut off, so not JSON)');
      expectJson(res, errorAnswerSchema, 'a JSON error such as {"error":"the body must be JSON"}');
      return { status: 'pass' };
    },
  },
  {
    id: 'poll-newer-only',
    title: 'GET /poll?since=N answers only the messages newer than N',
    hint: FILTER_HINT,
    async run(probe) {
      const seenData = { check: 'newer-only', n: 1 };
      const newData = { check: 'newer-only', n: 2 };
      const seenId = await publish(probe, seenData);
      const newId = await publish(probe, newData);
      const res = await poll(probe, `?since=${seenId}`);
      const expected = `200 OK with only message ${newId} and cursor ${newId} for since=${seenId}`;
      expectStatus(res, 200, `for since=${seenId} while message ${newId} is newer`);
      const answer = expectJson(res, pollAnswerSchema, `an answer shaped ${POLL_SHAPE}`);
      const ids = answer.messages.map((m) => m.id);
      if (ids.length !== 1 || ids[0] !== newId || answer.cursor !== newId) fail(expected, describePoll(res), repeatsSinceHint(res, seenId));
      if (!isDeepStrictEqual(answer.messages[0]?.data, newData)) {
        fail(`message ${newId} to carry the published data ${JSON.stringify(newData)}`, `data ${describeBody(JSON.stringify(answer.messages[0]?.data) ?? '')}`,
          'Store the parsed JSON body as the message\'s data and send it back unchanged.');
      }
      return { status: 'pass', seen: describePoll(res) };
    },
  },
  {
    id: 'poll-nothing-new-204',
    title: 'GET /poll answers 204 No Content when nothing is newer',
    hint: NO_CONTENT_HINT,
    async run(probe) {
      const lastId = await publish(probe, { check: 'nothing-new' });
      const res = await poll(probe, `?since=${lastId}`);
      if (res.timedOut || res.status !== 204 || res.body !== '') {
        fail(`204 No Content with an empty body when nothing is newer than since=${lastId}`, describePoll(res), repeatsSinceHint(res, lastId));
      }
      return { status: 'pass' };
    },
  },
  {
    id: 'poll-since-defaults-to-0',
    title: 'GET /poll without since answers every message',
    hint: 'A missing since means 0: the client has seen nothing yet, so every message is new to it.',
    async run(probe) {
      const lastId = await publish(probe, { check: 'since-default' });
      const res = await poll(probe, '');
      expectStatus(res, 200, 'for GET /poll without since', FILTER_HINT);
      const answer = expectJson(res, pollAnswerSchema, `an answer shaped ${POLL_SHAPE}`);
      const ids = answer.messages.map((m) => m.id);
      const everyId = ids.length === lastId && ids.every((id, index) => id === index + 1);
      if (!everyId || answer.cursor !== lastId) fail(`200 OK with messages 1 to ${lastId} and cursor ${lastId}`, describePoll(res));
      return { status: 'pass', seen: describePoll(res) };
    },
  },
  {
    id: 'poll-rejects-bad-since',
    title: 'GET /poll refuses a since that is not a non-negative integer',
    hint: 'Check `since` before using it and answer 400 when it is not made of digits only.',
    async run(probe) {
      for (const since of ['abc', '-1', '1.5']) {
        const res = await poll(probe, `?since=${since}`);
        expectStatus(res, 400, `for since=${since}`);
      }
      return { status: 'pass' };
    },
  },
  {
    id: 'stats-last-id',
    title: 'GET /stats reports the newest id',
    hint: `GET /stats answers ${STATS_SHAPE}; nobody waits in a short-polling server, so waiters is 0.`,
    async run(probe) {
      const lastId = await publish(probe, { check: 'stats' });
      const res = await probe.request({ path: '/stats' });
      expectStatus(res, 200, 'for GET /stats');
      const stats = expectJson(res, statsAnswerSchema, `an answer shaped ${STATS_SHAPE}`);
      if (stats.last_id !== lastId || stats.waiters !== 0) fail(`{"waiters":0,"last_id":${lastId}} right after publishing message ${lastId}`, describeResponse(res));
      return { status: 'pass', seen: describeBody(res.body) };
    },
  },
  {
    id: 'unknown-path-404',
    title: 'Unknown paths answer 404 Not Found',
    hint: 'Routing is given in the starter: the last branch answers 404 for any route it does not know.',
    async run(probe) {
      const res = await probe.request({ path: '/no-such-page' });
      expectStatus(res, 404, 'for GET /no-such-page');
      return { status: 'pass' };
    },
  },
];

export default checks;
