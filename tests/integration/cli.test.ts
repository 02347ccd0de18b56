// `cometlab` as a learner types it: help, version, a taken port, and `check` against real sandboxes.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkReportSchema } from '../../server/contracts/check.ts';
import { cliPath, projectRoot, runCli } from '../helpers/playground-process.ts';
import { freePort } from '../helpers/ports.ts';

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

  it('says at once, in one line and before any set-up or build, that the port is taken', async () => {
    // A fresh clone as far as the launcher can tell: no node_modules, no dist/. Set-up first would run
    // npm ci and build; only the command line and the port check may run before it.
    const clone = await mkdtemp(join(tmpdir(), 'cometlab-fresh-clone-'));
    for (const file of ['package.json', 'scripts/cometlab.mjs', 'scripts/bootstrap.mjs', 'scripts/site-build.mjs', 'scripts/build-lock.mjs',
      'server/cli.ts', 'server/cli/args.ts', 'server/version.ts']) {
      await mkdir(dirname(join(clone, file)), { recursive: true });
      await copyFile(join(projectRoot, file), join(clone, file));
    }
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      for (const command of [['start'], ['workshop', '--host', '127.0.0.1']]) {
        const result = await run([join(clone, 'scripts', 'cometlab.mjs'), ...command, '--port', String(port)]);
        expect(result).toEqual({ code: 1, stdout: '', stderr: `cometlab: port ${port} is already in use; stop what uses it or pass --port\n` });
      }
      expect((await readdir(clone)).sort()).toEqual(['package.json', 'scripts', 'server']);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
      await rm(clone, { recursive: true, force: true });
    }
  });

  it('checking the port first leaves a free port free and starts nothing', async () => {
    const port = await freePort();
    const result = await run([cliPath, 'start', '--port', String(port)], { COMETLAB_PORT_CHECK_ONLY: '1' });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => again.close(resolve));
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

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
