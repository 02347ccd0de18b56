import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProgressStore, type ProgressStore } from '../../server/store/progress-store.ts';
import type { CheckReport } from '../../server/contracts/check.ts';

const dir = mkdtempSync(join(tmpdir(), 'cometlab-progress-'));
const open: ProgressStore[] = [];
const storeAt = (name: string) => {
  const store = openProgressStore(join(dir, name));
  open.push(store);
  return store;
};
afterEach(() => {
  while (open.length) open.pop()!.close();
});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function report(lab: string, statuses: Record<string, 'pass' | 'fail' | 'error'>): CheckReport {
  const results = Object.entries(statuses).map(([id, status]) => ({ id, title: id, status, ms: 1 }));
  return { lab, passed: results.filter((r) => r.status === 'pass').length, total: results.length, results };
}

describe('the progress store', () => {
  it('keeps which checks passed, per learner and lab', () => {
    const store = storeAt('a.db');
    store.record('ann', report('short-polling', { a: 'pass', b: 'fail', c: 'error' }));
    store.record('bob', report('short-polling', { a: 'pass', b: 'pass', c: 'pass' }));
    expect(store.progress('ann')['short-polling']).toMatchObject({ passed: 1, total: 3, passedChecks: ['a'], completedAt: null });
    expect(store.progress('bob')['short-polling']).toMatchObject({ passed: 3, total: 3, completedAt: expect.any(String) });
    expect(store.progress('nobody')).toEqual({});
  });

  it('remembers completion after a later failing run, and survives reopening', () => {
    const first = storeAt('b.db');
    first.record('ann', report('comet', { a: 'pass', b: 'pass' }));
    const completedAt = first.progress('ann').comet!.completedAt;
    first.record('ann', report('comet', { a: 'pass', b: 'fail' }));
    first.close();
    open.pop();
    const again = storeAt('b.db');
    expect(again.progress('ann').comet).toMatchObject({ passed: 1, total: 2, passedChecks: ['a'], completedAt });
  });

  it('forgets checks a lab no longer has', () => {
    const store = storeAt('c.db');
    store.record('ann', report('timers', { old: 'pass', kept: 'pass' }));
    store.record('ann', report('timers', { kept: 'pass', added: 'fail' }));
    expect(store.progress('ann').timers).toMatchObject({ passed: 1, total: 2, passedChecks: ['kept'] });
  });
});
