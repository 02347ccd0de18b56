import { describe, expect, it } from 'vitest';
import { launchChain, shellQuote, type ChainPlan } from '../../server/sandbox/launch-chain.ts';
import { limitFiles, parseMountinfo, parseProcCgroup } from '../../server/sandbox/limits/cgroup-layout.ts';
import { isOwnerTag, ownerAlive, ownerTag } from '../../server/sandbox/limits/owner.ts';

const plan: ChainPlan = {
  stage: [{ src: "/data/it's/home", name: 'home' }],
  stageMount: '/tmp/run/x',
  cgroupProcs: ['/sys/fs/cgroup/pids/cometlab/1.2/sbx-1/cgroup.procs'],
  rlimits: [{ name: 'nofile', value: 4096 }, { name: 'core', value: 0 }],
  drop: { uid: 23001, gid: 23001 },
  command: ['bwrap', '--args', '6', '--', '/opt/node/bin/node'],
};

describe('the launch chain', () => {
  it('stages, joins the cgroups, sets rlimits, drops to the learner uid, then execs bwrap', () => {
    const { file, args } = launchChain(plan);
    expect(file).toBe('unshare');
    expect(args.slice(0, 6)).toEqual(['--mount', '--propagation', 'private', '--', '/bin/sh', '-c']);
    const script = args[6]!;
    const order = ['mount -t tmpfs', "mount --bind '/data/it'\\''s/home'", 'mount --move', 'echo $$ >', 'exec "$@"'].map((part) => script.indexOf(part));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(args.slice(8)).toEqual([
      'prlimit', '--nofile=4096:4096', '--core=0:0', '--',
      'setpriv', '--reuid=23001', '--regid=23001', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
      'bwrap', '--args', '6', '--', '/opt/node/bin/node',
    ]);
  });

  it('runs unprivileged without staging or setpriv, and without a shell when there is nothing to join', () => {
    const plain = launchChain({ ...plan, stage: null, drop: null });
    expect(plain.file).toBe('/bin/sh');
    expect(plain.args.join(' ')).not.toContain('setpriv');
    const bare = launchChain({ ...plan, stage: null, drop: null, cgroupProcs: [] });
    expect(bare).toEqual({ file: 'prlimit', args: ['--nofile=4096:4096', '--core=0:0', '--', 'bwrap', '--args', '6', '--', '/opt/node/bin/node'] });
  });

  it('never drops to root and refuses odd stage names', () => {
    expect(() => launchChain({ ...plan, drop: { uid: 0, gid: 23001 } })).toThrow(/never uid or gid 0/);
    expect(() => launchChain({ ...plan, stage: [{ src: '/x', name: '../etc' }] })).toThrow(/stage name/);
  });

  it('quotes for sh', () => {
    expect(shellQuote("a'b $c")).toBe(`'a'\\''b $c'`);
  });
});

describe('cgroup layout', () => {
  const mountinfo = [
    '30 25 0:26 / /sys/fs/cgroup/unified rw,relatime shared:5 - cgroup2 cgroup2 rw',
    '35 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:10 - cgroup cgroup rw,memory',
    '36 25 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct',
    '22 1 8:1 / / rw - ext4 /dev/vda rw',
  ].join('\n');

  it('finds v1 hierarchies per controller and the v2 mount', () => {
    expect(parseMountinfo(mountinfo)).toEqual({ v1: { memory: '/sys/fs/cgroup/memory', cpu: '/sys/fs/cgroup/cpu,cpuacct' }, v2: '/sys/fs/cgroup/unified' });
  });

  it("reads this process's place in each hierarchy", () => {
    expect(parseProcCgroup('8:pids:/\n4:memory:/svc/a\n2:cpu,cpuacct:/\n0::/user.slice\n')).toEqual({
      v1: { pids: '/', memory: '/svc/a', cpu: '/' }, v2: '/user.slice',
    });
  });

  it('writes v1 and v2 limit files with swap off and a quota per core', () => {
    const limits = { memoryBytes: 1024, pids: 64, cpuCores: 0.5, cpuWeight: 25 };
    expect(limitFiles('memory', 1, limits)).toEqual([['memory.limit_in_bytes', '1024'], ['memory.memsw.limit_in_bytes', '1024']]);
    expect(limitFiles('cpu', 1, limits)).toEqual([['cpu.shares', '256'], ['cpu.cfs_period_us', '20000'], ['cpu.cfs_quota_us', '10000']]);
    expect(limitFiles('memory', 2, limits)).toEqual([['memory.max', '1024'], ['memory.swap.max', '0']]);
    expect(limitFiles('cpu', 2, limits)).toEqual([['cpu.weight', '25'], ['cpu.max', '10000 20000']]);
    expect(limitFiles('pids', 2, limits)).toEqual([['pids.max', '64']]);
  });

  it('tells a live owner from a dead or reused pid', () => {
    expect(isOwnerTag(ownerTag())).toBe(true);
    expect(ownerAlive(ownerTag())).toBe(true);
    expect(ownerAlive(`${process.pid}.1`)).toBe(false);
    expect(ownerAlive('not-a-tag')).toBe(false);
  });
});
