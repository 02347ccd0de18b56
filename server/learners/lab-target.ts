// Which lab a `lab` command is about: the one named by --lab, else the lab folder it was typed in
// (~/<lab-id>/...). Pure logic; anything else gets a message that lists the labs.
import type { Lab } from '../labs/registry.ts';

export type Target = { lab: Lab } | { error: string };

function labList(labs: Map<string, Lab>): string {
  const rows = [...labs.values()].map((lab) => `  ~/${lab.meta.id.padEnd(18)} ${lab.meta.number}. ${lab.meta.title}`);
  return `The labs (cd into one's folder, or add --lab ID):\n${rows.join('\n')}`;
}

/** cwd is relative to the home folder ('' is the home itself), null when outside it. */
export function targetLab(request: { lab: string | null; cwd: string | null }, labs: Map<string, Lab>): Target {
  if (request.lab !== null) {
    const lab = labs.get(request.lab);
    return lab ? { lab } : { error: `There is no lab called "${request.lab}".\n\n${labList(labs)}` };
  }
  const folder = request.cwd?.split('/')[0] ?? '';
  const lab = labs.get(folder);
  if (lab) return { lab };
  const where = request.cwd === null ? 'outside your home folder' : request.cwd === '' ? 'in your home folder' : `in ~/${request.cwd}`;
  return { error: `You are ${where}, which is not a lab's folder.\n\n${labList(labs)}` };
}
