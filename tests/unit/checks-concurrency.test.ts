// The judgement of concurrent waits and of a wait's length, on made-up measurements; the real
// measuring is exercised against real servers in the lab tests.
import { describe, expect, it } from 'vitest';
import type { ProbeResponse } from '../../server/contracts/check.ts';
import { expectConcurrent, seconds, type WaitsMeasured } from '../../server/checks/concurrency.ts';
import { CheckFailure } from '../../server/checks/expect.ts';
import { expectAnsweredAfter } from '../../server/checks/waiting-poll.ts';

const answer = (ms: number, timedOut = false): ProbeResponse => ({ status: timedOut ? 0 : 204, headers: {}, body: '', ms, timedOut });
const measured = (totalMs: number, fastMs: number, lost = 0): WaitsMeasured => ({
  answers: [answer(1000), answer(totalMs), ...Array.from({ length: lost }, () => answer(4500, true))],
  totalMs,
  fast: answer(fastMs),
  waitMs: 1000,
});

function failure(run: () => unknown): CheckFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof CheckFailure) return error;
    throw error;
  }
  throw new Error('expected a CheckFailure');
}

describe('expectConcurrent', () => {
  it('passes overlapping waits and reports the stall it saw', () => {
    expect(expectConcurrent(measured(1040, 3), '/stats', 'hint')).toBe('2 waits of 1 s took 1.0 s together; GET /stats, sent during them, waited 3 ms for its answer');
  });

  it('names waits served one after another, with the stall and the hint', () => {
    const error = failure(() => expectConcurrent(measured(2010, 1850), '/stats', 'do not block'));
    expect(error.seen).toBe('requests were served one after another: 2 waits of 1 s took 2.0 s; GET /stats, sent during them, waited 1850 ms for its answer, so the event loop was blocked');
    expect(error.expected).toBe('2 waits of 1 s, sent together, to be answered together after about 1 s');
    expect(error.hint).toBe('do not block');
  });

  it('says how many waits got no answer at all', () => {
    expect(failure(() => expectConcurrent(measured(1000, 5, 1), '/stats', 'h')).seen).toMatch(/^1 of them got no answer within 4\.5 s;/);
  });
});

describe('expectAnsweredAfter', () => {
  it('accepts an answer near the wait and refuses one early, late or missing', () => {
    expect(() => expectAnsweredAfter(answer(1020), 1000, 800, 'the 204')).not.toThrow();
    expect(failure(() => expectAnsweredAfter(answer(510), 1000, 800, 'the 204')).seen).toBe('204 No Content with an empty body after 510 ms');
    expect(failure(() => expectAnsweredAfter(answer(2100), 1000, 800, 'the 204')).expected).toBe('the 204 between 0.90 s and 1.80 s after the request');
    expect(failure(() => expectAnsweredAfter(answer(2500, true), 1000, 800, 'the 204')).seen).toBe('no answer within 2500 ms');
  });
});

it('writes seconds as a learner reads them', () => {
  expect([seconds(1000), seconds(500), seconds(3012), seconds(900, 2)]).toEqual(['1 s', '0.5 s', '3.0 s', '0.90 s']);
});
