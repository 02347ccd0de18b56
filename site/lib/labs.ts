// Build-time view of the course: the outline from labs/course.ts joined with the labs that exist
// (a folder labs/NN-<id>/ with a lab.ts). Used only by prerendered pages, never shipped to the browser.
import { course } from '../../labs/course.ts';
import { labMetaSchema, type CourseEntry, type LabMeta, type LabMetaInput } from '../../server/contracts/lab.ts';

export interface StarterFile {
  path: string;
  content: string;
  editable: boolean;
}

export interface CourseItem extends CourseEntry {
  ready: boolean;
}

const labModules = import.meta.glob<LabMetaInput>('/labs/*/lab.ts', { eager: true, import: 'default' });
const starterTexts = import.meta.glob<string>('/labs/*/starter/**/*', { eager: true, query: '?raw', import: 'default' });

/** labs/01-short-polling/lab.ts -> 01-short-polling */
function folderOf(modulePath: string): string {
  return modulePath.split('/')[2];
}

const readyLabs = new Map<string, { meta: LabMeta; folder: string }>();
for (const [path, input] of Object.entries(labModules)) {
  const meta = labMetaSchema.parse(input);
  const folder = folderOf(path);
  if (folder.replace(/^\d+-/, '') !== meta.id) {
    throw new Error(`labs/${folder}/lab.ts declares id "${meta.id}"; the folder must be NN-${meta.id}`);
  }
  readyLabs.set(meta.id, { meta, folder });
}

export const courseItems: CourseItem[] = course.map((entry) => ({ ...entry, ready: readyLabs.has(entry.id) }));

export function readyLabIds(): string[] {
  return courseItems.filter((item) => item.ready).map((item) => item.id);
}

function readyLab(id: string): { meta: LabMeta; folder: string } {
  const found = readyLabs.get(id);
  if (!found) throw new Error(`no lab "${id}" in labs/`);
  return found;
}

export function labMeta(id: string): LabMeta {
  return readyLab(id).meta;
}

/** The files a learner starts with, in the lab's tab order, as the workbench shows them before the API answers. */
export function starterFiles(id: string): StarterFile[] {
  const { meta, folder } = readyLab(id);
  return meta.files.map((file) => ({
    path: file.path,
    editable: file.editable,
    content: starterTexts[`/labs/${folder}/starter/${file.path}`] ?? '',
  }));
}

/** The ready labs before and after this one in course order (labs not written yet are skipped). */
export function neighbours(id: string): { previous?: CourseItem; next?: CourseItem } {
  const ready = courseItems.filter((item) => item.ready);
  const index = ready.findIndex((item) => item.id === id);
  return { previous: ready[index - 1], next: ready[index + 1] };
}
