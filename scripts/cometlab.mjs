#!/usr/bin/env node
// The `cometlab` command: sets up what is missing (see bootstrap.mjs), then runs the CLI on Node >= 22.12.
import { join } from 'node:path';
import { root, setUp, runWith } from './bootstrap.mjs';

const args = process.argv.slice(2);
const serving = args.length === 0 || args[0] === 'start' || args[0] === 'workshop';
const asksForHelp = args.includes('--help') || args.includes('-h') || args.includes('--version');
const toolchain = setUp({ build: serving && !asksForHelp });
runWith(toolchain, 'node', [join(root, 'server', 'cli.ts'), ...args]);
