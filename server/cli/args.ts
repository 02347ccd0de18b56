// Parses the command line into a command and its options. Pure: no I/O, so every case is unit-tested.
import { parseArgs } from 'node:util';
import { isAbsolute, join, resolve } from 'node:path';

export const defaultDataDir = join(import.meta.dirname, '..', '..', '.data');

export type Command =
  | { command: 'help'; topic?: string }
  | { command: 'version' }
  | { command: 'start'; host: string; port: number; dataDir: string; allowedHosts: string[]; idleTimeoutMs: number }
  | { command: 'check'; lab: string; workspace?: string; dataDir: string; json: boolean };

export const usage: Record<string, string> = {
  main: `Usage: cometlab <command> [options]

Commands:
  start              serve the playground (default): site, labs and your sandbox
  check <lab-id>     run a lab's checks against your app, started in a sandbox

Options:
  --help, -h         show help (also after a command: cometlab start --help)
  --version          print the version`,
  start: `Usage: cometlab start [--port N] [--host ADDRESS] [--data-dir DIR] [--idle-timeout TIME]

  --port N           port to listen on (default 4321, or $PORT)
  --host ADDRESS     address to listen on (default 127.0.0.1, or $HOST)
  --data-dir DIR     where workspaces and state are kept (default .data in the project, or $COMETLAB_DATA_DIR)
  --allow-host NAME  also answer to this host name, e.g. the server_name of an nginx in front
                     (repeatable; or $COMETLAB_ALLOW_HOSTS, comma-separated)
  --idle-timeout TIME  stop a learner's sandbox after this long away, e.g. 90s, 30m, 2h
                     (default 30m, or $COMETLAB_IDLE_TIMEOUT); their files stay, the next use starts a new one`,
  check: `Usage: cometlab check <lab-id> [--workspace DIR] [--json] [--data-dir DIR]

  Starts the app in DIR (default: your workspace for that lab) in a fresh sandbox,
  runs the lab's checks against it and prints what passed. Exits 0 only when all pass.

  --workspace DIR    folder holding the lab's files (e.g. server.ts)
  --json             print the report as JSON
  --data-dir DIR     where your workspaces are kept (default as for start)`,
};

export class UsageError extends Error {}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "30m", "2h", "500ms": a unit is required, so "30" cannot be misread as seconds or minutes. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
  if (!Number.isFinite(ms) || ms < 100 || ms > 7 * 24 * 3_600_000) {
    throw new UsageError(`--idle-timeout must be a duration like 90s, 30m or 2h (at least 100ms, at most a week), not "${text}"`);
  }
  return Math.round(ms);
}

export function parseCommandLine(argv: string[], env: Record<string, string | undefined>, cwd: string): Command {
  const [first, ...rest] = argv;
  if (first === '--version') return { command: 'version' };
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { command: 'help', topic: rest[0] };
  const name = first.startsWith('-') ? 'start' : first;
  const args = first.startsWith('-') ? argv : rest;
  if (name !== 'start' && name !== 'check') throw new UsageError(`unknown command "${name}"; try cometlab --help`);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: name === 'check',
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        'idle-timeout': { type: 'string' },
        workspace: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}; try cometlab ${name} --help`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help', topic: name };
  const dataDir = resolve(cwd, values['data-dir'] ?? env.COMETLAB_DATA_DIR ?? defaultDataDir);
  if (name === 'start') {
    const allowedHosts = values['allow-host'] ?? (env.COMETLAB_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    for (const option of ['workspace', 'json'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} belongs to cometlab check`);
    }
    const portText = values.port ?? env.PORT ?? '4321';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}"`);
    const idleTimeoutMs = parseDuration(values['idle-timeout'] ?? env.COMETLAB_IDLE_TIMEOUT ?? '30m');
    return { command: 'start', host: values.host ?? env.HOST ?? '127.0.0.1', port, dataDir, allowedHosts, idleTimeoutMs };
  }
  if (values.port !== undefined || values.host !== undefined || values['allow-host'] !== undefined || values['idle-timeout'] !== undefined) {
    throw new UsageError('--port, --host, --allow-host and --idle-timeout belong to cometlab start');
  }
  if (positionals.length !== 1) throw new UsageError('name one lab to check, e.g. cometlab check short-polling');
  const workspace = values.workspace === undefined ? undefined : isAbsolute(values.workspace) ? values.workspace : resolve(cwd, values.workspace);
  return { command: 'check', lab: positionals[0]!, workspace, dataDir, json: values.json ?? false };
}
