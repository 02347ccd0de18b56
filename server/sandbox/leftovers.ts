// Start-up reaping: what a previous server left behind when it died without cleaning up (killed, crashed,
// power cut): its sandboxes' cgroups, its host-only run folders and preflight folders, its uid leases.
// Only things whose owner (pid and start time, in the name) is gone are touched, so two servers on one
// machine never reap each other.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reapCgroups } from './limits/cgroups.ts';
import { ownerAlive, ownerTag } from './limits/owner.ts';
import { UidPool } from './limits/uid-pool.ts';
import { DEFAULT_UID_RANGE } from './limits/config.ts';

const OWNED_FOLDER = /^cometlab-(?:run|preflight)-(\d+\.\d+)-/;

/**
 * Where the host-only folders go. Unix socket paths are short (108 bytes on Linux, 104 on macOS) and a
 * run folder nests a learner id under it, so a long TMPDIR (macOS's /var/folders/..., a test run's own
 * folder) would leave no room for the sockets: past 20 bytes, /tmp is used instead.
 */
export function hostFolderBase(): string {
  const tmp = os.tmpdir();
  return Buffer.byteLength(tmp) <= 20 ? tmp : '/tmp';
}

/** A host-only folder for sandbox sockets, named so a later start can tell whether its owner is alive. */
export function createRunRoot(): Promise<string> {
  return fs.mkdtemp(path.join(hostFolderBase(), `cometlab-run-${ownerTag()}-`));
}

export interface Reaped {
  cgroups: string[];
  folders: string[];
  uidLeases: number;
}

export async function reapLeftovers(options: { tmpDir?: string; uidLeaseDir?: string } = {}): Promise<Reaped> {
  const tmpDir = options.tmpDir ?? hostFolderBase();
  const folders: string[] = [];
  for (const name of await fs.readdir(tmpDir).catch(() => [] as string[])) {
    const owner = OWNED_FOLDER.exec(name)?.[1];
    if (owner === undefined || ownerAlive(owner)) continue;
    await fs.rm(path.join(tmpDir, name), { recursive: true, force: true }).catch(() => undefined);
    folders.push(path.join(tmpDir, name));
  }
  const cgroups = await reapCgroups();
  const uidLeases = process.getuid?.() === 0 ? await new UidPool(DEFAULT_UID_RANGE, options.uidLeaseDir).reap() : 0;
  return { cgroups, folders, uidLeases };
}
