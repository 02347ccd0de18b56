// The traffic recorder without a network: how outcomes are named, how a batch merges the updates of one
// exchange, and that history stays bounded however much traffic comes.
import { describe, expect, it } from 'vitest';
import { exchangeSchema, instrumentMessageSchema, type InstrumentMessage } from '../../server/contracts/instruments.ts';
import { classifyOutcome, countFeedMessages, isLongPoll } from '../../server/instruments/exchange-outcome.ts';
import { Ring } from '../../server/instruments/ring.ts';
import { TrafficRecorder, type ExchangeStart } from '../../server/instruments/traffic-recorder.ts';

const poll = (path = '/poll?since=0&timeout=10'): ExchangeStart => ({
  source: 'load', lane: 'c0', port: 8999, method: 'GET', path, requestHeaders: { host: '127.0.0.1:8999' }, requestBody: null,
});
const answered = (status: number, body: string, messages: number | null) => ({ status, messages, failure: null, bytesIn: 100 + body.length, bytesOut: 40, responseBody: body });

function recorder(options: Partial<ConstructorParameters<typeof TrafficRecorder>[0]> = {}) {
  const sent: InstrumentMessage[] = [];
  let id = 0;
  const traffic = new TrafficRecorder({ lab: 'comet', nextId: () => ++id, emit: (message) => sent.push(message), batchMs: 60_000, ...options });
  return { traffic, sent };
}

describe('outcome classification', () => {
  it.each([
    [{ status: 200, messages: 2, failure: null }, true, 'data'],
    [{ status: 200, messages: 0, failure: null }, false, 'empty'],
    [{ status: 200, messages: null, failure: null }, false, 'data'],
    [{ status: 201, messages: null, failure: null }, false, 'data'],
    [{ status: 204, messages: null, failure: null }, true, 'timeout'],
    [{ status: 204, messages: null, failure: null }, false, 'empty'],
    [{ status: 502, messages: null, failure: null }, true, 'bad-gateway'],
    [{ status: 504, messages: null, failure: null }, true, 'gateway-timeout'],
    [{ status: 500, messages: null, failure: null }, true, 'error'],
    [{ status: 404, messages: null, failure: null }, false, 'error'],
    [{ status: null, messages: null, failure: { kind: 'aborted', reason: 'run stopped' } }, true, 'aborted'],
    [{ status: 200, messages: null, failure: { kind: 'error', reason: 'reset' } }, true, 'error'],
  ] as const)('%j (long poll: %s) is %s', (ending, longPoll, outcome) => {
    expect(classifyOutcome(ending, longPoll)).toBe(outcome);
  });

  it('tells a long poll by its timeout, and counts the messages of feed answers only', () => {
    expect(isLongPoll('/poll?since=3&timeout=20')).toBe(true);
    expect(isLongPoll('/poll?timeout=0.5')).toBe(true);
    expect(isLongPoll('/poll?since=3&timeout=0')).toBe(false);
    expect(isLongPoll('/poll?since=3')).toBe(false);
    expect(countFeedMessages('{"cursor":4,"messages":[{"id":4,"data":1}]}')).toBe(1);
    expect(countFeedMessages('{"cursor":4,"messages":[]}')).toBe(0);
    expect(countFeedMessages('{"messages":[]}')).toBeNull();
    expect(countFeedMessages('not json')).toBeNull();
    expect(countFeedMessages('null')).toBeNull();
  });
});

describe('traffic recorder', () => {
  it('records an exchange from start to end with timings, bytes and its detail', () => {
    const { traffic } = recorder();
    const handle = traffic.begin(poll());
    const [open] = traffic.recent();
    expect(open).toMatchObject({ id: 1, outcome: 'open', headersMs: null, endMs: null, status: null });
    handle.head(200, { 'content-type': 'application/json' });
    handle.end(answered(200, '{"cursor":1,"messages":[{"id":1,"data":"x"}]}', 1));
    const [done] = traffic.recent();
    expect(exchangeSchema.parse(done)).toMatchObject({ outcome: 'data', status: 200, messages: 1, bytesOut: 40 });
    expect(done!.endMs!).toBeGreaterThanOrEqual(done!.headersMs!);
    expect(traffic.detail(1)).toMatchObject({ responseHeaders: { 'content-type': 'application/json' }, requestHeaders: { host: '127.0.0.1:8999' } });
    // A second end (a late error after the answer) changes nothing.
    handle.end({ status: null, messages: null, failure: { kind: 'error', reason: 'late' }, bytesIn: 0, bytesOut: 0, responseBody: null });
    expect(traffic.recent()[0]!.outcome).toBe('data');
  });

  it('sends one batch per period, merging the start and the end of an exchange into one record', () => {
    const { traffic, sent } = recorder();
    const a = traffic.begin(poll());
    const b = traffic.begin(poll());
    a.end(answered(204, '', null));
    traffic.published({ at: Date.now(), id: 7, waiters: 1 });
    traffic.flush();
    expect(sent).toHaveLength(1);
    const [batch] = sent;
    expect(instrumentMessageSchema.parse(batch)).toMatchObject({ type: 'traffic', lab: 'comet' });
    if (batch!.type !== 'traffic') throw new Error('not traffic');
    expect(batch.exchanges.map((e) => [e.id, e.outcome])).toEqual([[1, 'timeout'], [2, 'open']]);
    expect(batch.publishes).toEqual([expect.objectContaining({ id: 7, waiters: 1 })]);
    // The open one is sent again when it ends; an empty period sends nothing.
    b.end(answered(200, '{"cursor":0,"messages":[]}', 0));
    traffic.flush();
    traffic.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ type: 'traffic', exchanges: [{ id: 2, outcome: 'empty' }], publishes: [] });
    // What was sent is a copy: later changes do not alter a batch already handed out.
    expect(batch.exchanges[1]!.outcome).toBe('open');
  });

  it('flushes by itself after the batch period', async () => {
    const { traffic, sent } = recorder({ batchMs: 20 });
    traffic.begin(poll());
    const deadline = Date.now() + 5000;
    while (sent.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sent.map((m) => m.type)).toEqual(['traffic']);
    traffic.close();
  });

  it('caps a batch and says how many exchanges were left out of it', () => {
    const { traffic, sent } = recorder({ maxBatch: 3 });
    for (let i = 0; i < 5; i++) traffic.begin(poll());
    traffic.flush();
    expect(sent.map((m) => m.type)).toEqual(['traffic', 'dropped']);
    expect(sent[0]!.type === 'traffic' && sent[0].exchanges).toHaveLength(3);
    expect(sent[1]).toEqual({ type: 'dropped', lab: 'comet', exchanges: 2 });
    // Left out of the batch, not out of the record.
    expect(traffic.recent()).toHaveLength(5);
  });

  it('keeps the newest records and details only, and forgets evicted details', () => {
    const { traffic } = recorder({ keepExchanges: 10, keepDetails: 4, keepMarks: 2 });
    for (let i = 0; i < 25; i++) traffic.begin(poll(`/poll?since=${i}`)).end(answered(200, 'x'.repeat(10_000), null));
    for (let i = 0; i < 5; i++) traffic.published({ at: i, id: i, waiters: 0 });
    expect(traffic.recent().map((e) => e.id)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(traffic.details().map((d) => d.id)).toEqual([25, 24, 23, 22]);
    expect(traffic.details(2).map((d) => d.id)).toEqual([25, 24]);
    expect(traffic.detail(21)).toBeUndefined();
    expect(traffic.detail(25)!.responseBody).toHaveLength(4096);
    expect(traffic.marks().map((m) => m.id)).toEqual([3, 4]);
  });

  it('a ring gives back what it evicts, oldest first', () => {
    const ring = new Ring<number>(3);
    expect([1, 2, 3].map((n) => ring.push(n))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.toArray()).toEqual([2, 3, 4]);
    expect(() => new Ring(0)).toThrow(/positive integer/);
  });
});
