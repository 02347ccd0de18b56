import { describe, expect, it } from 'vitest';
import type { ProbeResponse } from '../../server/contracts/check.ts';
import { CheckFailure, describeResponse, expectJson, expectStatus } from '../../server/checks/expect.ts';
import { describePoll, errorAnswerSchema, pollAnswerSchema } from '../../server/checks/feed.ts';

const res = (status: number, body = '', timedOut = false): ProbeResponse => ({ status, headers: {}, body, ms: 2000, timedOut });

function failureOf(action: () => unknown): CheckFailure {
  try {
    action();
  } catch (error) {
    if (error instanceof CheckFailure) return error;
    throw error;
  }
  throw new Error('expected a CheckFailure');
}

describe('describing what the app did', () => {
  it('names the status, quotes the body on one line and cuts long ones', () => {
    expect(describeResponse(res(204))).toBe('204 No Content with an empty body');
    expect(describeResponse(res(200, '{\n  "a": 1\n}'))).toBe('200 OK with { "a": 1 }');
    expect(describeResponse(res(0, '', true))).toBe('no answer within 2000 ms');
    const long = describeResponse(res(200, 'x'.repeat(500)));
    expect(long).toContain('… (500 characters)');
    expect(long.length).toBeLessThan(200);
  });

  it('describes a poll answer by its ids and cursor', () => {
    expect(describePoll(res(200, '{"cursor":3,"messages":[{"id":1,"data":1},{"id":2,"data":2},{"id":3,"data":3}]}')))
      .toBe('200 OK with 3 messages (ids 1, 2, 3) and cursor 3');
    const many = { cursor: 20, messages: Array.from({ length: 20 }, (_, i) => ({ id: i + 1, data: null })) };
    expect(describePoll(res(200, JSON.stringify(many)))).toBe('200 OK with 20 messages (ids 1, 2, 3, 4, …, 20) and cursor 20');
    expect(describePoll(res(200, JSON.stringify({ cursor: 5, messages: [{ id: 5, data: 'x' }] })))).toBe('200 OK with 1 message (id 5) and cursor 5');
    expect(describePoll(res(200, 'not json'))).toBe('200 OK with not json');
    expect(describePoll(res(204))).toBe('204 No Content with an empty body');
  });
});

describe('expectations', () => {
  it('expectStatus passes on a match and fails with what was seen', () => {
    expect(() => expectStatus(res(204), 204, 'when idle')).not.toThrow();
    const failure = failureOf(() => expectStatus(res(200, '{"cursor":1}'), 204, 'when nothing is newer', 'a hint'));
    expect(failure).toMatchObject({ expected: '204 No Content when nothing is newer', seen: '200 OK with {"cursor":1}', hint: 'a hint' });
    expect(failureOf(() => expectStatus(res(0, '', true), 0, 'x')).seen).toBe('no answer within 2000 ms');
  });

  it('expectJson returns the parsed value, or says the body is not JSON, or where the shape is wrong', () => {
    expect(expectJson(res(200, '{"cursor":0,"messages":[]}'), pollAnswerSchema, 'a poll answer')).toEqual({ cursor: 0, messages: [] });
    expect(failureOf(() => expectJson(res(200, '<html>'), pollAnswerSchema, 'a poll answer')).seen).toBe('200 OK with <html>, which is not JSON');
    const wrong = failureOf(() => expectJson(res(200, '{"cursor":"1","messages":[]}'), pollAnswerSchema, 'a poll answer'));
    expect(wrong.expected).toBe('a poll answer');
    expect(wrong.seen).toContain('at cursor');
  });

  it('an error answer needs an error field', () => {
    expect(errorAnswerSchema.safeParse({ error: 'bad' }).success).toBe(true);
    expect(errorAnswerSchema.safeParse({ message: 'bad' }).success).toBe(false);
    expect(errorAnswerSchema.safeParse([]).success).toBe(false);
  });
});
