// How much disk a learner's home takes, measured from the host: a walk that adds up what each entry
// really holds on disk (allocated blocks, so a sparse file costs what it stores and a hard link counts
// once). It never follows a link, and it stops counting at a number of entries: a home of millions of
// tiny files is over any quota by that alone, and must not make the walk itself a burden.
import fs from 'node:fs/promises';
import path from 'node:path';

export interface DiskUsage {
  bytes: number;
  entries: number;
  /** Why the total is not the whole truth (too many entries, a folder the host cannot read), else null. */
  incomplete: string | null;
}

export const MAX_ENTRIES = 100_000;
const BATCH = 64;

export async function measureUsage(root: string, maxEntries = MAX_ENTRIES): Promise<DiskUsage> {
  let bytes = 0;
  let entries = 0;
  const seen = new Set<string>();
  const folders = [root];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue; // removed or replaced meanwhile
      return { bytes, entries, incomplete: `cannot read ${path.relative(root, folder) || 'the home folder'} (${code})` };
    }
    entries += names.length;
    if (entries > maxEntries) return { bytes, entries, incomplete: `more than ${maxEntries} files and folders` };
    // A batch of lstats at a time: the walk waits on the thread pool, not on each call in turn.
    for (let at = 0; at < names.length; at += BATCH) {
      const files = names.slice(at, at + BATCH).map((name) => path.join(folder, name));
      const stats = await Promise.all(files.map((file) => fs.lstat(file).catch(() => null)));
      stats.forEach((stat, i) => {
        if (!stat) return; // removed meanwhile
        if (stat.nlink > 1 && !stat.isDirectory()) {
          const id = `${stat.dev}:${stat.ino}`;
          if (seen.has(id)) return;
          seen.add(id);
        }
        bytes += stat.blocks * 512;
        if (stat.isDirectory()) folders.push(files[i]!);
      });
    }
  }
  return { bytes, entries, incomplete: null };
}
