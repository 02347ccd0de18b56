// The author's contract for every lab, through `cometlab check` in a real sandbox with the lab's
// services (nginx, redis) started for real: the starter fails at least one check, the solution passes all.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkReportSchema } from '../../server/contracts/check.ts';
import { projectRoot, runCli } from '../helpers/playground-process.ts';

const labsDir = join(projectRoot, 'labs');
const labFolders = readdirSync(labsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name))
  .map((entry) => entry.name);

async function check(folder: string, side: 'starter' | 'solution') {
  const id = folder.replace(/^\d\d-/, '');
  // solution/ holds only the files a learner edits: lay it over a copy of the starter, as a learner would.
  const { mkdtemp, cp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const workspace = await mkdtemp(join(tmpdir(), `cometlab-contract-${id}-`));
  try {
    await cp(join(labsDir, folder, 'starter'), workspace, { recursive: true });
    if (side === 'solution') await cp(join(labsDir, folder, 'solution'), workspace, { recursive: true, force: true });
    const result = await runCli(['check', id, '--workspace', workspace, '--json'], 120_000);
    const report = checkReportSchema.parse(JSON.parse(result.stdout));
    return { code: result.code, report, stderr: result.stderr };
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

describe.each(labFolders)('%s', (folder) => {
  it('the starter fails at least one check, for a reason (not an error)', async () => {
    const { code, report } = await check(folder, 'starter');
    expect(code).toBe(1);
    expect(report.results.filter((r) => r.status === 'fail').length).toBeGreaterThan(0);
  }, 120_000);

  it('the solution passes every check', async () => {
    const { code, report } = await check(folder, 'solution');
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(code).toBe(0);
  }, 120_000);
});
