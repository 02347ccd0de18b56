// Finds the labs of the course: every labs/NN-<id>/ folder with a lab.ts. Metadata is validated on load,
// so a broken lab fails at start with its folder named, not when a learner opens it.
import { readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { labMetaSchema, type LabMeta } from '../contracts/lab.ts';
import type { Check } from '../contracts/check.ts';

export interface Lab {
  meta: LabMeta;
  /** Absolute path of labs/NN-<id>/. */
  folder: string;
  starterDir: string;
  solutionDir: string;
  loadChecks(): Promise<Check[]>;
}

export const defaultLabsDir = join(import.meta.dirname, '..', '..', 'labs');

export async function loadLabs(labsDir = defaultLabsDir): Promise<Map<string, Lab>> {
  const labs = new Map<string, Lab>();
  const folders = (await readdir(labsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  for (const name of folders) {
    const folder = join(labsDir, name);
    if (!existsSync(join(folder, 'lab.ts'))) continue;
    const module = await import(pathToFileURL(join(folder, 'lab.ts')).href);
    const parsed = labMetaSchema.safeParse(module.default);
    if (!parsed.success) throw new Error(`labs/${name}/lab.ts: ${parsed.error.issues[0]?.message ?? 'invalid metadata'}`);
    const meta = parsed.data;
    if (name !== `${String(meta.number).padStart(2, '0')}-${meta.id}`) {
      throw new Error(`labs/${name}: the folder must be named ${String(meta.number).padStart(2, '0')}-${meta.id} after its lab.ts`);
    }
    labs.set(meta.id, {
      meta,
      folder,
      starterDir: join(folder, 'starter'),
      solutionDir: join(folder, 'solution'),
      loadChecks: async () => (await import(pathToFileURL(join(folder, 'checks.ts')).href)).default as Check[],
    });
  }
  return labs;
}
