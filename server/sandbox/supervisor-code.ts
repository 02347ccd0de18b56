// Where the supervisor's code and its run-time dependencies live on the host. The bwrap launcher binds
// exactly these read-only into the sandbox; nothing else of the project is visible there.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const SUPERVISOR_MAIN = 'server/supervisor/main.ts';

/** Folders relative to the project root; the supervisor imports from nothing else at run time. */
const CODE_FOLDERS = ['server/supervisor', 'server/protocol'];
const RUNTIME_PACKAGES = ['node-pty'];

export function supervisorMounts(): { src: string; rel: string }[] {
  const require = createRequire(path.join(PROJECT_ROOT, 'package.json'));
  return [
    ...CODE_FOLDERS.map((rel) => ({ src: path.join(PROJECT_ROOT, rel), rel })),
    ...RUNTIME_PACKAGES.map((name) => ({
      src: fs.realpathSync(path.dirname(require.resolve(`${name}/package.json`))),
      rel: `node_modules/${name}`,
    })),
  ];
}
