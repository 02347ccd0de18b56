// Typing in a student's terminal: asked, then allowed or refused by the student, and taken back; the
// student hears the request on their own feed and the dashboard hears every step.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerminalControl } from '../../server/workshop/control.ts';
import { StudentFeed } from '../../server/workshop/student-feed.ts';
import { openWorkshopStore } from '../../server/workshop/workshop-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cometlab-control-'));
const store = openWorkshopStore(join(dir, 'w.db'));
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('terminal control', () => {
  it('goes pending, allowed, refused, and only allowed lets the instructor type', async () => {
    const feed = new StudentFeed(store);
    let dashboardChanges = 0;
    const control = new TerminalControl(store, feed, () => dashboardChanges++);
    const ann = 's_aaaaaaaaaaaa';
    const waiting = feed.wait(ann, feed.cursor, 5_000, new AbortController().signal);
    expect(control.request(ann, 'comet', 't1')).toEqual({ sent: true, state: 'pending' });
    expect((await waiting).events).toEqual([expect.objectContaining({ type: 'control-request', lab: 'comet' })]);
    expect(control.list()).toEqual([{ student: ann, lab: 'comet', state: 'pending', at: 't1' }]);
    expect(control.canType(ann, 'comet')).toBe(false);
    expect(dashboardChanges).toBe(1);

    control.answer(ann, 'comet', true, 't2');
    expect(control.canType(ann, 'comet')).toBe(true);
    expect(control.canType(ann, 'timers')).toBe(false);
    expect(control.canType('s_bbbbbbbbbbbb', 'comet')).toBe(false);
    expect(dashboardChanges).toBe(2);
    // Asking again while allowed changes nothing and bothers nobody.
    const cursor = feed.cursor;
    expect(control.request(ann, 'comet', 't3')).toEqual({ sent: false, state: 'allowed' });
    expect(feed.cursor).toBe(cursor);

    control.answer(ann, 'comet', false, 't4');
    expect(control.canType(ann, 'comet')).toBe(false);
    expect(control.list()).toEqual([{ student: ann, lab: 'comet', state: 'refused', at: 't4' }]);
    expect(control.request(ann, 'comet', 't5')).toEqual({ sent: true, state: 'pending' });
  });
});
