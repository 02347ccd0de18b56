import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allowance, OVER_QUOTA_ROOM_BYTES, overLimit } from '../../server/sandbox/disk-quota.ts';
import { measureUsage } from '../../server/sandbox/disk-usage.ts';
import { parseCommandLine } from '../../server/cli/args.ts';

const MiB = 1024 * 1024;
const usage = (bytes: number, incomplete: string | null = null) => ({ bytes, entries: 1, incomplete });

describe('how far a sandbox may let its home grow', () => {
  it('is the quota while under it', () => {
    expect(allowance(usage(10 * MiB), 64 * MiB)).toEqual({ limit: 64 * MiB });
    expect(allowance(usage(64 * MiB), 64 * MiB)).toEqual({ limit: 64 * MiB });
  });

  it('gives a home over its quota a little room to delete files in, never past twice the quota', () => {
    expect(allowance(usage(70 * MiB), 64 * MiB)).toEqual({ limit: 70 * MiB + OVER_QUOTA_ROOM_BYTES });
    expect(allowance(usage(120 * MiB), 64 * MiB)).toEqual({ limit: 128 * MiB });
  });

  it('refuses to start at twice the quota or when the home cannot be measured, saying why', () => {
    expect(allowance(usage(128 * MiB), 64 * MiB)).toEqual({ refused: expect.stringMatching(/files take 128 MiB, more than twice the disk quota of 64 MiB/) });
    expect(allowance(usage(1, 'more than 100000 files and folders'), 64 * MiB)).toEqual({ refused: expect.stringMatching(/cannot be checked \(more than 100000 files/) });
  });

  it('ends a sandbox past its limit with a reason the learner can act on', () => {
    expect(overLimit(usage(64 * MiB), 64 * MiB, 64 * MiB)).toBeNull();
    expect(overLimit(usage(65 * MiB), 64 * MiB, 64 * MiB)).toMatch(/^disk quota exceeded: your files take 65 MiB of 64 MiB; .*delete files/);
    expect(overLimit(usage(3 * MiB, 'cannot read x (EACCES)'), 64 * MiB, 64 * MiB)).toMatch(/^disk quota: cannot read x/);
  });
});

describe('measuring a home', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cometlab-usage-'));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('counts what files hold on disk: sparse files by their data, hard links once, links never followed', async () => {
    const home = path.join(base, 'home');
    fs.mkdirSync(path.join(home, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(home, 'a', 'b', 'data'), Buffer.alloc(4 * MiB, 1));
    fs.linkSync(path.join(home, 'a', 'b', 'data'), path.join(home, 'hardlink'));
    fs.symlinkSync('/usr', path.join(home, 'outside'));
    const sparse = fs.openSync(path.join(home, 'sparse'), 'w');
    fs.ftruncateSync(sparse, 1024 * MiB);
    fs.closeSync(sparse);
    const measured = await measureUsage(home);
    expect(measured.incomplete).toBeNull();
    expect(measured.entries).toBe(6);
    expect(measured.bytes).toBeGreaterThanOrEqual(4 * MiB);
    expect(measured.bytes).toBeLessThan(4 * MiB + 256 * 1024);
  });

  it('stops counting past its entry limit, and says so', async () => {
    const many = path.join(base, 'many');
    fs.mkdirSync(many);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(many, `f${i}`), '');
    expect((await measureUsage(many, 10)).incomplete).toBe('more than 10 files and folders');
    expect((await measureUsage(path.join(base, 'missing'))).bytes).toBe(0);
  });
});

describe('the --disk-quota flag', () => {
  const parse = (argv: string[]) => parseCommandLine(argv, {}, '/here');

  it('takes a size for cometlab start and workshop, and leaves the default to the sandbox when absent', () => {
    expect(parse(['start', '--disk-quota', '2G'])).toMatchObject({ diskQuotaBytes: 2 * 1024 * MiB });
    expect(parse(['workshop', '--disk-quota', '1G'])).toMatchObject({ command: 'workshop', diskQuotaBytes: 1024 * MiB });
    expect(parse(['start', '--disk-quota', '300MiB'])).toMatchObject({ diskQuotaBytes: 300 * MiB });
    expect(parse(['start'])).toMatchObject({ diskQuotaBytes: undefined });
  });

  it('refuses what is not a sensible size, and other commands', () => {
    for (const bad of ['', '1k', '512', '8M', '2T', 'lots', '0.001G']) {
      expect(() => parse(['start', '--disk-quota', bad]), bad).toThrow(/--disk-quota must be a size like 512M/);
    }
    expect(() => parse(['check', 'lab', '--disk-quota', '1G'])).toThrow(/belongs to cometlab start and cometlab workshop/);
  });
});
