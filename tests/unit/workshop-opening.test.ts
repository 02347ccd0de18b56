// What a start does with the workshop in its data dir: new, carried on, or reopened after it ended (and
// said so), and --new's archive: everything moved under archive/<started-at>/, nothing deleted.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMoment, reopenedNotice, resume, DEFAULT_TITLE } from '../../server/workshop/resume.ts';
import { archivedNotice, archiveName, archiveWorkshop } from '../../server/workshop/archive.ts';
import { openWorkshopStore, type WorkshopRow } from '../../server/workshop/workshop-store.ts';
import { loadSecrets, SECRETS_FILE } from '../../server/workshop/secrets.ts';

const now = '2026-11-28T09:00:00.000Z';
const code = () => 'NEWCDE';
const running: WorkshopRow = {
  title: 'Comet 101', startedAt: '2026-11-27T08:00:00.000Z', ended: false, endedAt: null,
  joinCode: 'ABCDEF', joinOpen: false, unlockedUpTo: 3, everyoneTo: null,
};

describe('resuming a data dir', () => {
  it('starts a new workshop when there is none', () => {
    expect(resume(null, undefined, now, code)).toEqual({
      row: { title: DEFAULT_TITLE, startedAt: now, ended: false, endedAt: null, joinCode: 'NEWCDE', joinOpen: true, unlockedUpTo: null, everyoneTo: null },
      opening: { kind: 'new' },
    });
    expect(resume(null, 'Mine', now, code).row.title).toBe('Mine');
  });

  it('carries a running one on as it was, keeping its title unless a new one is given', () => {
    expect(resume(running, undefined, now, code)).toEqual({ row: running, opening: { kind: 'continued' } });
    expect(resume(running, 'Renamed', now, code).row.title).toBe('Renamed');
    expect(reopenedNotice({ kind: 'continued' })).toBeNull();
  });

  it('reopens an ended one, and says which and since when', () => {
    const ended = { ...running, ended: true, endedAt: '2026-11-27T17:30:12.000Z' };
    const { row, opening } = resume(ended, undefined, now, code);
    expect(row).toEqual({ ...running, ended: false, endedAt: null });
    expect(opening).toEqual({ kind: 'reopened', title: 'Comet 101', endedAt: '2026-11-27T17:30:12.000Z' });
    expect(reopenedNotice(opening)).toBe('The workshop "Comet 101" (ended at 2026-11-27 17:30 UTC) had ended: it is reopened ' +
      "with everyone's files and progress. To start a fresh one in this data dir instead, stop and start again with --new.");
    expect(reopenedNotice({ kind: 'reopened', title: 'Old', endedAt: null })).toMatch(/^The workshop "Old" had ended: it is reopened/);
    expect(formatMoment('2026-01-02T03:04:05.678Z')).toBe('2026-01-02 03:04 UTC');
  });
});

describe('archiving for --new', () => {
  it('moves the workshop, progress, secrets and workspaces under archive/<started-at>/', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cometlab-archive-'));
    try {
      const store = openWorkshopStore(join(dataDir, 'workshop.db'));
      store.saveWorkshop(running);
      store.addStudent({ id: 's_aaaaaaaaaaaa', name: 'Ann', joinedAt: '1', lastActivity: null, currentLab: null });
      store.close();
      const secrets = loadSecrets(dataDir);
      writeFileSync(join(dataDir, 'cometlab.db'), 'progress');
      mkdirSync(join(dataDir, 'learners', 's_aaaaaaaaaaaa', 'home'), { recursive: true });
      writeFileSync(join(dataDir, 'learners', 's_aaaaaaaaaaaa', 'home', 'server.ts'), 'mine');

      const archived = await archiveWorkshop(dataDir);
      const dir = join(dataDir, 'archive', '2026-11-27T08-00-00.000Z');
      expect(archived).toEqual({ dir, title: 'Comet 101', startedAt: running.startedAt, students: 1 });
      for (const name of ['workshop.db', 'cometlab.db', SECRETS_FILE, 'learners']) {
        expect(existsSync(join(dataDir, name))).toBe(false);
        expect(existsSync(join(dir, name))).toBe(true);
      }
      expect(readFileSync(join(dir, 'learners', 's_aaaaaaaaaaaa', 'home', 'server.ts'), 'utf8')).toBe('mine');
      const kept = openWorkshopStore(join(dir, 'workshop.db'));
      expect(kept.students().map((s) => s.name)).toEqual(['Ann']);
      kept.close();
      expect(loadSecrets(dataDir).cookieKey).not.toBe(secrets.cookieKey);
      expect(archivedNotice(archived, dataDir)).toBe(`A new workshop. The previous one, "Comet 101" (1 student), is archived with its students, progress and workspaces in ${dir}`);
      // Nothing left to put aside: a second --new says so and moves nothing.
      expect(await archiveWorkshop(dataDir)).toBeNull();
      expect(archivedNotice(null, dataDir)).toMatch(/there was none to put aside/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('names the folder without colons', () => {
    expect(archiveName('2026-11-27T08:00:00.000Z')).toBe('2026-11-27T08-00-00.000Z');
  });
});
