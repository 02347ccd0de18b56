// File access inside the learner's home. The learner can put symlinks anywhere in it from their terminal
// (a lab folder included: `root` must be the home itself, which they cannot replace), so every access
// resolves the real path, refuses anything that leaves the home, opens with O_NOFOLLOW, and checks after
// opening, through /proc/self/fd, that the file the kernel opened is inside: a swap of a folder for a
// symlink between the check and the open is caught there.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, sep } from 'node:path';
import { workspacePathSchema } from '../contracts/lab.ts';
import { HttpError, badRequest } from '../http/errors.ts';

const outside = () => badRequest('That path leads outside the workspace.', 'path_outside_workspace');

/** Checks the shape of a workspace-relative path: no `..`, not absolute, no NUL or odd characters. */
export function checkRelativePath(relative: string): string {
  if (relative.includes('\0')) throw badRequest('A file path cannot contain a NUL byte.', 'invalid_path');
  const parsed = workspacePathSchema.safeParse(relative);
  if (!parsed.success) throw badRequest(`Not a workspace file path: ${parsed.error.issues[0]?.message}.`, 'invalid_path');
  return parsed.data;
}

async function realInside(root: string, path: string): Promise<string> {
  const real = await realpath(path);
  if (!isWithin(await realpath(root), real)) throw outside();
  return real;
}

function isWithin(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot + sep);
}

/** Refuses a handle whose file the kernel found outside root (Linux; elsewhere the path checks stand alone). */
async function openedInside(root: string, handle: FileHandle): Promise<void> {
  const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => null);
  if (opened !== null && !isWithin(await realpath(root), opened)) throw outside();
}

async function isMissing(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

/**
 * Opens a file inside root for reading and hands it to `read`; undefined when it does not exist. The
 * handle is checked to be the regular file inside root that the path named when it was opened.
 */
async function withFileInside<T>(root: string, relative: string, read: (handle: FileHandle, size: number) => Promise<T>): Promise<T | undefined> {
  const path = join(root, checkRelativePath(relative));
  let real: string;
  try {
    real = await realInside(root, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (await isMissing(lstat(path))) return undefined;
    throw outside(); // a dangling symlink
  }
  // O_NONBLOCK: a FIFO the learner put in place of a file would otherwise hold the open (and a libuv thread) forever.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((error) => {
    throw error.code === 'ELOOP' ? outside() : error;
  });
  try {
    await openedInside(root, handle);
    const opened = await handle.stat();
    if (!opened.isFile()) throw badRequest('That path is not a file.', 'not_a_file');
    const again = await stat(await realInside(root, path));
    if (again.ino !== opened.ino || again.dev !== opened.dev) throw outside();
    return await read(handle, opened.size);
  } finally {
    await handle.close();
  }
}

/** Reads a file inside root; undefined when it does not exist. */
export function readInside(root: string, relative: string): Promise<string | undefined> {
  return withFileInside(root, relative, (handle, size) => {
    if (size > 4 * 1024 * 1024) throw new HttpError(413, 'file_too_large', 'That file is too large to open here.');
    return handle.readFile('utf8');
  });
}

/** The last maxBytes of a file inside root (a log that may be large); undefined when it does not exist. */
export function readTailInside(root: string, relative: string, maxBytes: number): Promise<{ text: string; cut: boolean } | undefined> {
  return withFileInside(root, relative, async (handle, size) => {
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), cut: size > length };
  });
}

/** The learner's host uid and gid, when the server (as root) writes into a home it gave to them. */
export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Makes the folders of `relativeDir` under root one at a time, each checked to be inside root before the
 * next is made in it (a recursive mkdir would follow a planted symlink out and create folders there as
 * root). New folders go to the owner. Resolves with the real path of the last one.
 */
async function mkdirInside(root: string, relativeDir: string, owner: Owner | undefined): Promise<string> {
  let dir = root;
  for (const part of relativeDir.split('/').filter((name) => name !== '' && name !== '.')) {
    dir = join(dir, part);
    const made = await mkdir(dir).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw error;
    });
    const real = await realInside(root, dir);
    if (!made || !owner) continue;
    const handle = await open(real, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      await openedInside(root, handle);
      await handle.chown(owner.uid, owner.gid);
    } finally {
      await handle.close();
    }
  }
  return realInside(root, dir);
}

/**
 * Writes a file inside root atomically: a temporary file beside it, fsync, rename, fsync of the folder.
 * Resolves only once the content is durable. With an owner, new files and folders are theirs.
 */
export async function writeInside(root: string, relative: string, content: string, owner?: Owner): Promise<void> {
  const checked = checkRelativePath(relative);
  const parent = join(root, dirname(checked));
  await mkdir(root, { recursive: true }); // the home, which only the host makes
  const realParent = await mkdirInside(root, dirname(checked), owner);
  const target = join(realParent, basename(checked));
  if (!(await isMissing(stat(target))) && (await realInside(root, target)) !== target) throw outside();
  const temporary = join(realParent, `.${basename(checked)}.${randomBytes(6).toString('hex')}.saving`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    try {
      await openedInside(root, handle);
      if (owner) await handle.chown(owner.uid, owner.gid);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    if ((await realInside(root, parent)) !== realParent) throw outside();
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const folder = await open(realParent, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
