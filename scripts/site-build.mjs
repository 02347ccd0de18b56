// One site build at a time, swapped in whole: a build goes into a fresh folder beside dist/, gets its
// stamp only once complete, and replaces dist/ by two renames, so a server serving dist/ (or a second
// `npm start`) never sees half a build, and a build killed half-way leaves the last good one in place.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from './build-lock.mjs';

export const STAMP_FILE = '.cometlab-build';

export function isCurrent(dist, stamp) {
  const file = join(dist, STAMP_FILE);
  return existsSync(file) && readFileSync(file, 'utf8') === stamp;
}

/** Puts the folder `next` in the place of `dist`; the previous build is removed afterwards. */
export function swapIn(next, dist) {
  const old = `${dist}.old`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
}

/**
 * Under the lock at `lockPath`: runs `prepare()` (work whose output the stamp covers), then, unless
 * dist/ already carries `stamp()`, `build(outDir)` into a fresh folder that is stamped and swapped in.
 * Returns whether it built.
 */
export function ensureSiteBuild({ lockPath, dist, stamp, build, prepare = () => {}, onWait }) {
  return withLock(lockPath, { onWait }, () => {
    prepare();
    const wanted = stamp();
    if (isCurrent(dist, wanted)) return false;
    const next = `${dist}.next`;
    rmSync(next, { recursive: true, force: true });
    build(next);
    writeFileSync(join(next, STAMP_FILE), wanted);
    swapIn(next, dist);
    return true;
  });
}
