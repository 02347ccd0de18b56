// The test command's body, run by bootstrap with Node >= 22.12 on PATH: type-check, then every vitest
// project (unit, integration, e2e), then one plain summary line that CI can read.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function step(title, command, args, env = process.env) {
  process.stderr.write(`\n== ${title}\n`);
  return spawnSync(command, args, { stdio: 'inherit', env }).status ?? 1;
}

const resultFile = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
rmSync(resultFile, { force: true });

if (step('type-check (tsc --noEmit)', 'tsc', ['--noEmit', '-p', '.']) !== 0) process.exit(1);
if (step('type-check the site scripts (tsc -p site)', 'tsc', ['--noEmit', '-p', 'site']) !== 0) process.exit(1);
// Every test's scratch folder (data dirs, nginx prefixes, stores) lands in one folder of this run, removed
// at the end, so repeated runs do not fill /tmp. 0755: sandboxed learners and nginx workers run as other
// users and must traverse it to reach their own folders.
const runTmp = mkdtempSync(join(tmpdir(), 'cometlab-test-run-'));
chmodSync(runTmp, 0o755);
const status = step('tests (vitest run)', 'vitest', ['run', '--reporter=default', '--reporter=json',
  `--outputFile.json=${resultFile}`, ...process.argv.slice(2)], { ...process.env, TMPDIR: runTmp });
rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
if (existsSync(resultFile)) {
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  const skipped = result.numPendingTests + result.numTodoTests;
  process.stdout.write(`\ntests: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped} skipped\n`);
}
process.exit(status);
