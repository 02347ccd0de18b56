// The test command's body, run by bootstrap with Node >= 22.12 on PATH: type-check, then every vitest
// project (unit, integration, e2e), then one plain summary line that CI can read.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

function step(title, command, args) {
  process.stderr.write(`\n== ${title}\n`);
  return spawnSync(command, args, { stdio: 'inherit' }).status ?? 1;
}

const resultFile = 'test-results/vitest.json';
mkdirSync('test-results', { recursive: true });
rmSync(resultFile, { force: true });

if (step('type-check (tsc --noEmit)', 'tsc', ['--noEmit', '-p', '.']) !== 0) process.exit(1);
if (step('type-check the site scripts (tsc -p site)', 'tsc', ['--noEmit', '-p', 'site']) !== 0) process.exit(1);
const status = step('tests (vitest run)', 'vitest', ['run', '--reporter=default', '--reporter=json',
  `--outputFile.json=${resultFile}`, ...process.argv.slice(2)]);
if (existsSync(resultFile)) {
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  const skipped = result.numPendingTests + result.numTodoTests;
  process.stdout.write(`\ntests: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped} skipped\n`);
}
process.exit(status);
