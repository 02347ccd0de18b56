// Reading nginx's files (config, logs) out of a lab folder the learner controls. The server may run as
// root and the learner can put symlinks, fifos or devices anywhere in their home, so a file is read only
// when it is a regular file reached without any symlink below the home folder: the folders are checked
// by their real path, the file is opened with O_NOFOLLOW (and O_NONBLOCK, so a fifo cannot hang us), and
// the opened file must be the one that path names afterwards.
import { constants } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HttpError } from '../http/errors.ts';

export const refused = (relative: string, why: string) =>
  new HttpError(403, 'file_refused', `${relative} is not read: ${why}. It must be a plain file inside the lab folder.`);

/** A file opened for reading, with its size when opened; the caller closes it. */
export interface OpenedFile {
  handle: FileHandle;
  size: number;
}

/** Opens home/relative; null when it does not exist. relative is ours (e.g. `nginx/logs/error.log`), never the learner's. */
export async function openInHome(home: string, relative: string): Promise<OpenedFile | null> {
  const realHome = await realpath(home);
  const folder = join(realHome, dirname(relative));
  let realFolder: string;
  try {
    realFolder = await realpath(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (realFolder !== folder) throw refused(relative, 'a folder on its way is a symlink');
  const path = join(realFolder, basename(relative));
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw refused(relative, 'it is a symlink');
    throw error;
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw refused(relative, 'it is not a regular file');
    const named = await lstat(path);
    if (named.ino !== opened.ino || named.dev !== opened.dev || (await realpath(folder)) !== folder) {
      throw refused(relative, 'it changed while it was being opened');
    }
    return { handle, size: opened.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Up to maxBytes from offset. */
export async function readRange(file: OpenedFile, offset: number, maxBytes: number): Promise<Buffer> {
  const length = Math.max(0, Math.min(file.size - offset, maxBytes));
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.handle.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}

/** The whole file as text, refused when larger than maxBytes; null when it does not exist. */
export async function readSmallInHome(home: string, relative: string, maxBytes: number): Promise<string | null> {
  const file = await openInHome(home, relative);
  if (!file) return null;
  try {
    if (file.size > maxBytes) throw new HttpError(413, 'file_too_large', `${relative} is larger than ${Math.round(maxBytes / 1024)} KiB.`);
    return (await readRange(file, 0, maxBytes)).toString('utf8');
  } finally {
    await file.handle.close();
  }
}
