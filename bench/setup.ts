// Set-up from a fresh clone, as a new learner or CI meets it: a clone of this checkout, an empty npm
// cache, and the system Node (20 here), then `bootstrap --build`. Phases are read off bootstrap's own
// "done in" lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SetupTiming {
  totalSeconds: number;
  phases: Array<{ phase: string; seconds: number }>;
  systemNode: string;
}

export function measureSetup(projectRoot: string): SetupTiming {
  const scratch = mkdtempSync(join(tmpdir(), 'cometlab-setup-bench-'));
  try {
    const clone = join(scratch, 'clone');
    const cloned = spawnSync('git', ['clone', '--quiet', projectRoot, clone], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
    const systemNode = spawnSync('/usr/bin/env', ['-i', 'PATH=/usr/local/bin:/usr/bin:/bin', 'node', '--version'], { encoding: 'utf8' }).stdout.trim();
    const env = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', npm_config_cache: join(scratch, 'npm-cache') };
    const started = performance.now();
    const result = spawnSync('node', ['scripts/bootstrap.mjs', '--build'], { cwd: clone, env, encoding: 'utf8' });
    const totalSeconds = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`bootstrap failed:\n${result.stderr}`);
    const phases: SetupTiming['phases'] = [];
    let current = '';
    for (const line of result.stderr.split('\n')) {
      const done = /done in ([\d.]+) s/.exec(line);
      if (done) phases.push({ phase: current, seconds: Number(done[1]) });
      else if (line.startsWith('cometlab setup: ')) current = line.slice('cometlab setup: '.length);
    }
    return { totalSeconds, phases, systemNode };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
