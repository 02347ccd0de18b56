// A learner's workspace: one folder per lab inside their home, created from the lab's starter on first
// open. Saves are atomic and serialised per file, so the last edit a learner made is the one kept.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../labs/registry.ts';
import { notFound } from '../http/errors.ts';
import { checkRelativePath, readInside, writeInside, type Owner } from './safe-fs.ts';

export interface WorkspaceFile {
  path: string;
  content: string;
  editable: boolean;
}

/**
 * A lab file's path from the learner's home. File access is checked against the home, never against the
 * lab folder: the learner can replace that folder by a symlink to anywhere.
 */
export function inLab(lab: Lab, path: string): string {
  return `${lab.meta.id}/${checkRelativePath(path)}`;
}

export class WorkspaceStore {
  readonly homeDir: string;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(homeDir: string) {
    this.homeDir = homeDir;
  }

  labDir(lab: Lab): string {
    return join(this.homeDir, lab.meta.id);
  }

  /** The lab's files as the learner left them; missing ones are restored from the starter. */
  async open(lab: Lab): Promise<WorkspaceFile[]> {
    const files: WorkspaceFile[] = [];
    for (const { path, editable } of lab.meta.files) {
      let content = await readInside(this.homeDir, inLab(lab, path));
      if (content === undefined) {
        content = await readFile(join(lab.starterDir, path), 'utf8');
        await this.serialised(lab, path, async () => writeInside(this.homeDir, inLab(lab, path), content!, await this.owner()));
      }
      files.push({ path, content, editable });
    }
    return files;
  }

  async save(lab: Lab, path: string, content: string): Promise<{ path: string; bytes: number; savedAt: string }> {
    const declared = lab.meta.files.find((file) => file.path === checkRelativePath(path));
    if (!declared) throw notFound(`Lab ${lab.meta.id} has no file ${path}.`);
    if (!declared.editable) throw notFound(`${path} is part of the lab and cannot be changed here.`);
    await this.serialised(lab, path, async () => writeInside(this.homeDir, inLab(lab, path), content, await this.owner()));
    return { path, bytes: Buffer.byteLength(content), savedAt: new Date().toISOString() };
  }

  /** Puts every lab file back to the starter's version; other files the learner made stay. */
  async reset(lab: Lab): Promise<WorkspaceFile[]> {
    for (const { path } of lab.meta.files) {
      const content = await readFile(join(lab.starterDir, path), 'utf8');
      await this.serialised(lab, path, async () => writeInside(this.homeDir, inLab(lab, path), content, await this.owner()));
    }
    return this.open(lab);
  }

  /**
   * Whose the files written here are: as root, the owner of the home (the launcher gives it to the
   * learner's host uid), so the learner can edit them from the terminal; else whoever runs the server.
   */
  private async owner(): Promise<Owner | undefined> {
    if (process.getuid?.() !== 0) return undefined;
    const home = await stat(this.homeDir).catch(() => null);
    return home && home.uid !== 0 ? { uid: home.uid, gid: home.gid } : undefined;
  }

  private serialised<T>(lab: Lab, path: string, work: () => Promise<T>): Promise<T> {
    const key = `${lab.meta.id}/${path}`;
    const next = (this.queues.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.queues.set(key, next);
    const forget = () => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    };
    next.then(forget, forget);
    return next;
  }
}

/** The lab's files as the reference solution has them: solution/ holds the editable ones, the rest are the starter's. */
export async function readSolution(lab: Lab): Promise<WorkspaceFile[]> {
  return Promise.all(lab.meta.files.map(async ({ path, editable }) => ({
    path, editable, content: await readFile(join(editable ? lab.solutionDir : lab.starterDir, path), 'utf8'),
  })));
}
