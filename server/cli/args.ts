// Parses the command line into a command and its options. Pure: no I/O, so every case is unit-tested.
import { parseArgs } from 'node:util';
import { isAbsolute, join, resolve } from 'node:path';

export const defaultDataDir = join(import.meta.dirname, '..', '..', '.data');

export type Command =
  | { command: 'help'; topic?: string }
  | { command: 'version' }
  | { command: 'start'; host: string; port: number; dataDir: string; allowedHosts: string[]; idleTimeoutMs: number; diskQuotaBytes?: number }
  | { command: 'check'; lab: string; workspace?: string; dataDir: string; json: boolean }
  | {
    command: 'workshop'; host: string; port: number; dataDir: string; allowedHosts: string[]; idleTimeoutMs: number;
    /** Undefined: keep the title of the workshop in the data dir (a new one gets the default). */
    title?: string; awayTimeoutMs: number; classSize: number; publicUrl?: string; diskQuotaBytes?: number;
    /** --new: archive the data dir's workshop and start a fresh one. */
    fresh: boolean;
  };

export const usage: Record<string, string> = {
  main: `Usage: cometlab <command> [options]

Commands:
  start              serve the playground (default): site, labs and your sandbox
  check <lab-id>     run a lab's checks against your app, started in a sandbox
  workshop           run a workshop: a sandbox per student, join code, instructor dashboard

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
                     (default 30m, or $COMETLAB_IDLE_TIMEOUT); their files stay, the next use starts a new one
  --disk-quota SIZE  the most a learner's files may take, e.g. 512M or 2G (default 512M); past it their
                     sandbox stops and they are told why`,
  check: `Usage: cometlab check <lab-id> [--workspace DIR] [--json] [--data-dir DIR]

  Starts the app in DIR (default: your workspace for that lab) in a fresh sandbox,
  runs the lab's checks against it and prints what passed. Exits 0 only when all pass.

  --workspace DIR    folder holding the lab's files (e.g. server.ts)
  --json             print the report as JSON
  --data-dir DIR     where your workspaces are kept (default as for start)`,
  workshop: `Usage: cometlab workshop [--port N] [--host ADDRESS] [--data-dir DIR] [--title TEXT] [options]

  Serves a class from this machine: prints the instructor's link (keep it to yourself), the students'
  link with a QR code, and the join code. Needs a working bubblewrap sandbox (Linux); refuses without.

  --port N           port to listen on (default 4321, or $PORT)
  --host ADDRESS     address to listen on (default 0.0.0.0: every network of this machine)
  --data-dir DIR     the workshop's roster, progress and students' files (default .data/workshop, or
                     $COMETLAB_DATA_DIR); start again with the same DIR to carry on where you stopped,
                     even after ending the workshop (it is reopened; --new starts afresh instead)
  --title TEXT       the workshop's name on the dashboard (default "cometlab workshop", or the name
                     it had when carrying on)
  --new              start a fresh workshop in this data dir (new join code, everyone joins again); the
                     previous one's students, progress and files move to DIR/archive/<started-at>/
  --public-url URL   the address students use, when it is not this machine's (e.g. behind nginx)
  --allow-host NAME  also answer to this host name (repeatable), as for cometlab start
  --class-size N     students expected (default 30); sizes each sandbox's CPU quota
  --away-timeout TIME  stop a student's app after this long away, start it again on return (default 10m)
  --idle-timeout TIME  stop a student's sandbox after this long away (default 2h); files stay
  --disk-quota SIZE  the most a student's files may take (default 512M), as for cometlab start`,
};

export class UsageError extends Error {}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90s", "30m", "2h", "500ms": a unit is required, so "30" cannot be misread as seconds or minutes. */
export function parseDuration(text: string, option = '--idle-timeout'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
  if (!Number.isFinite(ms) || ms < 100 || ms > 7 * 24 * 3_600_000) {
    throw new UsageError(`${option} must be a duration like 90s, 30m or 2h (at least 100ms, at most a week), not "${text}"`);
  }
  return Math.round(ms);
}

export function parseCommandLine(argv: string[], env: Record<string, string | undefined>, cwd: string): Command {
  const [first, ...rest] = argv;
  if (first === '--version') return { command: 'version' };
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { command: 'help', topic: rest[0] };
  const name = first.startsWith('-') ? 'start' : first;
  const args = first.startsWith('-') ? argv : rest;
  if (name !== 'start' && name !== 'check' && name !== 'workshop') throw new UsageError(`unknown command "${name}"; try cometlab --help`);
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
        'disk-quota': { type: 'string' },
        workspace: { type: 'string' },
        json: { type: 'boolean' },
        title: { type: 'string' },
        'public-url': { type: 'string' },
        'class-size': { type: 'string' },
        'away-timeout': { type: 'string' },
        new: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}; try cometlab ${name} --help`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help', topic: name };
  const dataDir = resolve(cwd, values['data-dir'] ?? env.COMETLAB_DATA_DIR ?? (name === 'workshop' ? join(defaultDataDir, 'workshop') : defaultDataDir));
  if (name !== 'workshop') {
    for (const option of ['title', 'public-url', 'class-size', 'away-timeout', 'new'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} belongs to cometlab workshop`);
    }
  }
  if (name === 'check' && values['disk-quota'] !== undefined) throw new UsageError('--disk-quota belongs to cometlab start and cometlab workshop');
  const diskQuotaBytes = values['disk-quota'] === undefined ? undefined : parseSize(values['disk-quota'] as string, '--disk-quota');
  if (name === 'workshop') return workshopCommand(values, env, dataDir, diskQuotaBytes);
  if (name === 'start') {
    const allowedHosts = values['allow-host'] ?? (env.COMETLAB_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    for (const option of ['workspace', 'json'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} belongs to cometlab check`);
    }
    const port = parsePort(values.port ?? env.PORT ?? '4321');
    const idleTimeoutMs = parseDuration(values['idle-timeout'] ?? env.COMETLAB_IDLE_TIMEOUT ?? '30m');
    return { command: 'start', host: values.host ?? env.HOST ?? '127.0.0.1', port, dataDir, allowedHosts, idleTimeoutMs, diskQuotaBytes };
  }
  if (values.port !== undefined || values.host !== undefined || values['allow-host'] !== undefined || values['idle-timeout'] !== undefined) {
    throw new UsageError('--port, --host, --allow-host and --idle-timeout belong to cometlab start');
  }
  if (positionals.length !== 1) throw new UsageError('name one lab to check, e.g. cometlab check short-polling');
  const workspace = values.workspace === undefined ? undefined : isAbsolute(values.workspace) ? values.workspace : resolve(cwd, values.workspace);
  return { command: 'check', lab: positionals[0]!, workspace, dataDir, json: values.json ?? false };
}

const SIZE_UNITS: Record<string, number> = { m: 2 ** 20, g: 2 ** 30 };

/** "512M", "2G" (also MB/MiB, GB/GiB, all binary): from 16 MiB to 1 TiB. */
export function parseSize(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([mg])(?:i?b)?$/i.exec(text.trim());
  const bytes = match ? Math.round(Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]!) : Number.NaN;
  if (!(bytes >= 16 * 2 ** 20 && bytes <= 2 ** 40)) throw new UsageError(`${option} must be a size like 512M or 2G (16M to 1024G), not "${text}"`);
  return bytes;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${text}"`);
  return port;
}

type Values = Record<string, string | boolean | string[] | undefined>;

function workshopCommand(values: Values, env: Record<string, string | undefined>, dataDir: string, diskQuotaBytes: number | undefined): Command {
  for (const option of ['workspace', 'json'] as const) {
    if (values[option] !== undefined) throw new UsageError(`--${option} belongs to cometlab check`);
  }
  const title = (values.title as string | undefined)?.trim();
  if (title !== undefined && (title.length < 1 || title.length > 80)) throw new UsageError('--title must be 1 to 80 characters');
  const classSizeText = (values['class-size'] as string | undefined) ?? '30';
  const classSize = Number(classSizeText);
  if (!/^\d+$/.test(classSizeText) || classSize < 1 || classSize > 500) throw new UsageError(`--class-size must be a number from 1 to 500, not "${classSizeText}"`);
  const publicUrl = values['public-url'] as string | undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(publicUrl)) {
    throw new UsageError(`--public-url must be an address like https://workshop.example.org, not "${publicUrl}"`);
  }
  const allowedHosts = (values['allow-host'] as string[] | undefined) ?? (env.COMETLAB_ALLOW_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean);
  return {
    command: 'workshop',
    host: (values.host as string | undefined) ?? env.HOST ?? '0.0.0.0',
    port: parsePort((values.port as string | undefined) ?? env.PORT ?? '4321'),
    dataDir,
    allowedHosts,
    title,
    classSize,
    publicUrl: publicUrl?.replace(/\/$/, ''),
    idleTimeoutMs: parseDuration((values['idle-timeout'] as string | undefined) ?? env.COMETLAB_IDLE_TIMEOUT ?? '2h', '--idle-timeout'),
    awayTimeoutMs: parseDuration((values['away-timeout'] as string | undefined) ?? '10m', '--away-timeout'),
    fresh: values.new === true,
    diskQuotaBytes,
  };
}
