// What the lab page says about where the learner's code runs: a short badge in the status bar always,
// and a banner when it matters: no sandbox at all (the plain launcher runs code as the learner's own
// user), or a sandbox with some of its limits not in force. The words come from the preflight's status
// (server/contracts/api.ts); `describeLauncher` is pure so every case is unit-tested.
import type { LauncherCheck, LauncherStatus } from '../../../server/contracts/api.ts';

export interface SandboxBanner {
  level: 'unsandboxed' | 'partial';
  title: string;
  text: string;
  /** The preflight's own words: why, or what it saw. */
  detail: string;
}

export interface SandboxView {
  badge: string;
  banner: SandboxBanner | null;
}

const protections: Record<LauncherCheck['feature'], string> = {
  sandbox: 'namespaces',
  uid: 'own user id',
  seccomp: 'seccomp filter',
  'cgroup-memory': 'memory limit',
  'cgroup-pids': 'process limit',
  'cgroup-cpu': 'CPU limit',
  rlimits: 'file and size limits',
};

export function describeLauncher(launcher: LauncherStatus): SandboxView {
  if (launcher.kind === 'none') {
    return {
      badge: '⚠ No sandbox',
      banner: { level: 'unsandboxed', title: 'Your code cannot run here.', text: 'The playground found no way to run it.', detail: launcher.reason },
    };
  }
  if (!launcher.sandboxed) {
    return {
      badge: `⚠ NOT sandboxed (${launcher.kind} launcher)`,
      banner: {
        level: 'unsandboxed',
        title: 'Not sandboxed.',
        text: 'Your code runs as you, unsandboxed: it can do whatever your user can. Fine on your own machine; never for a class.',
        detail: launcher.reason,
      },
    };
  }
  const off = (launcher.checks ?? []).filter((check) => !check.ok);
  if (off.length === 0) return { badge: `Sandboxed (${launcher.kind})`, banner: null };
  return {
    badge: `Sandboxed (${launcher.kind}), ${off.length} ${off.length === 1 ? 'limit' : 'limits'} off`,
    banner: {
      level: 'partial',
      title: 'Sandboxed; not in force:',
      text: `${[...new Set(off.map((check) => protections[check.feature]))].join(', ')}.`,
      detail: off.map((check) => check.detail).join('; '),
    },
  };
}

export function showSandbox(badge: HTMLElement, banner: HTMLElement, launcher: LauncherStatus): void {
  const view = describeLauncher(launcher);
  badge.dataset.sandboxed = String(launcher.sandboxed);
  badge.textContent = view.badge;
  badge.title = launcher.reason;
  banner.hidden = view.banner === null;
  if (!view.banner) return;
  banner.dataset.level = view.banner.level;
  // Running unsandboxed is a warning to hear at once; limits not in force are worth reading, not an alarm.
  banner.setAttribute('role', view.banner.level === 'unsandboxed' ? 'alert' : 'status');
  const title = document.createElement('strong');
  title.textContent = view.banner.title;
  const head = document.createElement('p');
  head.append(title, ' ', view.banner.text);
  const detail = document.createElement('p');
  detail.className = 'wb-sandbox-detail';
  detail.textContent = view.banner.detail;
  banner.replaceChildren(head, detail);
}
