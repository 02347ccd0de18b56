// The test command's body, run by bootstrap with Node >= 22.12 on PATH: type-check, then every vitest project.
import { spawnSync } from 'node:child_process';

function step(title, command, args) {
  process.stderr.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step('type-check (tsc --noEmit)', 'tsc', ['--noEmit', '-p', '.']);
step('tests (vitest run)', 'vitest', ['run', ...process.argv.slice(2)]);
