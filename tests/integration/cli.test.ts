// `cometlab` as a learner types it: help, version, and `check` against real sandboxes.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkReportSchema } from '../../server/contracts/check.ts';
import { projectRoot, runCli } from '../helpers/playground-process.ts';

const labDir = join(projectRoot, 'labs', '01-short-polling');

describe('cometlab', () => {
  it('prints help and its version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/start .*\n.*check <lab-id>/);
    const checkHelp = await runCli(['check', '--help']);
    expect(checkHelp.stdout).toMatch(/--workspace DIR/);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version);
  });

  it('refuses bad usage with exit code 2 and one line', async () => {
    const unknown = await runCli(['check', 'no-such-lab', '--workspace', join(labDir, 'starter')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toMatch(/^cometlab: there is no lab "no-such-lab"; the labs are: short-polling/);
    const missing = await runCli(['check', 'short-polling', '--workspace', projectRoot + '/nowhere']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/server\.ts does not exist/);
    expect((await runCli(['start', '--port', 'eighty'])).code).toBe(2);
  });

  it('check fails the starter, saying what it expected and saw', async () => {
    const result = await runCli(['check', 'short-polling', '--workspace', join(labDir, 'starter')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ .+\n {4}expected: .+\n {4}saw: {6}.+\n {4}hint: {5}.+/);
    expect(result.stdout).toMatch(/short-polling: \d of \d checks pass/);
    expect(result.stderr).toMatch(/bwrap|sandbox/i);
  });

  it('check passes the solution, and --json gives the report', async () => {
    const result = await runCli(['check', 'short-polling', '--workspace', join(labDir, 'solution'), '--json']);
    expect(result.code).toBe(0);
    const report = checkReportSchema.parse(JSON.parse(result.stdout));
    expect(report.passed).toBe(report.total);
    expect(report.total).toBeGreaterThan(3);
  });
});
