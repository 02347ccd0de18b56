// Filling the disk through the home: the one writable host folder. The host keeps a quota on it while
// the sandbox runs; past it the sandbox ends (every writer with it), the learner is told why in the
// terminal and on the page, and the home stays bounded. Both launchers: the plain one keeps it too.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventMessage } from '../../server/contracts/terminal.ts';
import { loadLabs } from '../../server/labs/registry.ts';
import { Learner } from '../../server/learners/learner.ts';
import { measureUsage } from '../../server/sandbox/disk-usage.ts';
import { PlainLauncher } from '../../server/sandbox/plain-launcher.ts';
import type { Launcher } from '../../server/sandbox/types.ts';
import { ABUSE_LIMITS, abuseLauncher, until } from './abuse-kit.ts';

const MiB = 1024 * 1024;
const QUOTA = ABUSE_LIMITS.diskBytes;
/** What a writer may add after the quota is passed: a poll, a walk and the stop at this disk's speed (measured: up to 58 MiB). */
const OVERSHOOT = 128 * MiB;

const scratch: string[] = [];
afterAll(async () => {
  for (const folder of scratch) await rm(folder, { recursive: true, force: true });
});

const launchers: { kind: string; make(): Launcher }[] = [
  { kind: 'bwrap', make: () => abuseLauncher() },
  { kind: 'plain', make: () => new PlainLauncher({ kind: 'plain', sandboxed: false, reason: 'abuse test' }, { diskBytes: QUOTA }) },
];

async function learnerWith(launcher: Launcher, name: string) {
  const data = await mkdtemp(path.join(os.tmpdir(), `cometlab-abuse-disk-${name}-`));
  const runRoot = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-diskrun-'));
  scratch.push(data, runRoot);
  const learner = new Learner(name, data, runRoot, launcher, () => undefined);
  const events: EventMessage[] = [];
  learner.subscribe((event) => events.push(event));
  const lab = [...(await loadLabs()).values()][0]!;
  return { learner, events, lab, home: learner.store.homeDir };
}

/** A terminal of the learner's with a viewer that keeps what it is shown and told. */
async function viewedTerminal(learner: Learner, lab: Awaited<ReturnType<typeof learnerWith>>['lab']) {
  const session = await learner.openTerminal(lab, { cols: 120, rows: 30 });
  const seen = { text: '', ended: null as string | null };
  session.attach({
    screen: (data) => (seen.text += data),
    output: (chunk) => {
      seen.text += chunk.toString('utf8');
      session.ack(chunk.length);
    },
    exit: () => undefined,
    ended: (reason) => (seen.ended = reason),
    replaced: () => undefined,
  }, 120, 30);
  return { session, seen };
}

describe.each(launchers)('the disk quota of a home ($kind launcher)', ({ kind, make }) => {
  it('ends a sandbox that fills its home past the quota, tells the learner why, and bounds the disk use', async () => {
    const { learner, events, lab, home } = await learnerWith(make(), `fill-${kind}`);
    try {
      const { session, seen } = await viewedTerminal(learner, lab);
      session.write('echo "ready=$((1 + 1))"\r');
      await until('the shell', () => seen.text.includes('ready=2'));
      // A loop in the shell itself: only ending the whole sandbox stops it.
      session.write('i=0; while :; do head -c 16000000 /dev/zero > ~/fill$i; i=$((i+1)); done\r');
      const reason = await until('the quota end', () => seen.ended, 20_000);
      expect(reason).toMatch(/^disk quota exceeded: your files take \d+ MiB of 64 MiB; .*delete files/);
      expect(events).toContainEqual({ type: 'sandbox-ended', reason });
      await learner.close(); // everything of the sandbox is gone once this resolves
      const used = (await measureUsage(home)).bytes;
      console.log(`[abuse] ${kind}: the quota is ${QUOTA / MiB} MiB, the home holds ${(used / MiB).toFixed(1)} MiB after the end`);
      expect(used).toBeGreaterThan(QUOTA);
      expect(used).toBeLessThan(QUOTA + OVERSHOOT);
      // Nothing writes any more.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await measureUsage(home)).bytes).toBe(used);
    } finally {
      await learner.close();
    }
  });

  it('lets a home over the quota start to delete files, and refuses past twice the quota, saying why', async () => {
    const { learner, lab, home } = await learnerWith(make(), `over-${kind}`);
    try {
      fs.mkdirSync(home, { recursive: true });
      fs.writeFileSync(path.join(home, 'big'), Buffer.alloc(QUOTA + 8 * MiB, 1));
      const { session, seen } = await viewedTerminal(learner, lab);
      session.write('rm ~/big && echo "freed=$((1 + 1))"\r');
      await until('the file deleted', () => seen.text.includes('freed=2'));
      expect(fs.existsSync(path.join(home, 'big'))).toBe(false);

      fs.writeFileSync(path.join(home, 'bigger'), Buffer.alloc(2 * QUOTA + MiB, 1));
      const runDir = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-diskref-'));
      scratch.push(runDir);
      await expect(make().launch({ learnerId: 'refused', homeDir: home, runDir }))
        .rejects.toThrow(/cannot start: your files take 129 MiB, more than twice the disk quota of 64 MiB/);
    } finally {
      await learner.close();
    }
  });
});
