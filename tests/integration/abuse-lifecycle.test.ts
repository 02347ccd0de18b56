// Abuse of the sandbox's life: killing its supervisor, leaving daemons and bombs behind, and a server
// that died without cleaning up. Nothing may survive, and a learner always gets a working sandbox back.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Learner } from '../../server/learners/learner.ts';
import { chooseLauncher } from '../../server/sandbox/index.ts';
import { reapLeftovers } from '../../server/sandbox/leftovers.ts';
import { parseMountinfo, parseProcCgroup } from '../../server/sandbox/limits/cgroup-layout.ts';
import { ownerTag } from '../../server/sandbox/limits/owner.ts';
import { abuseLauncher, processesOf, screen, skipWhen, startLearner, until } from './abuse-kit.ts';

const scratch: string[] = [];
afterAll(async () => {
  for (const folder of scratch) await rm(folder, { recursive: true, force: true });
});

describe('the life of a sandbox under abuse', () => {
  it('kill -9 of the supervisor: the host hears of it, cleans up, and the next use starts a new sandbox', async () => {
    const data = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-data-'));
    const runRoot = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-runroot-'));
    scratch.push(data, runRoot);
    const logged: string[] = [];
    const learner = new Learner('victim', data, runRoot, abuseLauncher(), (line) => logged.push(line));
    try {
      const first = await learner.sandbox();
      const ended = new Promise<string>((resolve) => first.onEnd(resolve));
      const shell = await first.openTerminal({ cwd: '', cols: 80, rows: 24 });
      shell.write('kill -9 $PPID\r'); // the shell's parent is the supervisor
      expect(await ended).toMatch(/supervisor|sandbox exited/);
      expect(logged.join('\n')).toMatch(/sandbox ended/);

      const second = await learner.sandbox();
      expect(second).not.toBe(first);
      const again = screen(await second.openTerminal({ cwd: '', cols: 80, rows: 24 }));
      expect(await again.run('echo "back=$((20 + 1))"', /^back=/)).toBe('back=21');
    } finally {
      await learner.close();
    }
  });

  it('stop() leaves no process, cgroup or uid lease behind: not daemons, not a running fork bomb', async (ctx) => {
    // Without root the sandbox runs as this process's own uid, so its processes cannot be told apart here
    // (sandbox.test.ts checks orphans through the pid namespace instead).
    skipWhen(ctx, process.getuid?.() !== 0, 'orphans by uid: the server is not root, sandboxes run as its user');
    const learner = await startLearner('orphans');
    const uid = learner.launched.hostUid!;
    const { shell } = learner;
    await shell.run('setsid nohup sleep 300 >/dev/null 2>&1 & (sleep 301 &) ; echo "daemons=1"', /^daemons=/);
    shell.terminal.write('bomb() { bomb | bomb & }; bomb\r');
    await until('the bomb to multiply', () => processesOf(uid).length > 40, 10_000);
    await learner.stop();
    await until('no process of the learner uid', () => processesOf(uid).length === 0, 3000);
    for (const folder of learner.launched.cgroupFolders) expect(fs.existsSync(folder)).toBe(false);
    expect(fs.existsSync(`/run/cometlab/uids/${uid}`)).toBe(false);
  });

  const dead = `${process.pid}.1`; // this pid with another start time: a reused pid, its owner long gone

  it('at start, reaps the run folders a dead server left', async () => {
    const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-reap-'));
    scratch.push(tmpDir);
    const live = ownerTag();
    await mkdir(path.join(tmpDir, `cometlab-run-${dead}-abc/learner`), { recursive: true });
    await mkdir(path.join(tmpDir, `cometlab-preflight-${dead}-def`));
    await mkdir(path.join(tmpDir, `cometlab-run-${live}-ghi`));
    const reaped = await reapLeftovers({ tmpDir, uidLeaseDir: path.join(tmpDir, 'leases') });
    expect(reaped.folders.map((f) => path.basename(f)).sort()).toEqual([`cometlab-preflight-${dead}-def`, `cometlab-run-${dead}-abc`]);
    expect(fs.existsSync(path.join(tmpDir, `cometlab-run-${live}-ghi`))).toBe(true);
  });

  it('at start, frees the uid leases of a dead server, and only those', async (ctx) => {
    skipWhen(ctx, process.getuid?.() !== 0, 'uid leases: the server is not root, it hands out no uids');
    const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-lease-'));
    const leaseDir = path.join(tmpDir, 'leases');
    scratch.push(tmpDir);
    await mkdir(leaseDir);
    await writeFile(path.join(leaseDir, '23998'), dead);
    await writeFile(path.join(leaseDir, '23997'), ownerTag());
    const reaped = await reapLeftovers({ tmpDir, uidLeaseDir: leaseDir });
    expect(reaped.uidLeases).toBe(1);
    expect(fs.readdirSync(leaseDir)).toEqual(['23997']);
  });

  it('at start, reaps the cgroups of a dead server, killing what still runs in them', async (ctx) => {
    const pidsMount = parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8')).v1.pids;
    const pidsOwn = parseProcCgroup(fs.readFileSync('/proc/self/cgroup', 'utf8')).v1.pids;
    skipWhen(ctx, !pidsMount || pidsOwn === undefined || process.getuid?.() !== 0, 'cgroup reaping: no v1 pids hierarchy this root-less or v2-only run can write');
    const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-reapcg-'));
    scratch.push(tmpDir);
    const deadCgroup = path.join(pidsMount!, pidsOwn!, 'cometlab', dead, 'sbx-dead');
    await mkdir(deadCgroup, { recursive: true });
    const straggler = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => straggler.once('exit', (_, signal) => resolve(signal)));
    try {
      await writeFile(path.join(deadCgroup, 'cgroup.procs'), String(straggler.pid));
      await reapLeftovers({ tmpDir, uidLeaseDir: path.join(tmpDir, 'leases') });
      expect(fs.existsSync(path.dirname(deadCgroup))).toBe(false);
      expect(await exited).toBe('SIGKILL');
    } finally {
      straggler.kill('SIGKILL');
    }
  });

  it("refuses to give a real user's folder to a learner uid", async (ctx) => {
    skipWhen(ctx, process.getuid?.() !== 0, 'home ownership guard: the server is not root, it changes no owner');
    const base = await mkdtemp(path.join(os.tmpdir(), 'cometlab-abuse-foreign-'));
    scratch.push(base);
    const home = path.join(base, 'home');
    await mkdir(home);
    fs.chownSync(home, 1234, 1234);
    await expect(abuseLauncher().launch({ learnerId: 'foreign', homeDir: home, runDir: path.join(base, 'run') })).rejects.toThrow(/belongs to uid 1234/);
    expect(fs.statSync(home).uid).toBe(1234);
  });

  it('the start-up preflight reports each protection as the kernel applied it', async () => {
    const launcher = await chooseLauncher({ allowPlain: false });
    console.log(`[abuse] preflight: ${launcher.status.reason}`);
    expect(launcher.status.kind).toBe('bwrap');
    const checks = Object.fromEntries((launcher.status.checks ?? []).map((c) => [c.feature, c.ok]));
    expect(checks).toMatchObject({ sandbox: true, seccomp: true, rlimits: true });
    expect(checks.uid).toBe(process.getuid?.() === 0);
    for (const feature of ['cgroup-memory', 'cgroup-pids', 'cgroup-cpu'] as const) {
      if (!checks[feature]) console.log(`[abuse] ${feature} not in force here; the reason says why`);
    }
    const allInForce = (launcher.status.checks ?? []).every((c) => c.ok);
    expect(/NOT IN FORCE/.test(launcher.status.reason)).toBe(!allInForce);
  });
});
