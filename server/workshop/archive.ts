// `cometlab workshop --new`: the workshop in the data dir is put aside before a fresh one opens. Moved,
// never deleted, to archive/<started-at>/: the workshop database (roster, help queue, events, control),
// the progress database, every student's workspace, and the secrets, so the fresh workshop signs with a
// new key and an old student cookie gets the usual "join first" answer.
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { SECRETS_FILE } from './secrets.ts';
import { openWorkshopStore } from './workshop-store.ts';

export const WORKSHOP_DB = 'workshop.db';
/** The playground's progress database (server/playground.ts opens it under this name). */
const PROGRESS_DB = 'cometlab.db';
const ARCHIVED = [WORKSHOP_DB, PROGRESS_DB].flatMap((db) => [db, `${db}-wal`, `${db}-shm`]).concat(SECRETS_FILE, 'learners');

export interface Archived {
  /** Where it went. */
  dir: string;
  title: string;
  startedAt: string;
  students: number;
}

/** A folder name from an ISO time, without the colons some file systems and archivers refuse. */
export const archiveName = (startedAt: string) => startedAt.replace(/:/g, '-');

/** Moves the data dir's workshop under archive/; null when there is none to move. */
export async function archiveWorkshop(dataDir: string): Promise<Archived | null> {
  const file = join(dataDir, WORKSHOP_DB);
  if (!existsSync(file)) return null;
  const store = openWorkshopStore(file);
  let found;
  try {
    const row = store.workshop();
    found = row && { title: row.title, startedAt: row.startedAt, students: store.students().length };
  } finally {
    // Closing checkpoints the journal into the database file, so the -wal and -shm files are gone.
    store.close();
  }
  if (!found) return null;
  const dir = join(dataDir, 'archive', archiveName(found.startedAt));
  // A folder already there is never merged into: a second archive of one start would mix two workshops.
  await mkdir(join(dataDir, 'archive'), { recursive: true });
  await mkdir(dir);
  for (const name of ARCHIVED) {
    if (existsSync(join(dataDir, name))) await rename(join(dataDir, name), join(dir, name));
  }
  return { dir, ...found };
}

export function archivedNotice(archived: Archived | null, dataDir: string): string {
  if (!archived) return `A new workshop: there was none to put aside in ${dataDir}.`;
  const students = `${archived.students} student${archived.students === 1 ? '' : 's'}`;
  return `A new workshop. The previous one, "${archived.title}" (${students}), is archived with its students, ` +
    `progress and workspaces in ${archived.dir}`;
}
