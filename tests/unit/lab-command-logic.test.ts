import { describe, expect, it } from 'vitest';
import { chooseHint } from '../../server/learners/lab-hints.ts';
import { targetLab } from '../../server/learners/lab-target.ts';
import { describeState, lastLines } from '../../server/learners/lab-commands.ts';
import type { Lab } from '../../server/labs/registry.ts';

const hints = ['first', 'second', 'third'];

describe('hint progression', () => {
  it('shows the hints in order, then the last one again', () => {
    let seen = 0;
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const choice = chooseHint(hints, seen, null);
      seen = choice.seen;
      texts.push(choice.text);
    }
    expect(texts[0]).toMatch(/^Hint 1 of 3: first\n\n\(2 more: `lab hint` shows hint 2\.\)/);
    expect(texts[1]).toMatch(/^Hint 2 of 3: second/);
    expect(texts[2]).toMatch(/^Hint 3 of 3: third\n\n\(That was the last one\.\)/);
    expect(texts[3]).toMatch(/^Hint 3 of 3: third\n\n\(You have seen all 3/);
    expect(seen).toBe(3);
  });

  it('shows a given hint and moves the progression past it, never back', () => {
    const jump = chooseHint(hints, 0, 2);
    expect(jump).toMatchObject({ ok: true, seen: 2 });
    expect(jump.text).toMatch(/^Hint 2 of 3: second/);
    expect(chooseHint(hints, jump.seen, null).text).toMatch(/^Hint 3 of 3/);
    expect(chooseHint(hints, 3, 1)).toMatchObject({ seen: 3 });
  });

  it('refuses a hint past the last, and says when a lab has none', () => {
    expect(chooseHint(hints, 1, 4)).toMatchObject({ ok: false, seen: 1, text: 'There are only 3 hints: lab hint 1 to lab hint 3.' });
    expect(chooseHint(['only'], 0, 2).text).toBe('There is only 1 hint: lab hint 1.');
    expect(chooseHint([], 0, null).text).toMatch(/no hints/);
  });
});

describe('which lab a command is about', () => {
  const lab = (id: string, number: number) => ({ meta: { id, number, title: `Lab ${id}` } }) as unknown as Lab;
  const labs = new Map([['short-polling', lab('short-polling', 1)], ['nginx', lab('nginx', 6)]]);

  it('takes --lab first, then the first folder of the working directory', () => {
    expect(targetLab({ lab: 'nginx', cwd: 'short-polling' }, labs)).toEqual({ lab: labs.get('nginx') });
    expect(targetLab({ lab: null, cwd: 'short-polling' }, labs)).toEqual({ lab: labs.get('short-polling') });
    expect(targetLab({ lab: null, cwd: 'nginx/logs/deep' }, labs)).toEqual({ lab: labs.get('nginx') });
  });

  it.each([
    [{ lab: 'comet', cwd: 'nginx' }, /There is no lab called "comet"/],
    [{ lab: null, cwd: '' }, /You are in your home folder/],
    [{ lab: null, cwd: null }, /You are outside your home folder/],
    [{ lab: null, cwd: 'projects/nginx' }, /You are in ~\/projects\/nginx, which is not a lab's folder/],
    [{ lab: null, cwd: 'nginxx' }, /not a lab's folder/],
  ])('%j lists the labs instead', (request, message) => {
    const target = targetLab(request, labs);
    expect('error' in target && target.error).toMatch(message);
    expect('error' in target && target.error).toMatch(/~\/short-polling\s+1\. Lab short-polling\n\s+~\/nginx\s+6\. Lab nginx/);
  });
});

describe('answer text', () => {
  it('keeps the last lines of a log tail, without the line a cut tail starts in', () => {
    expect(lastLines('a\nb\nc\n', 2, false)).toEqual(['b', 'c']);
    expect(lastLines('tial\nb\nc', 5, true)).toEqual(['b', 'c']);
    expect(lastLines('', 5, false)).toEqual([]);
  });

  it('describes process states', () => {
    const at = { exitCode: null, signal: null, since: '' };
    expect(describeState({ ...at, state: 'running', listening: true })).toBe('running, listening');
    expect(describeState({ ...at, state: 'exited', listening: false, exitCode: 1 })).toBe('down (exited with code 1)');
    expect(describeState({ ...at, state: 'exited', listening: false, signal: 'SIGKILL' })).toBe('down (ended by SIGKILL)');
  });
});
