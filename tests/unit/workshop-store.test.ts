// The workshop's SQLite store: what goes in comes back after reopening, events reach only whom they are for.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openWorkshopStore, type WorkshopStore } from '../../server/workshop/workshop-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cometlab-workshop-store-'));
const open: WorkshopStore[] = [];
const storeAt = (name: string) => {
  const store = openWorkshopStore(join(dir, name));
  open.push(store);
  return store;
};
afterEach(() => {
  while (open.length) open.pop()!.close();
});
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const row = { title: 'T', startedAt: '2026-01-01T00:00:00.000Z', ended: false, endedAt: null, joinCode: 'ABCDEF', joinOpen: true, unlockedUpTo: null, everyoneTo: null };

describe('the workshop store', () => {
  it('keeps the workshop, students, help and control across a reopen', () => {
    const store = storeAt('a.db');
    expect(store.workshop()).toBeNull();
    store.saveWorkshop(row);
    store.saveWorkshop({ ...row, unlockedUpTo: 3, everyoneTo: 'comet', joinOpen: false });
    store.addStudent({ id: 's_aaaaaaaaaaaa', name: 'Ann', joinedAt: '1', lastActivity: null, currentLab: null });
    store.touchStudent('s_aaaaaaaaaaaa', '2', 'comet');
    store.touchStudent('s_aaaaaaaaaaaa', '3', null);
    const help = store.raiseHand({ student: 's_aaaaaaaaaaaa', lab: 'comet', message: 'stuck', raisedAt: '4' });
    expect(store.answerHelp(help, '5')).toBe(true);
    expect(store.answerHelp(help, '6')).toBe(false);
    expect(store.answerHelp(99, '6')).toBe(false);
    store.setControl({ student: 's_aaaaaaaaaaaa', lab: 'comet', state: 'pending', at: '6' });
    store.setControl({ student: 's_aaaaaaaaaaaa', lab: 'comet', state: 'allowed', at: '7' });
    store.setControl({ student: 's_aaaaaaaaaaaa', lab: 'timers', state: 'refused', at: '8' });
    store.close();
    open.pop();
    const again = storeAt('a.db');
    expect(again.workshop()).toEqual({ ...row, unlockedUpTo: 3, everyoneTo: 'comet', joinOpen: false });
    expect(again.students()).toEqual([{ id: 's_aaaaaaaaaaaa', name: 'Ann', joinedAt: '1', lastActivity: '3', currentLab: 'comet' }]);
    expect(again.help()).toEqual([{ id: help, student: 's_aaaaaaaaaaaa', lab: 'comet', message: 'stuck', raisedAt: '4', answeredAt: '5' }]);
    expect(again.control('s_aaaaaaaaaaaa', 'comet')).toEqual({ student: 's_aaaaaaaaaaaa', lab: 'comet', state: 'allowed', at: '7' });
    expect(again.control('s_aaaaaaaaaaaa', 'short-polling')).toBeUndefined();
    expect(again.controls().map((c) => [c.lab, c.state])).toEqual([['comet', 'allowed'], ['timers', 'refused']]);
    expect(again.student('s_nobody')).toBeUndefined();
  });

  it('gives each student the events for everyone and their own, in order, after a cursor', () => {
    const store = storeAt('b.db');
    const first = store.addEvent(null, { type: 'broadcast', message: 'hello', at: 'x' });
    store.addEvent('s_aaaaaaaaaaaa', { type: 'lab-reset', lab: 'comet' });
    store.addEvent('s_bbbbbbbbbbbb', { type: 'control-request', lab: 'comet' });
    const last = store.addEvent(null, { type: 'ended' });
    expect(store.eventsFor('s_aaaaaaaaaaaa', 0, 100).map((e) => e.type)).toEqual(['broadcast', 'lab-reset', 'ended']);
    expect(store.eventsFor('s_bbbbbbbbbbbb', first, 100).map((e) => e.type)).toEqual(['control-request', 'ended']);
    expect(store.eventsFor('s_bbbbbbbbbbbb', 0, 1)).toEqual([{ type: 'broadcast', message: 'hello', at: 'x', id: first }]);
    expect(store.lastEventId()).toBe(last);
  });

  it('opens a data dir from before the ended time and control answers were kept', () => {
    const file = join(dir, 'old.db');
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE workshop (id INTEGER PRIMARY KEY CHECK (id = 1), title TEXT NOT NULL, started_at TEXT NOT NULL, ended INTEGER NOT NULL,
      join_code TEXT NOT NULL, join_open INTEGER NOT NULL, unlocked_up_to INTEGER, everyone_to TEXT);
      INSERT INTO workshop VALUES (1, 'Old', '2026-01-01T00:00:00.000Z', 1, 'ABCDEF', 1, NULL, NULL);
      CREATE TABLE controls (student TEXT NOT NULL, lab TEXT NOT NULL, PRIMARY KEY (student, lab)) WITHOUT ROWID;
      INSERT INTO controls VALUES ('s_aaaaaaaaaaaa', 'comet');`);
    db.close();
    const store = storeAt('old.db');
    expect(store.workshop()).toMatchObject({ title: 'Old', ended: true, endedAt: null });
    expect(store.control('s_aaaaaaaaaaaa', 'comet')).toMatchObject({ state: 'allowed' });
    store.saveWorkshop({ ...store.workshop()!, endedAt: '2026-01-02T00:00:00.000Z' });
    expect(store.workshop()!.endedAt).toBe('2026-01-02T00:00:00.000Z');
  });
});
