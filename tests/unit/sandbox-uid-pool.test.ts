import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UidPool } from '../../server/sandbox/limits/uid-pool.ts';
import { ownerTag } from '../../server/sandbox/limits/owner.ts';

const dirs: string[] = [];
const leaseDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cometlab-uid-test-'));
  dirs.push(dir);
  return path.join(dir, 'leases');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

// High in the uid space, where no process of this machine runs.
const range = { first: 1_900_000_000, last: 1_900_000_003 };

describe('the learner uid pool', () => {
  it('gives every home its own uid, the same home the same one, and takes it back', async () => {
    const pool = new UidPool(range, leaseDir());
    const a = await pool.acquire('/homes/a');
    const b = await pool.acquire('/homes/b');
    const a2 = await pool.acquire('/homes/a');
    expect([a.uid, b.uid]).toEqual([range.first, range.first + 1]);
    expect(a2.uid).toBe(a.uid);
    await a.release();
    expect(fs.existsSync(path.join(pool.leaseDir, String(a.uid)))).toBe(true); // still used by a2
    await a2.release();
    await a2.release(); // twice is harmless
    expect(fs.existsSync(path.join(pool.leaseDir, String(a.uid)))).toBe(false);
    expect((await pool.acquire('/homes/c')).uid).toBe(range.first);
  });

  it("skips another live server's lease and takes over a dead one's", async () => {
    const dir = leaseDir();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, String(range.first)), ownerTag()); // alive: this very process
    fs.writeFileSync(path.join(dir, String(range.first + 1)), `${process.pid}.1`); // a reused pid: gone
    const pool = new UidPool(range, dir);
    expect((await pool.acquire('/homes/x')).uid).toBe(range.first + 1);
    expect(fs.readFileSync(path.join(dir, String(range.first + 1)), 'utf8')).toBe(ownerTag());
  });

  it('says so when the range is used up, and refuses root-ish or empty ranges', async () => {
    const pool = new UidPool({ first: range.first, last: range.first }, leaseDir());
    await pool.acquire('/homes/1');
    await expect(pool.acquire('/homes/2')).rejects.toThrow(/in use/);
    expect(() => new UidPool({ first: 0, last: 10 })).toThrow(/range/);
    expect(() => new UidPool({ first: 5000, last: 4000 })).toThrow(/range/);
  });
});
