// The nginx panel of labs 6-8: the config nginx runs with beside the lab's default, its state, and a
// reload that tests the saved config first and answers nginx's complaints line by line.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { nginxPanelSchema, nginxReloadAnswerSchema } from '../contracts/instruments.ts';
import { HttpError, notFound } from '../http/errors.ts';
import type { Lab } from '../labs/registry.ts';
import type { Learner } from '../learners/learner.ts';
import { MAX_CONFIG_BYTES, chainBusy } from './chain-try.ts';
import { readSmallInHome } from './nginx-files.ts';
import { parseConfigErrors } from './nginx-test-errors.ts';

export const CONFIG_PATH = 'nginx.conf';

export function requireNginx(lab: Lab): void {
  if (!lab.meta.services.includes('nginx')) throw notFound(`Lab "${lab.meta.id}" has no nginx.`);
}

export async function nginxPanel(learner: Learner, lab: Lab): Promise<z.infer<typeof nginxPanelSchema>> {
  requireNginx(lab);
  await learner.store.open(lab);
  const [config, defaultConfig, service] = await Promise.all([
    readSmallInHome(learner.store.homeDir, `${lab.meta.id}/${CONFIG_PATH}`, MAX_CONFIG_BYTES),
    readFile(join(lab.starterDir, CONFIG_PATH), 'utf8'),
    learner.labServiceState(lab, 'nginx'),
  ]);
  return { configPath: CONFIG_PATH, config: config ?? '', defaultConfig, state: service.state };
}

/** Reloads a running nginx, or starts it; either way `nginx -t` runs first and a failing config changes nothing. */
export async function reloadNginx(learner: Learner, lab: Lab): Promise<z.infer<typeof nginxReloadAnswerSchema>> {
  requireNginx(lab);
  if (chainBusy(learner)) throw new HttpError(409, 'chain_busy', 'A Try it is using nginx; reload when its answer is in.');
  const running = (await learner.labServiceState(lab, 'nginx')).state === 'running';
  try {
    if (running) await learner.reloadService('nginx');
    else await learner.startService(lab, 'nginx', CONFIG_PATH);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const output = error instanceof Error ? error.message : String(error);
    const errors = parseConfigErrors(output, CONFIG_PATH);
    return { ok: false, output, errors: errors.length > 0 ? errors : [{ line: null, message: output }] };
  }
  return { ok: true, output: `nginx -t found no error in ${CONFIG_PATH}; nginx ${running ? 'reloaded it' : 'started with it'}.`, errors: [] };
}
