// The `cometlab` command line. Run through scripts/cometlab.mjs, which sets up Node and dependencies first.
// Only the command line's parsing and the port check are imported up front: scripts/cometlab.mjs runs
// them (PORT_CHECK_ENV) before the set-up installs dependencies and builds the site.
import { join } from 'node:path';
import { createServer } from 'node:net';
import { parseCommandLine, usage, UsageError, type Command } from './cli/args.ts';
import { version } from './version.ts';
import type { Playground } from './playground.ts';
import type { Log } from './log.ts';

/** Set by scripts/cometlab.mjs: only check the command line and that the port is free, then exit. */
const PORT_CHECK_ENV = 'COMETLAB_PORT_CHECK_ONLY';

type Serving = Extract<Command, { command: 'start' | 'workshop' }>;

/** Binds the address and lets it go at once, so a taken port is reported before minutes of set-up. */
function checkPortFree({ host, port }: Serving): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function start(command: Extract<Command, { command: 'start' }>): Promise<void> {
  const [{ startPlayground }, { createLog }] = await Promise.all([import('./playground.ts'), import('./log.ts')]);
  const log = createLog();
  const playground = await startPlayground({ ...command, log });
  const { status } = playground.launcher;
  log(`cometlab ${version}: ${playground.labs.size} lab(s); data in ${command.dataDir}`);
  log(status.sandboxed ? `sandbox: ${status.reason}` : `WARNING: ${status.reason}`);
  process.stdout.write(`cometlab is running at ${playground.url}/\n`);
  stopOnSignals(playground, log);
}

async function workshop(command: Extract<Command, { command: 'workshop' }>): Promise<void> {
  const [{ startWorkshop }, { createLog }] = await Promise.all([import('./workshop/start.ts'), import('./log.ts')]);
  const log = createLog();
  const { playground, banner } = await startWorkshop(command, log);
  log(`sandbox: ${playground.launcher.status.reason}`);
  process.stdout.write(`${banner}\n`);
  stopOnSignals(playground, log);
}

function stopOnSignals(playground: Playground, log: Log): void {
  let firstSignalAt = 0;
  const shutDown = (signal: string) => {
    // A terminal's Ctrl-C reaches this process twice (directly, and forwarded by the launcher script).
    if (firstSignalAt && Date.now() - firstSignalAt > 2_000) process.exit(1);
    if (firstSignalAt) return;
    firstSignalAt = Date.now();
    log(`${signal}: stopping sandboxes and closing connections`);
    playground.close().then(() => process.exit(0), (error) => {
      log(`shutdown failed: ${error.message}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutDown('SIGINT'));
  process.on('SIGTERM', () => shutDown('SIGTERM'));
}

async function check(command: Extract<Command, { command: 'check' }>): Promise<void> {
  const [{ checkWorkspace }, { formatReport }] = await Promise.all([import('./cli/check-command.ts'), import('./cli/format-report.ts')]);
  const workspace = command.workspace ?? join(command.dataDir, 'learners', 'local', 'home', command.lab);
  const run = await checkWorkspace(command.lab, workspace);
  if (command.json) process.stdout.write(`${JSON.stringify(run.report, null, 2)}\n`);
  else {
    process.stderr.write(`(${run.launcher})\n`);
    process.stdout.write(`${formatReport(run.report)}\n`);
    if (run.report.passed < run.report.total && run.appOutput.trim()) {
      process.stdout.write(`\nYour app printed:\n${run.appOutput.trimEnd().split('\n').slice(-15).join('\n')}\n`);
    }
  }
  process.exitCode = run.report.passed === run.report.total ? 0 : 1;
}

function explain(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e.code === 'EADDRINUSE') return `port ${e.port} is already in use; stop what uses it or pass --port`;
  if (e.code === 'EACCES' && e.syscall === 'listen') return `not allowed to listen on port ${e.port}; pick a port above 1024`;
  if (e.code === 'EADDRNOTAVAIL') return 'that --host address is not on this machine';
  return e.message ?? String(error);
}

async function main(): Promise<void> {
  let command: Command;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env, process.cwd());
  } catch (error) {
    process.stderr.write(`cometlab: ${(error as Error).message}\n`);
    process.exit(2);
  }
  try {
    if (command.command === 'help') process.stdout.write(`${usage[command.topic ?? 'main'] ?? usage.main}\n`);
    else if (command.command === 'version') process.stdout.write(`${version}\n`);
    else if (process.env[PORT_CHECK_ENV] === '1') {
      if (command.command !== 'check') await checkPortFree(command);
    }
    else if (command.command === 'start') await start(command);
    else if (command.command === 'workshop') await workshop(command);
    else await check(command);
  } catch (error) {
    process.stderr.write(`cometlab: ${explain(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

await main();
