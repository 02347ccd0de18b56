// `cometlab check <lab>`: copies the learner's files into a fresh sandbox, starts the app there, runs the
// lab's checks through the port relay and reports. The copy keeps the checked run from touching the
// original folder.
import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckReport } from '../contracts/check.ts';
import { loadLabs } from '../labs/registry.ts';
import { chooseLauncher } from '../sandbox/index.ts';
import { waitForListening } from '../learners/learner.ts';
import { ensureLabServices, noServices } from '../learners/lab-services.ts';
import { readInside } from '../workspace/safe-fs.ts';
import { runChecks } from '../checks/run-checks.ts';
import { createHttpProbe } from '../checks/http-probe.ts';
import { UsageError } from './args.ts';

export interface CheckRun {
  report: CheckReport;
  appOutput: string;
  launcher: string;
}

export async function checkWorkspace(labId: string, workspace: string): Promise<CheckRun> {
  const labs = await loadLabs();
  const lab = labs.get(labId);
  if (!lab) throw new UsageError(`there is no lab "${labId}"; the labs are: ${[...labs.keys()].join(', ')}`);
  const entry = join(workspace, lab.meta.entry);
  if (!(await stat(entry).catch(() => undefined))?.isFile()) throw new UsageError(`${entry} does not exist: is --workspace the lab's folder?`);
  const launcher = await chooseLauncher({ allowPlain: true });
  if (launcher.status.kind === 'none') throw new Error(`cannot start a sandbox: ${launcher.status.reason}`);
  const scratch = await mkdtemp(join(tmpdir(), 'cometlab-check-'));
  const home = join(scratch, 'home');
  const runDir = join(scratch, 'run');
  let appOutput = '';
  try {
    await cp(workspace, join(home, lab.meta.id), { recursive: true, verbatimSymlinks: true,
      filter: (source) => !source.includes('/node_modules') });
    const sandbox = await launcher.launch({ learnerId: 'check', homeDir: home, runDir });
    try {
      sandbox.onAppOutput(({ text }) => { appOutput += text; });
      const read = (labId: string, path: string) => readInside(home, `${labId}/${path}`).then((text) => text ?? null, () => null);
      for (const problem of await ensureLabServices(sandbox, lab, noServices(), read)) appOutput += `${problem}\n`;
      const listening = waitForListening(sandbox, 5_000);
      await sandbox.startApp({ cwd: lab.meta.id, entry: lab.meta.entry });
      await listening;
      const probe = createHttpProbe((port) => sandbox.connect(port));
      const report = await runChecks(lab.meta.id, await lab.loadChecks(), probe);
      return { report, appOutput, launcher: launcher.status.reason };
    } finally {
      await sandbox.stop();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
