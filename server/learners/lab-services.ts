// The services a lab declares (nginx, redis) must run for its checks, as the app must: both the
// workbench's "Check my work" and `cometlab check` start the missing ones, with the lab's own config.
import type { Lab } from '../labs/registry.ts';
import type { Sandbox } from '../sandbox/types.ts';

/** Starts every declared service that is not running; returns what failed, for the learner to read. */
export async function ensureLabServices(sandbox: Sandbox, lab: Lab): Promise<string[]> {
  const problems: string[] = [];
  for (const name of lab.meta.services) {
    const state = sandbox.serviceState(name);
    if (state.state === 'running' || state.state === 'starting') continue;
    try {
      if (name === 'nginx') await sandbox.startService('nginx', { cwd: lab.meta.id, config: 'nginx.conf' });
      else await sandbox.startService('redis', { cwd: lab.meta.id });
    } catch (error) {
      problems.push(`${name} did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
