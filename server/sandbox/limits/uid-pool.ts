// Host uids for learners when the server runs as root: one per running sandbox, never shared, never 0.
// Several servers may run on one machine (tests, a second playground), so a uid is taken with a lease
// file made with O_EXCL in a root-only folder, naming the owner; a uid some process still runs as is
// never handed out, whatever the leases say.
import { constants, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { UidRange } from './config.ts';
import { ownerAlive, ownerTag } from './owner.ts';

export const DEFAULT_LEASE_DIR = '/run/cometlab/uids';

export interface UidLease {
  uid: number;
  release(): Promise<void>;
}

/** Real uids of every process on the machine. */
function uidsInUse(): Set<number> {
  const used = new Set<number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (uid !== undefined) used.add(Number(uid));
    } catch {
      // exited meanwhile
    }
  }
  return used;
}

/** Drops a lease whose owner is gone; moved aside first so only one caller can take it over. */
async function dropStale(file: string): Promise<void> {
  const content = await fs.readFile(file, 'utf8').catch(() => null);
  if (content === null || ownerAlive(content.trim())) return;
  const aside = `${file}.stale-${process.pid}`;
  try {
    await fs.rename(file, aside);
  } catch {
    return;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => '');
  if (moved.trim() !== content.trim()) await fs.link(aside, file).catch(() => undefined); // someone else's fresh lease: put it back
  await fs.rm(aside, { force: true });
}

export class UidPool {
  readonly range: UidRange;
  readonly leaseDir: string;
  /** Leases held here by home folder: two sandboxes on one home are one learner, with one uid. */
  readonly #held = new Map<string, { uid: number; users: number; release(): Promise<void> }>();

  constructor(range: UidRange, leaseDir: string = DEFAULT_LEASE_DIR) {
    if (!Number.isInteger(range.first) || !Number.isInteger(range.last) || range.first < 1000 || range.last < range.first || range.last >= 2 ** 31) {
      throw new Error(`a learner uid range must be within 1000..2^31 and not empty, not ${range.first}-${range.last}`);
    }
    this.range = range;
    this.leaseDir = leaseDir;
  }

  async acquire(home: string): Promise<UidLease> {
    let held = this.#held.get(home);
    if (!held) {
      const lease = await this.#take();
      held = this.#held.get(home) ?? { ...lease, users: 0 };
      if (held.uid !== lease.uid) await lease.release(); // another launch for this home won the race
      this.#held.set(home, held);
    }
    held.users++;
    const entry = held;
    let done = false;
    return {
      uid: entry.uid,
      release: async () => {
        if (done) return;
        done = true;
        if (--entry.users > 0) return;
        if (this.#held.get(home) === entry) this.#held.delete(home);
        await entry.release();
      },
    };
  }

  async #take(): Promise<UidLease> {
    await fs.mkdir(this.leaseDir, { recursive: true, mode: 0o700 });
    const used = uidsInUse();
    const tag = ownerTag();
    for (let uid = this.range.first; uid <= this.range.last; uid++) {
      if (used.has(uid)) continue;
      const file = path.join(this.leaseDir, String(uid));
      await dropStale(file);
      try {
        const handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        await handle.writeFile(tag);
        await handle.close();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      return { uid, release: () => fs.rm(file, { force: true }) };
    }
    throw new Error(`every learner uid in ${this.range.first}-${this.range.last} is in use`);
  }

  /** Leases of servers that are gone, removed at start. */
  async reap(): Promise<number> {
    const names = await fs.readdir(this.leaseDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names.filter((n) => /^\d+$/.test(n))) {
      const file = path.join(this.leaseDir, name);
      await dropStale(file);
      if (!(await fs.stat(file).catch(() => null))) removed++;
    }
    return removed;
  }
}
