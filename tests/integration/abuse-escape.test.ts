// Abuse that tries to get out: to the host's files, processes, network and terminals, or to another
// learner. Each must fail in the specific way the sandbox promises.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadLabs } from '../../server/labs/registry.ts';
import { WorkspaceStore } from '../../server/workspace/store.ts';
import { skipWhen, startLearner, type Learner } from './abuse-kit.ts';

const FAKE_SECRET = `cometlab-fake-secret-${process.pid}`;

describe('escape attempts from a sandbox', () => {
  let learner: Learner;
  let neighbour: Learner;
  let hostServer: http.Server;
  let hostPort: number;

  beforeAll(async () => {
    // A secret in the launcher's own environment: it must reach no process of the sandbox.
    process.env.COMETLAB_TEST_SECRET = FAKE_SECRET;
    hostServer = http.createServer((_, res) => res.end('host')).listen(0, '127.0.0.1');
    await new Promise((resolve) => hostServer.once('listening', resolve));
    hostPort = (hostServer.address() as AddressInfo).port;
    [learner, neighbour] = await Promise.all([startLearner('esc'), startLearner('nbr')]);
    fs.writeFileSync(path.join(neighbour.home, 'neighbour-secret.txt'), 'private');
  });

  afterAll(async () => {
    delete process.env.COMETLAB_TEST_SECRET;
    await Promise.all([learner?.stop(), neighbour?.stop()]);
    hostServer?.close();
  });

  const errno = (line: string) => Number(line.split('=')[1]);

  it('cannot push input into its terminal with TIOCSTI or TIOCLINUX (EPERM)', async () => {
    const line = await learner.shell.run(`perl -e '$c = "x"; ioctl(STDIN, 0x5412, $c) or print "sti=", $!+0, "\\n"'`, /^sti=/);
    expect(errno(line)).toBe(1);
    const high = await learner.shell.run(`perl -e '$c = "x"; ioctl(STDIN, 0x100005412, $c) or print "sti64=", $!+0, "\\n"'`, /^sti64=/);
    expect(errno(high)).toBe(1);
    const linux = await learner.shell.run(`perl -e '$c = "\\x0b"; ioctl(STDIN, 0x541C, $c) or print "linux=", $!+0, "\\n"'`, /^linux=/);
    expect(errno(linux)).toBe(1);
  });

  it("sees only its own processes in /proc, and none of the host's", async () => {
    const line = await learner.shell.run(`echo "procs=$(ls /proc | grep -c '^[0-9]') host=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' ' | grep -c 'vites[t]')"`, /^procs=/);
    const [, procs, host] = /procs=(\d+) host=(\d+)/.exec(line)!.map(Number);
    expect(procs).toBeLessThan(12);
    expect(host).toBe(0);
  });

  it('finds no /etc/shadow, no project checkout and no other learner', async () => {
    const files = [
      '/etc/shadow', '/work/main/package.json', path.join(process.cwd(), 'package.json'),
      path.join(neighbour.home, 'neighbour-secret.txt'), neighbour.runDir, learner.runDir,
    ];
    for (const file of files) {
      expect(await learner.shell.run(`test -e '${file}'; echo "exists=$?"`, /^exists=/)).toBe('exists=1');
    }
    const found = await learner.shell.run(`echo "found=$(find / -xdev -name 'neighbour-secret*' 2>/dev/null | wc -l) code=$(ls /opt/cometlab/server | tr '\\n' ,)"`, /^found=/, 15_000);
    expect(found).toBe('found=0 code=protocol,supervisor,');
  });

  it("cannot reach the host's ports, this server's included: its network has only lo", async () => {
    const line = await learner.shell.run(`(echo > /dev/tcp/127.0.0.1/${hostPort}) 2>&1 | grep -o 'Connection refused' | head -1; echo "tcp=done"`, /Connection refused|tcp=done/);
    expect(line).toBe('Connection refused');
    const res = await fetch(`http://127.0.0.1:${hostPort}/`);
    expect(await res.text()).toBe('host'); // the server was there all along
  });

  it('cannot open vsock or packet sockets (EAFNOSUPPORT); inet still works', async () => {
    const line = await learner.shell.run(`perl -e 'for $f (40, 17, 2) { print "f$f=", (socket(my $s, $f, 1, 0) ? 0 : $!+0), " " } print "\\n"'`, /^f40=/);
    expect(line.trim()).toBe('f40=97 f17=97 f2=0');
  });

  it('cannot make user namespaces, mount, or trace (EPERM or ENOSPC)', async () => {
    expect(await learner.shell.run(`unshare -Ur true 2>/dev/null; echo "unshare=$?"`, /^unshare=/)).not.toBe('unshare=0');
    const calls = await learner.shell.run(
      `perl -e '($s, $d, $t) = ("none", "/tmp", "tmpfs"); print "unshare=", (syscall(272, 0x10000000) < 0 ? $!+0 : 0), " mount=", (syscall(165, $s, $d, $t, 0, 0) < 0 ? $!+0 : 0), " ptrace=", (syscall(101, 16, 1, 0, 0) < 0 ? $!+0 : 0), "\\n"'`,
      /^unshare=/,
    );
    expect(calls).toBe('unshare=1 mount=1 ptrace=1');
  });

  it("shows no host path or secret in the launcher's environment and arguments (/proc/*/environ, cmdline)", async () => {
    const line = await learner.shell.run(`echo "env=$(cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c -e cometlab-fake-secret -e /work -e /root) args=$(tr '\\0' ' ' < /proc/1/cmdline)"`, /^env=/);
    expect(line).toMatch(/^env=0 args=bwrap --args \d+ -- \/opt\/node\/\S+ \/opt\/cometlab\/server\/supervisor\/main.ts --home \/home\/learner $/);
    expect(line).not.toContain(learner.base);
  });

  it('cannot see or swap the relay sockets; a planted symlink changes nothing for the host', async () => {
    const line = await learner.shell.run(`echo "socks=$(find / -xdev -type s 2>/dev/null | wc -l)"`, /^socks=/, 15_000);
    expect(line).toBe('socks=0');
    // The host's socket paths, planted in the home as symlinks to somewhere else.
    await learner.shell.run(`mkdir -p ~/run && for p in 8999 8888; do ln -sf /tmp/elsewhere.sock ~/run/relay-$p.sock; done; echo "planted=1"`, /^planted=/);
    const stat = fs.statSync(learner.runDir);
    expect(stat.uid).toBe(process.getuid?.()); // the server's, never the learner's (as root they differ)
    expect(stat.mode & 0o777).toBe(0o700);
    const socket = await learner.launched.sandbox.connect(8999);
    expect(socket.remotePort).toBeUndefined(); // a unix socket: the host's own relay, not a symlink target
    socket.destroy();
    expect(fs.lstatSync(path.join(learner.runDir, 'relay-8999.sock')).isSocket()).toBe(true);
  });

  it('runs as its own host uid, not root, with no capabilities', async (ctx) => {
    const uid = learner.launched.hostUid;
    skipWhen(ctx, uid === null, 'host uid: the server is not root, so sandboxes run as its user');
    expect(uid).toBeGreaterThan(0);
    expect(uid).not.toBe(neighbour.launched.hostUid);
    const line = await learner.shell.run(`echo "caps=$(grep CapEff /proc/self/status | cut -f2) nnp=$(grep NoNewPrivs /proc/self/status | cut -f2) seccomp=$(grep '^Seccomp:' /proc/self/status | cut -f2)"`, /^caps=/);
    expect(line).toBe('caps=0000000000000000 nnp=1 seccomp=2');
    await learner.shell.run('echo mine > ~/owned.txt; echo "ok=1"', /^ok=/);
    expect(fs.statSync(path.join(learner.home, 'owned.txt')).uid).toBe(uid);
  });

  it("gives files the host saves into the home to the learner's uid, so the terminal can edit them", async (ctx) => {
    const uid = learner.launched.hostUid;
    skipWhen(ctx, uid === null, 'ownership: the server is not root, files are its own');
    const lab = [...(await loadLabs()).values()][0]!;
    const store = new WorkspaceStore(learner.home);
    const files = await store.open(lab); // a new lab folder, made by the host while the sandbox runs
    const editable = files.find((file) => file.editable)!;
    await store.save(lab, editable.path, '// saved by the host\n');
    for (const made of [lab.meta.id, path.join(lab.meta.id, editable.path)]) {
      expect(fs.statSync(path.join(learner.home, made)).uid).toBe(uid);
    }
    const line = await learner.shell.run(`echo '// edited' >> ~/${lab.meta.id}/${editable.path} && touch ~/${lab.meta.id}/new.ts && echo "edited=$?"`, /^edited=/);
    expect(line).toBe('edited=0');
    expect(fs.readFileSync(path.join(learner.home, lab.meta.id, editable.path), 'utf8')).toBe('// saved by the host\n// edited\n');
  });
});
