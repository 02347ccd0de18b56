// The services a lab declares (nginx, redis) must run for its checks, as the app must: both the
// workbench's "Check my work" and `cometlab check` start the missing ones, with the lab's own config.
// A service left running for another lab is restarted: lab 6's nginx.conf is not lab 7's.
import type { Lab } from '../labs/registry.ts';
import type { Sandbox, ServiceName, ServiceState } from '../sandbox/types.ts';

/** Which lab each running service was started for. */
export type ServiceOwners = Partial<Record<ServiceName, string>>;

/** Starts one service of a lab: nginx with `config` from the lab's folder (after `nginx -t`), redis as is. */
export function startLabService(sandbox: Sandbox, lab: Lab, service: ServiceName, owners: ServiceOwners, config = 'nginx.conf'): Promise<ServiceState> {
  owners[service] = lab.meta.id;
  return service === 'nginx'
    ? sandbox.startService('nginx', { cwd: lab.meta.id, config })
    : sandbox.startService('redis', { cwd: lab.meta.id });
}

/** Starts every declared service that is not running for this lab; returns what failed, for the learner to read. */
export async function ensureLabServices(sandbox: Sandbox, lab: Lab, owners: ServiceOwners): Promise<string[]> {
  const problems: string[] = [];
  for (const name of lab.meta.services) {
    const { state } = sandbox.serviceState(name);
    const up = state === 'running' || state === 'starting';
    if (up && owners[name] === lab.meta.id) continue;
    try {
      if (up) await sandbox.stopService(name);
      await startLabService(sandbox, lab, name, owners);
    } catch (error) {
      problems.push(`${name} did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
