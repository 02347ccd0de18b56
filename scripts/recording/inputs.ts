// What a lab's recording is made from, as one hash: the lab's files (not its lesson text, not the
// recording itself), the recorder with this lab's experiment, and the instruments and fixtures it runs. A recording is made again
// only when this changes. Contents, not times, so a fresh clone with the same files agrees.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const RECORDING_FILE = 'recording.json';
const NOT_INPUTS = new Set(['lesson.mdx', RECORDING_FILE]);
const EXPERIMENTS = 'scripts/recording/experiments';
const SHARED = [
  'scripts/record-runs.ts',
  'scripts/recording',
  'server/instruments',
  'server/contracts/instruments.ts',
  'server/checks/feed.ts',
  'tests/helpers/lab-apps.ts',
  'tests/fixtures/lab-scaling-out/services.ts',
];

function files(path: string, into: string[], skip: string): void {
  if (!existsSync(path) || path === skip) return;
  if (!statSync(path).isDirectory()) {
    into.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) if (!NOT_INPUTS.has(name)) files(join(path, name), into, skip);
}

export function labInputsHash(root: string, labFolder: string): string {
  const paths: string[] = [];
  // Of the experiments, only this lab's own: editing another's must not record this one again.
  const experiments = join(root, EXPERIMENTS);
  files(join(root, 'labs', labFolder), paths, experiments);
  for (const shared of SHARED) files(join(root, shared), paths, experiments);
  files(join(experiments, `${labFolder}.ts`), paths, experiments);
  const hash = createHash('sha256');
  for (const path of paths) hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  return hash.digest('hex');
}
