// The self-test that decides which launcher runs: start a real sandbox with the real flags and the
// real supervisor, and check it got what it promises (a non-root learner, loopback only). For bwrap it
// then reads, from the host, what the kernel says about the supervisor process: its uid, its seccomp
// mode, its rlimits and its cgroups, so every protection is reported as seen, not as intended.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LauncherCheck } from '../contracts/api.ts';
import type { BwrapLaunched } from './bwrap-launcher.ts';
import type { LaunchedSupervisor } from './launch-supervisor.ts';
import { limitFiles, OPTIONAL_FILES } from './limits/cgroup-layout.ts';
import type { CgroupPlan } from './limits/cgroups.ts';
import { defaultCpuCores, describeCpuRule, formatBytes, type SandboxLimits } from './limits/config.ts';
import { hostFolderBase } from './leftovers.ts';
import { ownerTag } from './limits/owner.ts';
import type { SandboxSpec } from './types.ts';

const PREFLIGHT_TIMEOUT_MS = 15_000;

/** Null when the launch worked and passed `verify`, else a one-line reason. */
export async function selfTest<T extends LaunchedSupervisor>(
  launch: (spec: SandboxSpec) => Promise<T>,
  verify: (launched: T) => string | null | Promise<string | null>,
): Promise<string | null> {
  const base = await fs.mkdtemp(path.join(hostFolderBase(), `cometlab-preflight-${ownerTag()}-`));
  const spec = { learnerId: 'preflight', homeDir: path.join(base, 'home'), runDir: path.join(base, 'run') };
  await fs.mkdir(spec.homeDir);
  let launched: T | null = null;
  try {
    const attempt = launch(spec);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${PREFLIGHT_TIMEOUT_MS} ms`)), PREFLIGHT_TIMEOUT_MS).unref(),
    );
    launched = await Promise.race([attempt, timeout]);
    return await verify(launched);
  } catch (error) {
    return oneLine((error as Error).message);
  } finally {
    await launched?.sandbox.stop();
    await fs.rm(base, { recursive: true, force: true });
  }
}

export function verifyIsolated(ready: LaunchedSupervisor['ready']): string | null {
  if (ready.uid === 0) return 'the learner would be root inside the sandbox';
  const foreign = ready.interfaces.filter((name) => name !== 'lo');
  if (foreign.length > 0) return `the sandbox sees network interfaces other than lo: ${foreign.join(', ')}`;
  return null;
}

function statusField(status: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim();
}

/** "Max open files  4096  4096  files" -> soft limit as a number (Infinity for unlimited). */
function softLimit(limits: string, name: string): number | undefined {
  const line = limits.split('\n').find((l) => l.startsWith(name));
  const value = line?.slice(26).trim().split(/\s+/)[0];
  if (value === undefined) return undefined;
  return value === 'unlimited' ? Infinity : Number(value);
}

/** The supervisor's host pid: the only child of the sandbox's pid 1. */
async function supervisorPid(launched: BwrapLaunched): Promise<number> {
  const { childPid } = await launched.bwrap;
  const children = await fs.readFile(`/proc/${childPid}/task/${childPid}/children`, 'utf8');
  const pid = Number(children.trim().split(/\s+/)[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error('the sandbox has no supervisor process');
  return pid;
}

const CGROUP_FEATURES = { memory: 'cgroup-memory', pids: 'cgroup-pids', cpu: 'cgroup-cpu' } as const;

/** What the kernel says the sandboxed supervisor runs under. Throws only when it cannot be read at all. */
export async function inspectBwrap(launched: BwrapLaunched, limits: SandboxLimits, plan: CgroupPlan): Promise<LauncherCheck[]> {
  const pid = await supervisorPid(launched);
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  const rlimits = await fs.readFile(`/proc/${pid}/limits`, 'utf8');
  const cgroups = await fs.readFile(`/proc/${pid}/cgroup`, 'utf8');
  const checks: LauncherCheck[] = [{
    feature: 'sandbox', ok: true,
    detail: `own namespaces (user, pid, net with lo only, ipc, uts, mount), read-only root and system, private /tmp, home disk quota ${formatBytes(limits.diskBytes)} (kept by the host)`,
  }];

  const uid = Number(statusField(status, 'Uid')?.split(/\s+/)[0]);
  if (launched.hostUid !== null) {
    const ok = uid === launched.hostUid && uid !== 0 && statusField(status, 'CapEff') === '0000000000000000';
    checks.push({ feature: 'uid', ok, detail: ok ? `own host uid per learner (the probe ran as ${uid}), no capabilities` : `the supervisor runs as host uid ${uid}, expected ${launched.hostUid}` });
  } else {
    checks.push({ feature: 'uid', ok: false, detail: `the server is not root: sandboxes run as host uid ${uid}, sharing per-user limits` });
  }

  const seccomp = statusField(status, 'Seccomp') === '2' && statusField(status, 'NoNewPrivs') === '1';
  checks.push({ feature: 'seccomp', ok: seccomp, detail: seccomp ? 'x86_64 filter loaded, no_new_privs' : 'the supervisor runs without a seccomp filter' });

  for (const controller of ['memory', 'pids', 'cpu'] as const) {
    const feature = CGROUP_FEATURES[controller];
    const place = plan.places.find((p) => p.controller === controller);
    if (!place) {
      const why = plan.missing.find((m) => m.controller === controller)?.reason ?? 'not available';
      checks.push({ feature, ok: false, detail: `no ${controller} limit: ${why}` });
      continue;
    }
    const folder = launched.cgroupFolders.find((f) => f.startsWith(`${place.parent}/`));
    const member = cgroups.split('\n').map((line) => line.slice(line.lastIndexOf(':') + 1)).filter((where) => where.length > 1);
    const inside = folder !== undefined && member.some((where) => folder.endsWith(where));
    const [file, wanted] = limitFiles(controller, place.version, limits).filter(([name]) => !OPTIONAL_FILES.has(name)).at(-1)!;
    const actual = folder ? (await fs.readFile(path.join(folder, file), 'utf8').catch(() => '')).trim() : '';
    const ok = inside && actual === wanted;
    const value = controller === 'memory' ? formatBytes(limits.memoryBytes) : controller === 'pids' ? String(limits.pids) : describeCpu(limits.cpuCores);
    checks.push({ feature, ok, detail: ok ? `cgroup v${place.version} ${controller} ${value}` : `cgroup v${place.version} ${controller}: supervisor ${inside ? 'inside' : 'not inside'} its cgroup, ${file}=${actual || '?'}` });
  }

  const wanted: [string, number][] = [['Max open files', limits.openFiles], ['Max file size', limits.fileBytes], ['Max core file size', 0]];
  if (launched.hostUid !== null) wanted.push(['Max processes', limits.processes]);
  const wrong = wanted.filter(([name, value]) => softLimit(rlimits, name) !== value).map(([name]) => name);
  checks.push({
    feature: 'rlimits', ok: wrong.length === 0,
    detail: wrong.length === 0
      ? `nofile ${limits.openFiles}, fsize ${formatBytes(limits.fileBytes)}, core 0${launched.hostUid !== null ? `, nproc ${limits.processes}` : ''}`
      : `not applied: ${wrong.join(', ')}`,
  });
  return checks;
}

function describeCpu(cores: number): string {
  const rule = describeCpuRule();
  return cores === defaultCpuCores() ? `${cores} core (${rule})` : `${cores} core (the default here is ${defaultCpuCores()}: ${rule})`;
}

/** One readable line: what is in force, then loudly what is not. */
export function describeChecks(checks: LauncherCheck[]): string {
  const inForce = checks.filter((c) => c.ok).map((c) => c.detail);
  const missing = checks.filter((c) => !c.ok).map((c) => c.detail);
  return `bubblewrap sandbox: ${inForce.join('; ')}${missing.length ? `. NOT IN FORCE: ${missing.join('; ')}` : ''}`;
}

export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
