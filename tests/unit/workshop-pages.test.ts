// The pure parts of the workshop pages: how the dashboard words numbers, times and class progress, which
// labs a paced course locks, how a long poll backs off after failures, and how terminal control reads.
import { describe, expect, it } from 'vitest';
import type { RosterEntry } from '../../server/contracts/workshop.ts';
import { classProgress, describePace, formatAgo, formatBytes, formatCpu, joinLink } from '../../site/scripts/workshop/format.ts';
import { lockedLabs } from '../../site/scripts/workshop/pace.ts';
import { controlFor, describeControl, rosterControlBadge } from '../../site/scripts/workshop/control-words.ts';
import { retryDelay } from '../../site/scripts/backoff.ts';

const course = [
  { id: 'short-polling', number: 1, title: 'Short polling', ready: true },
  { id: 'blocking-sleep', number: 2, title: 'A blocking sleep', ready: true },
  { id: 'timers', number: 3, title: 'Non-blocking timers', ready: true },
];

function student(id: string, currentLab: string | null, labs: RosterEntry['labs']): RosterEntry {
  return { id: `s_${id.padEnd(10, 'x')}`, name: id, online: true, currentLab, labs, lastActivity: null, joinedAt: '2026-11-28T00:00:00Z', handRaised: false, usage: null };
}

describe('the dashboard words', () => {
  it('says how long ago, from a clock it is given', () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    expect(formatAgo(null, now)).toBe('never');
    expect(formatAgo('2026-11-28T09:59:30Z', now)).toBe('just now');
    expect(formatAgo('2026-11-28T09:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2026-11-28T07:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('not a date', now)).toBe('unknown');
  });

  it('gives CPU in percent of a core and memory in the unit that reads best', () => {
    expect(formatCpu(0.021)).toBe('2 %');
    expect(formatBytes(512 * 1024)).toBe('512 KiB');
    expect(formatBytes(62 * 1024 ** 2)).toBe('62 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
  });

  it('counts, per lab, who finished, who started and who is there now', () => {
    const roster = [
      student('ann', 'blocking-sleep', { 'short-polling': { passed: 8, total: 8, completedAt: '2026-11-28T09:00:00Z' }, 'blocking-sleep': { passed: 1, total: 4, completedAt: null } }),
      student('bob', 'short-polling', { 'short-polling': { passed: 6, total: 8, completedAt: null } }),
      student('cy', null, {}),
    ];
    const [first, second, third] = classProgress(roster, course);
    expect(first).toMatchObject({ completed: 1, started: 1, here: 1, students: 3 });
    expect(second).toMatchObject({ completed: 0, started: 1, here: 1 });
    expect(third).toMatchObject({ completed: 0, started: 0, here: 0 });
  });

  it('puts the join code in the student link while joining is open', () => {
    expect(joinLink('http://10.0.0.5:4321/join', 'CARYFS')).toBe('http://10.0.0.5:4321/join?code=CARYFS');
    expect(joinLink('http://10.0.0.5:4321/join', null)).toBe('http://10.0.0.5:4321/join');
    expect(joinLink('not a url', 'CARYFS')).toBe('not a url');
  });

  it('describes the pace and locks the labs after it', () => {
    expect(describePace(null, course)).toBe('All labs are open.');
    expect(describePace(2, course)).toMatch(/Labs 1 to 2 are open \(up to “A blocking sleep”\)/);
    expect([...lockedLabs(course, 1)]).toEqual(['blocking-sleep', 'timers']);
    expect(lockedLabs(course, null).size).toBe(0);
  });
});

describe('the long poll after a failure', () => {
  it('waits longer after each failure, up to a ceiling', () => {
    const delays = [1, 2, 3, 4, 5, 6, 10].map(retryDelay);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays.at(-1)).toBe(retryDelay(50));
  });
});

describe('the words for terminal control', () => {
  const ann = 's_aaaaaaaaaaaa';
  const controls = [
    { student: ann, lab: 'short-polling', state: 'allowed' as const, at: 't1' },
    { student: ann, lab: 'timers', state: 'pending' as const, at: 't2' },
  ];

  it('finds the request for one student and lab', () => {
    expect(controlFor(controls, ann, 'timers')?.state).toBe('pending');
    expect(controlFor(controls, ann, 'blocking-sleep')).toBeUndefined();
    expect(controlFor(controls, 's_bbbbbbbbbbbb', 'short-polling')).toBeUndefined();
  });

  it('lets the instructor type only once allowed, and says each state in a sentence', () => {
    expect(describeControl(undefined, 'Ann')).toEqual({ badge: 'read-only', sentence: '', canType: false });
    expect(describeControl('pending', 'Ann')).toMatchObject({ badge: 'control requested', canType: false });
    expect(describeControl('pending', 'Ann').sentence).toMatch(/^Asked Ann\. Waiting/);
    expect(describeControl('allowed', 'Ann')).toEqual({ badge: 'control allowed', sentence: 'Ann allowed control: you can type in their terminal now.', canType: true });
    expect(describeControl('refused', 'Ann')).toMatchObject({ badge: 'control refused', canType: false });
  });

  it('names the lab by number on the roster', () => {
    expect(rosterControlBadge(controls[0]!, course)).toBe('L1 control: allowed');
    expect(rosterControlBadge(controls[1]!, course)).toBe('L3 control: asked');
    expect(rosterControlBadge({ ...controls[0]!, lab: 'gone-lab' }, course)).toBe('gone-lab control: allowed');
  });
});
