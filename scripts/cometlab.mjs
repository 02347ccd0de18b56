#!/usr/bin/env node
// The `cometlab` command: sets up what is missing (see bootstrap.mjs), then runs the CLI on Node >= 22.12.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root, ensureNode, setUp, runWith } from './bootstrap.mjs';

const args = process.argv.slice(2);
const cli = join(root, 'server', 'cli.ts');
const serving = args.length === 0 || args[0] === 'start' || args[0] === 'workshop';
const asksForHelp = args.includes('--help') || args.includes('-h') || args.includes('--version');
if (serving && !asksForHelp) {
  // A taken port or a mistyped option is said at once, not after installing and building for a minute.
  const early = spawnSync(join(ensureNode().binDir, 'node'), [cli, ...args], {
    stdio: 'inherit', env: { ...process.env, COMETLAB_PORT_CHECK_ONLY: '1' },
  });
  if (early.status !== 0) process.exit(early.status ?? 1);
}
const toolchain = setUp({ build: serving && !asksForHelp });
runWith(toolchain, 'node', [cli, ...args]);
