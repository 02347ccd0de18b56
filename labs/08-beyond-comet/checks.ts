// What the feed must do over its two streams: SSE events with ids, resumed after Last-Event-ID, with
// heartbeats; WebSocket messages after a correct handshake; and both through nginx as they happen.
import { isDeepStrictEqual } from 'node:util';
import type { Check, Probe } from '../../server/contracts/check.ts';
import { seconds } from '../../server/checks/concurrency.ts';
import { describeBody, expectJson, expectStatus, fail, statusText } from '../../server/checks/expect.ts';
import { publish, statsAnswerSchema } from '../../server/checks/feed.ts';
import lab from './lab.ts';
import { HEAD_WITHIN_MS, openEventStream, openWebSocket, type LabPort, type Session } from './streams.ts';
import type { SseEvent, SseItem } from './starter/event-stream.ts';

const ARRIVAL_MS = lab.timing.checkArrival!;
const HEARTBEAT_WITHIN_MS = lab.timing.checkHeartbeat!;
const SSE_HINT = 'GET /events answers 200 with content-type text/event-stream and then keeps writing to the response, never ending it.';
const WS_HINT = 'Handle the server\'s upgrade event for /ws with acceptWebSocket(req, socket, head) from websocket.ts.';

async function lastId(probe: Probe): Promise<number> {
  const res = await probe.request({ path: '/stats' });
  expectStatus(res, 200, 'for GET /stats');
  return expectJson(res, statsAnswerSchema, '{"waiters":W,"last_id":N}').last_id;
}

const eventsOf = (session: Session<SseItem>): SseEvent[] =>
  session.items.flatMap(({ value }) => (value.type === 'event' && value.event.data !== '' ? [value.event] : []));

/** Fails unless the answer is an open event stream; `where` says through what, for the learner. */
function expectEventStream(session: Session<SseItem>, where: string): void {
  if (session.status === 0) fail(`200 OK with content-type text/event-stream ${where}`, `no answer within ${HEAD_WITHIN_MS} ms, not even its headers`);
  const type = session.headers['content-type'] ?? 'none';
  if (session.status !== 200 || !type.startsWith('text/event-stream')) {
    fail(`200 OK with content-type text/event-stream ${where}`, `${statusText(session.status)}, content-type ${type}${session.body ? `, ${describeBody(session.body)}` : ''}`, SSE_HINT);
  }
}

function describeEvents(events: SseEvent[]): string {
  if (events.length === 0) return 'no event';
  return events.map((e) => `id ${e.id ?? '(none)'} data ${describeBody(e.data)}`).join('; ');
}

/** Opens a stream after the newest message, publishes two, and expects both as events in time. */
async function expectLiveEvents(probe: Probe, port: LabPort, where: string): Promise<string> {
  const since = await lastId(probe);
  const session = await openEventStream(probe, port, `/events?since=${since}`);
  try {
    expectEventStream(session, where);
    const sent = [{ check: 'sse', n: 1 }, { check: 'sse', n: 2 }];
    const started = session.elapsed();
    const ids = [await publish(probe, sent[0]), await publish(probe, sent[1])];
    await session.until(() => eventsOf(session).length >= 2, ARRIVAL_MS);
    const events = eventsOf(session);
    const expected = `events with ids ${ids.join(' and ')} carrying the published JSON, within ${ARRIVAL_MS} ms ${where}`;
    const right = events.length === 2 && events.every((e, i) => e.id === String(ids[i]) && isDeepStrictEqual(safeParse(e.data), sent[i]));
    if (!right) {
      // Old events on time point at the cursor, an ended response at the stream itself: not at nginx.
      const stale = events.filter((e) => Number(e.id) <= since).map((e) => e.id);
      if (stale.length > 0) {
        fail(expected, `${describeEvents(events)}: id ${stale.join(', ')} is not newer than since=${since}`,
          'A stream opened with ?since=N starts after message N: write only the messages newer than N, then each new one.');
      }
      const ended = session.ended ? ', and the response ended' : '';
      fail(expected, `${describeEvents(events)} after ${session.elapsed() - started} ms${ended}`, session.ended ? SSE_HINT : undefined);
    }
    const late = Math.max(...session.items.filter((item) => item.value.type === 'event').map((item) => item.at)) - started;
    return `ids ${ids.join(' and ')} arrived within ${late} ms`;
  } finally {
    session.close();
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const sseStream: Check = {
  id: 'sse-stream',
  title: 'GET /events opens an event stream that says how soon to reconnect',
  hint: SSE_HINT,
  async run(probe) {
    const session = await openEventStream(probe, 8999, `/events?since=${await lastId(probe)}`);
    try {
      expectEventStream(session, 'for GET /events');
      await session.until(() => session.items.some(({ value }) => value.type === 'event' && value.event.retry !== undefined), ARRIVAL_MS);
      const retry = session.items.find(({ value }) => value.type === 'event' && value.event.retry !== undefined);
      if (!retry) fail('a retry: field (such as retry: 1000) at the start of the stream', session.ended ? 'the response ended without one' : `none within ${ARRIVAL_MS} ms`,
        'Write `retry: 1000\\n\\n` right after the headers: the browser then waits 1 s before reconnecting.');
      if (session.ended) fail('the response to stay open', 'it ended', SSE_HINT);
      return { status: 'pass', seen: `text/event-stream, open, retry ${retry.value.type === 'event' ? retry.value.event.retry : ''} ms` };
    } finally {
      session.close();
    }
  },
};

const sseEventsWithIds: Check = {
  id: 'sse-events-with-ids',
  title: 'Each published message arrives on the stream as an event with its id',
  hint: 'For each new message, write `id: N\\ndata: <the JSON>\\n\\n` to every response in eventStreams.',
  run: async (probe) => ({ status: 'pass', seen: await expectLiveEvents(probe, 8999, 'on a stream opened before the publishes') }),
};

const sseResumes: Check = {
  id: 'sse-resumes-from-last-event-id',
  title: 'A stream reopened with Last-Event-ID gets exactly the messages it missed',
  hint: 'Start the stream after the id in the Last-Event-ID header: send only the messages newer than it, before the new ones.',
  async run(probe) {
    const seen = await publish(probe, { check: 'resume', n: 1 });
    const missed = [await publish(probe, { check: 'resume', n: 2 }), await publish(probe, { check: 'resume', n: 3 })];
    // Like a browser reconnecting: the first connection's URL again, and the last id it saw.
    const session = await openEventStream(probe, 8999, '/events', { 'last-event-id': String(seen) });
    try {
      expectEventStream(session, 'for GET /events with Last-Event-ID');
      await session.until(() => eventsOf(session).length >= 2, ARRIVAL_MS);
      const ids = eventsOf(session).map((e) => e.id);
      if (!isDeepStrictEqual(ids, missed.map(String))) {
        fail(`events ${missed.join(' and ')} (after Last-Event-ID: ${seen}), each once`, ids.length > 0 ? `events with ids ${ids.join(', ')}` : `no event within ${ARRIVAL_MS} ms`);
      }
      return { status: 'pass', seen: `events ${ids.join(' and ')} after Last-Event-ID: ${seen}` };
    } finally {
      session.close();
    }
  },
};

const sseHeartbeat: Check = {
  id: 'sse-heartbeat',
  title: 'A quiet event stream gets a heartbeat comment every few seconds',
  hint: 'Every 2 s, write a comment line such as `: heartbeat\\n\\n`, and clear that interval when the response closes.',
  async run(probe) {
    const session = await openEventStream(probe, 8999, `/events?since=${await lastId(probe)}`);
    try {
      expectEventStream(session, 'for GET /events');
      await session.until(() => session.items.some(({ value }) => value.type === 'comment'), HEARTBEAT_WITHIN_MS);
      const beat = session.items.find(({ value }) => value.type === 'comment');
      if (!beat) fail(`a comment line (starting with :) within ${seconds(HEARTBEAT_WITHIN_MS)} on a quiet stream`, session.ended ? 'the response ended' : 'nothing');
      return { status: 'pass', seen: `a heartbeat after ${beat.at} ms` };
    } finally {
      session.close();
    }
  },
};

/** Opens /ws after the newest message, publishes two, and expects both as text messages in time. */
async function expectWebSocket(probe: Probe, port: LabPort, where: string): Promise<string> {
  const since = await lastId(probe);
  const ws = await openWebSocket(probe, port, `/ws?since=${since}`);
  try {
    if (ws.status === 0) fail(`101 Switching Protocols for a WebSocket handshake on /ws ${where}`, `no answer within ${HEAD_WITHIN_MS} ms`);
    if (ws.status !== 101) {
      fail(`101 Switching Protocols for a WebSocket handshake on /ws ${where}`, `${statusText(ws.status)}${ws.body ? ` with ${describeBody(ws.body)}` : ''}`);
    }
    if (!ws.acceptOk) fail('a Sec-WebSocket-Accept header made from the Sec-WebSocket-Key sent', `sec-websocket-accept: ${ws.headers['sec-websocket-accept'] ?? '(none)'}`, WS_HINT);
    const sent = [{ check: 'ws', n: 1 }, { check: 'ws', n: 2 }];
    const ids = [await publish(probe, sent[0]), await publish(probe, sent[1])];
    await ws.until(() => ws.items.length >= 2, ARRIVAL_MS);
    const got = ws.items.map(({ value }) => safeParse(value));
    if (!isDeepStrictEqual(got, ids.map((id, i) => ({ id, data: sent[i] })))) {
      fail(`two text messages {"id":${ids[0]},"data":...} and {"id":${ids[1]},"data":...} within ${ARRIVAL_MS} ms ${where}`,
        ws.items.length === 0 ? `nothing${ws.ended ? ', and the connection closed' : ''}` : ws.items.map(({ value }) => describeBody(value)).join('; '));
    }
    return `messages ${ids.join(' and ')} within ${Math.max(...ws.items.map((item) => item.at))} ms of opening`;
  } finally {
    ws.close();
  }
}

const wsDelivers: Check = {
  id: 'ws-delivers',
  title: 'A WebSocket on /ws gets each published message',
  hint: WS_HINT,
  run: async (probe) => ({ status: 'pass', seen: await expectWebSocket(probe, 8999, 'straight to the app') }),
};

const nginxSse: Check = {
  id: 'nginx-sse-unbuffered',
  title: 'Through nginx, events arrive as they happen, not when the response ends',
  hint: 'nginx buffers what the app sends. Add `proxy_buffering off;` to the /events location (or send the header X-Accel-Buffering: no from the app).',
  run: async (probe) => ({ status: 'pass', seen: await expectLiveEvents(probe, 8888, 'through nginx on 8888') }),
};

const nginxWs: Check = {
  id: 'nginx-websocket',
  title: 'Through nginx, the WebSocket handshake succeeds and messages arrive',
  hint: 'nginx drops the Upgrade request headers unless told: in location /ws, `proxy_http_version 1.1;`, `proxy_set_header Upgrade $http_upgrade;` and `proxy_set_header Connection "upgrade";`.',
  run: async (probe) => ({ status: 'pass', seen: await expectWebSocket(probe, 8888, 'through nginx on 8888') }),
};

const checks: Check[] = [sseStream, sseEventsWithIds, sseResumes, sseHeartbeat, wsDelivers, nginxSse, nginxWs];

export default checks;
