// The services a lab declares (nginx, redis) must run for its checks, as the app must: both the
// workbench's "Check my work" and `cometlab check` start the missing ones, with the lab's own config.
// A service left running for another lab is restarted: lab 6's nginx.conf is not lab 7's. So is an
// nginx whose nginx.conf was saved since it loaded it: the checks judge the config the learner sees.
import { isUp } from '../contracts/api.ts';
import type { Lab } from '../labs/registry.ts';
import type { Sandbox, ServiceName, ServiceState } from '../sandbox/types.ts';

/** What runs in a sandbox: which lab each service was started for, and the nginx config it loaded. */
export interface ServiceOwners {
  labs: Partial<Record<ServiceName, string>>;
  nginxConfig?: string | null;
}

export function noServices(): ServiceOwners {
  return { labs: {} };
}

/** Reads a file of the lab's folder as the learner saved it; null when it is not there or not readable. */
export type LabFileReader = (labId: string, path: string) => Promise<string | null>;

/** Starts one service of a lab: nginx with `config` from the lab's folder (after `nginx -t`), redis as is. */
export async function startLabService(sandbox: Sandbox, lab: Lab, service: ServiceName, owners: ServiceOwners, read: LabFileReader, config = 'nginx.conf'): Promise<ServiceState> {
  owners.labs[service] = lab.meta.id;
  if (service === 'redis') return sandbox.startService('redis', { cwd: lab.meta.id });
  const text = config === 'nginx.conf' ? await read(lab.meta.id, config) : null;
  const state = await sandbox.startService('nginx', { cwd: lab.meta.id, config });
  owners.nginxConfig = text;
  return state;
}

/** Starts every declared service that is not running for this lab (or runs a stale config); returns what it had to say. */
export async function ensureLabServices(sandbox: Sandbox, lab: Lab, owners: ServiceOwners, read: LabFileReader): Promise<string[]> {
  const notes: string[] = [];
  for (const name of lab.meta.services) {
    const up = isUp(sandbox.serviceState(name));
    const stale = up && name === 'nginx' && owners.labs.nginx === lab.meta.id
      && (owners.nginxConfig === null || owners.nginxConfig !== (await read(lab.meta.id, 'nginx.conf')));
    if (up && owners.labs[name] === lab.meta.id && !stale) continue;
    try {
      if (up) await sandbox.stopService(name);
      await startLabService(sandbox, lab, name, owners, read);
      if (stale) notes.push('nginx.conf changed since nginx loaded it: nginx restarted with the saved one.');
    } catch (error) {
      notes.push(`${name} did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return notes;
}
