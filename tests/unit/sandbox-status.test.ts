// What the lab page says about where the learner's code runs, for each launcher status the preflight gives.
import { describe, expect, it } from 'vitest';
import { describeLauncher } from '../../site/scripts/lab/sandbox-status.ts';
import type { LauncherCheck } from '../../server/contracts/api.ts';

const inForce: LauncherCheck[] = [
  { feature: 'sandbox', ok: true, detail: 'own namespaces' },
  { feature: 'seccomp', ok: true, detail: 'x86_64 filter loaded, no_new_privs' },
];

describe('describeLauncher', () => {
  it('says nothing loud about a sandbox with every protection in force', () => {
    expect(describeLauncher({ kind: 'bwrap', sandboxed: true, reason: 'bubblewrap sandbox: all', checks: inForce }))
      .toEqual({ badge: 'Sandboxed (bwrap)', banner: null });
  });

  it('names the protections not in force, once each, with what the preflight saw', () => {
    const view = describeLauncher({
      kind: 'bwrap', sandboxed: true, reason: 'r',
      checks: [
        ...inForce,
        { feature: 'cgroup-memory', ok: false, detail: 'no memory limit: not delegated' },
        { feature: 'cgroup-cpu', ok: false, detail: 'no cpu limit: not delegated' },
        { feature: 'rlimits', ok: false, detail: 'nofile 1024, expected 256' },
        { feature: 'rlimits', ok: false, detail: 'fsize unlimited' },
      ],
    });
    expect(view.badge).toBe('Sandboxed (bwrap), 4 limits off');
    expect(view.banner).toEqual({
      level: 'partial',
      title: 'Sandboxed; not in force:',
      text: 'memory limit, CPU limit, file and size limits.',
      detail: 'no memory limit: not delegated; no cpu limit: not delegated; nofile 1024, expected 256; fsize unlimited',
    });
  });

  it('warns that the plain launcher runs code as the learner, unsandboxed, with the preflight reason', () => {
    const reason = 'NOT A SANDBOX: learner code runs as ada with full access to this machine, no limits (bubblewrap: not installed)';
    const view = describeLauncher({ kind: 'plain', sandboxed: false, reason });
    expect(view.badge).toBe('⚠ NOT sandboxed (plain launcher)');
    expect(view.banner?.level).toBe('unsandboxed');
    expect(view.banner?.text).toMatch(/runs as you, unsandboxed/);
    expect(view.banner?.detail).toBe(reason);
  });

  it('says code cannot run when there is no launcher at all', () => {
    const view = describeLauncher({ kind: 'none', sandboxed: false, reason: 'bubblewrap does not work here (x)' });
    expect(view.badge).toBe('⚠ No sandbox');
    expect(view.banner).toMatchObject({ level: 'unsandboxed', title: 'Your code cannot run here.', detail: 'bubblewrap does not work here (x)' });
  });
});
