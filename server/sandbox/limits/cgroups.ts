// One cgroup per sandbox for memory, pids and CPU: v1 hierarchies where the controller is mounted as v1
// (this project's reference machine is hybrid), else v2 when the controller can be enabled for us, else
// nothing (and the preflight says so). Sandboxes nest under this process's own cgroup, in
// <own>/cometlab/<owner tag>/, so they stay inside whatever limits the server itself runs under and a
// later run can tell a dead server's leftovers from a live one's.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONTROLLERS, limitFiles, OPTIONAL_FILES, parseMountinfo, parseProcCgroup, type Controller } from './cgroup-layout.ts';
import type { SandboxLimits } from './config.ts';
import { isOwnerTag, ownerAlive, ownerTag } from './owner.ts';

const FOLDER = 'cometlab';
const REMOVE_WAIT_MS = 2000;

export interface ControllerPlace {
  controller: Controller;
  version: 1 | 2;
  /** This process's folder for sandbox cgroups. */
  parent: string;
}

export interface CgroupPlan {
  places: ControllerPlace[];
  /** Controllers we cannot use, with why. */
  missing: { controller: Controller; reason: string }[];
}

export interface SandboxCgroup {
  /** The cgroup.procs files a process is written to, to enter the sandbox's cgroups. */
  procsFiles: string[];
  folders: string[];
  /** Kills whatever is still inside, then removes the folders. */
  remove(): Promise<void>;
  /** At least one core for a moment (an app starting), then the sandbox's own share again. */
  boostCpu(): void;
}

/** How long an app (re)start may use a whole core: Node's start-up is about 250 ms of CPU. */
export const CPU_BOOST_MS = 1500;

function roots(): { controller: Controller; version: 1 | 2; base: string }[] | { error: string } {
  let mountinfo: string;
  let own: string;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    own = readFileSync('/proc/self/cgroup', 'utf8');
  } catch (error) {
    return { error: (error as Error).message };
  }
  const mounts = parseMountinfo(mountinfo);
  const membership = parseProcCgroup(own);
  const found: { controller: Controller; version: 1 | 2; base: string }[] = [];
  for (const controller of CONTROLLERS) {
    const v1 = mounts.v1[controller];
    const where = membership.v1[controller];
    if (v1 && where !== undefined) found.push({ controller, version: 1, base: path.join(v1, where, FOLDER) });
    else if (mounts.v2 && membership.v2 !== null) found.push({ controller, version: 2, base: path.join(mounts.v2, membership.v2, FOLDER) });
  }
  return found;
}

async function enableV2(controller: Controller, base: string, v2Root: string): Promise<void> {
  // Controllers must be enabled from the root down; a cgroup with processes in it (other than the root)
  // cannot pass controllers on, which is why this only works for a server in the root cgroup or in a
  // delegated subtree that already enables them.
  const chain = [];
  for (let at = path.dirname(base); at.startsWith(v2Root); at = path.dirname(at)) {
    chain.unshift(at);
    if (at === v2Root) break;
  }
  for (const folder of [...chain, base]) {
    const available = (await fs.readFile(path.join(folder, 'cgroup.controllers'), 'utf8')).split(/\s+/);
    if (!available.includes(controller)) throw new Error(`the ${controller} controller is not available in ${folder}`);
    const enabled = (await fs.readFile(path.join(folder, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
    if (!enabled.includes(controller)) await fs.writeFile(path.join(folder, 'cgroup.subtree_control'), `+${controller}`);
  }
}

/** Finds the controllers and makes this process's folder in each; nothing is placed in them yet. */
export async function planCgroups(): Promise<CgroupPlan> {
  const found = roots();
  if ('error' in found) return { places: [], missing: CONTROLLERS.map((controller) => ({ controller, reason: found.error })) };
  const plan: CgroupPlan = { places: [], missing: [] };
  const tag = ownerTag();
  const v2Root = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).v2 ?? '/';
  for (const controller of CONTROLLERS) {
    const root = found.find((r) => r.controller === controller);
    if (!root) {
      plan.missing.push({ controller, reason: 'no cgroup hierarchy offers it' });
      continue;
    }
    const parent = path.join(root.base, tag);
    try {
      await fs.mkdir(parent, { recursive: true });
      if (root.version === 2) {
        await enableV2(controller, root.base, v2Root);
        await enableV2(controller, parent, v2Root);
      }
      plan.places.push({ controller, version: root.version, parent });
    } catch (error) {
      plan.missing.push({ controller, reason: `cgroup v${root.version}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} at ${parent}` });
    }
  }
  return plan;
}

async function killMembers(folder: string): Promise<number> {
  const text = await fs.readFile(path.join(folder, 'cgroup.procs'), 'utf8').catch(() => '');
  const pids = text.split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return pids.length;
}

/** rmdir, retrying while the last processes finish dying (a cgroup with members cannot be removed). */
async function removeFolder(folder: string): Promise<void> {
  const deadline = Date.now() + REMOVE_WAIT_MS;
  for (;;) {
    try {
      await fs.rmdir(folder);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw error;
      await killMembers(folder);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * Nesting puts every sandbox of the machine under one cpu group, which the scheduler weighs as ONE task
 * against the host's: a learner spinning then pushes the whole group back, and a quiet learner's
 * keystroke waits behind host work. So the groups above the sandboxes weigh as much as all the
 * sandboxes in them together, as if each sandbox stood beside the host's processes.
 */
async function rebalanceCpu(place: ControllerPlace, unit: number): Promise<void> {
  const base = path.dirname(place.parent);
  const [file, max] = place.version === 1 ? ['cpu.shares', 262_144] : ['cpu.weight', 10_000];
  const weight = (sandboxes: number) => String(Math.min(max, Math.max(place.version === 1 ? 2 : 1, sandboxes * unit)));
  let total = 0;
  for (const owner of await fs.readdir(base).catch(() => [] as string[])) {
    const folder = path.join(base, owner);
    const count = (await fs.readdir(folder, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory() && e.name.startsWith('sbx-')).length;
    total += count;
    await fs.writeFile(path.join(folder, file), weight(Math.max(1, count))).catch(() => undefined);
  }
  await fs.writeFile(path.join(base, file), weight(Math.max(1, total))).catch(() => undefined);
}

/** An owner's folder and then the shared cometlab folder, each only if empty: no trace in the server's cgroup. */
async function removeEmpty(ownerFolder: string): Promise<void> {
  try {
    await fs.rmdir(ownerFolder);
    await fs.rmdir(path.dirname(ownerFolder));
  } catch {
    // still in use by another sandbox or server
  }
}

export async function createSandboxCgroup(plan: CgroupPlan, limits: SandboxLimits): Promise<SandboxCgroup> {
  const name = `sbx-${randomBytes(4).toString('hex')}`;
  const folders: string[] = [];
  const cpu = plan.places.find((place) => place.controller === 'cpu');
  const unit = cpu?.version === 1 ? Math.round((limits.cpuWeight * 1024) / 100) : limits.cpuWeight;
  const remove = async () => {
    for (const folder of folders) await killMembers(folder);
    await Promise.all(folders.map((folder) => removeFolder(folder)));
    if (cpu) await rebalanceCpu(cpu, unit);
    // This server's folder goes with its last sandbox (it fails while others remain, as it should).
    // (v1 only: a v2 folder carries the controllers enabled for its children.)
    const v1 = plan.places.filter((place) => place.version === 1);
    await Promise.all(v1.map((place) => removeEmpty(place.parent)));
  };
  try {
    for (const place of plan.places) {
      const folder = path.join(place.parent, name);
      if (!folders.includes(folder)) {
        // A sandbox stopping at the same moment may remove the parent in between: once more then.
        for (let attempt = 0; ; attempt++) {
          await fs.mkdir(place.parent, { recursive: true });
          try {
            await fs.mkdir(folder);
            break;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 2) throw error;
          }
        }
        folders.push(folder);
      }
      for (const [file, value] of limitFiles(place.controller, place.version, limits)) {
        try {
          await fs.writeFile(path.join(folder, file), value);
        } catch (error) {
          if (!(OPTIONAL_FILES.has(file) && (error as NodeJS.ErrnoException).code === 'ENOENT')) throw error;
        }
      }
    }
    if (cpu) await rebalanceCpu(cpu, unit);
  } catch (error) {
    await remove();
    throw error;
  }
  return { procsFiles: folders.map((folder) => path.join(folder, 'cgroup.procs')), folders, remove, boostCpu: cpuBooster(cpu, name, limits) };
}

/**
 * A quota below one core doubles an app's start-up (measured: restart to listening 570 ms at half a core,
 * 280 ms at one), so a start gets a whole core for CPU_BOOST_MS. Restarting over and over gives at most
 * that one core, the share a sandbox had before it depended on the machine.
 */
function cpuBooster(cpu: ControllerPlace | undefined, name: string, limits: SandboxLimits): () => void {
  if (!cpu || limits.cpuCores >= 1) return () => undefined;
  const folder = path.join(cpu.parent, name);
  const quotaFile = (cores: number) => limitFiles('cpu', cpu.version, { ...limits, cpuCores: cores }).at(-1)!;
  let timer: NodeJS.Timeout | undefined;
  const write = ([file, value]: [string, string]) => fs.writeFile(path.join(folder, file), value).catch(() => undefined);
  return () => {
    if (timer === undefined) void write(quotaFile(1));
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void write(quotaFile(limits.cpuCores));
    }, CPU_BOOST_MS);
    timer.unref();
  };
}

/** Removes the sandbox cgroups of servers that are gone (killing anything still in them). */
export async function reapCgroups(): Promise<string[]> {
  const found = roots();
  if ('error' in found) return [];
  const removed: string[] = [];
  for (const base of new Set(found.map((r) => r.base))) {
    const owners = await fs.readdir(base).catch(() => [] as string[]);
    for (const owner of owners) {
      if (!isOwnerTag(owner) || ownerAlive(owner)) continue;
      const parent = path.join(base, owner);
      const children = await fs.readdir(parent, { withFileTypes: true }).catch(() => []);
      try {
        for (const child of children.filter((entry) => entry.isDirectory())) await removeFolder(path.join(parent, child.name));
        await removeFolder(parent);
        removed.push(parent);
        await fs.rmdir(base).catch(() => undefined);
      } catch {
        // still busy: the next start tries again
      }
    }
  }
  return removed;
}
