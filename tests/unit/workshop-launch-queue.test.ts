// The workshop's launch queue: at most N sandboxes start at once, the rest wait their turn in order, a
// failed start frees its slot, and each running sandbox's cgroup folders are known until it stops.
import { describe, expect, it } from 'vitest';
import { LaunchQueue } from '../../server/workshop/launch-queue.ts';
import type { Sandbox, SandboxSpec } from '../../server/sandbox/types.ts';

function fakeLauncher() {
  const pending: Array<{ spec: SandboxSpec; finish(ok: boolean): void }> = [];
  const launcher = {
    status: { kind: 'bwrap' as const, sandboxed: true, reason: 'test' },
    launch: () => Promise.reject(new Error('launchDetailed is used')),
    launchDetailed(spec: SandboxSpec) {
      return new Promise<{ sandbox: Sandbox; cgroupFolders: string[] }>((resolve, reject) => {
        pending.push({
          spec,
          finish: (ok) => {
            if (!ok) return reject(new Error('bwrap failed'));
            const sandbox = { learnerId: spec.learnerId, onEnd: () => () => undefined, stop: async () => undefined } as unknown as Sandbox;
            resolve({ sandbox, cgroupFolders: [`/cg/${spec.learnerId}`] });
          },
        });
      });
    },
  };
  return { launcher, pending };
}

const spec = (id: string): SandboxSpec => ({ learnerId: id, homeDir: '/h', runDir: '/r' });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the launch queue', () => {
  it('starts at most N at once, in order, and frees a slot on failure', async () => {
    const { launcher, pending } = fakeLauncher();
    const queue = new LaunchQueue(launcher, 2);
    const launches = ['a', 'b', 'c', 'd'].map((id) => queue.launch(spec(id)));
    launches[0]!.catch(() => undefined);
    await settle();
    expect(pending.map((p) => p.spec.learnerId)).toEqual(['a', 'b']);
    expect(queue.queued).toBe(2);
    pending[0]!.finish(false);
    await expect(launches[0]).rejects.toThrow('bwrap failed');
    await settle();
    expect(pending.map((p) => p.spec.learnerId)).toEqual(['a', 'b', 'c']);
    pending[1]!.finish(true);
    pending[2]!.finish(true);
    await settle();
    pending[3]!.finish(true);
    const [b] = await Promise.all(launches.slice(1));
    expect(queue.queued).toBe(0);
    expect([...queue.cgroups.keys()].sort()).toEqual(['b', 'c', 'd']);
    expect(queue.cgroups.get('b')).toEqual(['/cg/b']);
    await b!.stop();
    expect(queue.cgroups.has('b')).toBe(false);
  });
});
