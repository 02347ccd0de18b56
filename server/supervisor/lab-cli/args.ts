// The `lab` command line, parsed without I/O: either help to print, a usage error (exit 2), or the
// request to send. The host checks the request again; this only catches typing mistakes early.
import type { LabCommand, LabRequest, NginxAction } from '../../contracts/lab-command.ts';
import { COMMAND_HELP, GENERAL_HELP } from './help.ts';
import { LOAD_VALUE_FLAGS, parseLoadFlags, type LoadFlags } from './load-args.ts';

export type ParsedArgs =
  | { kind: 'help'; text: string }
  | { kind: 'usage'; text: string }
  | { kind: 'request'; request: Omit<LabRequest, 'cwd'> };

const COMMANDS = Object.keys(COMMAND_HELP) as LabCommand[];
const NGINX_ACTIONS: readonly NginxAction[] = ['start', 'reload', 'stop', 'logs'];
/** labIdSchema's pattern (server/contracts/lab.ts). */
const LAB_ID = /^[a-z][a-z0-9-]{1,40}$/;
const MAX_LINES = 500;

const isCommand = (word: string): word is LabCommand => (COMMANDS as string[]).includes(word);
const usage = (problem: string, command?: LabCommand): ParsedArgs => ({
  kind: 'usage',
  text: `lab: ${problem}\n${command ? `\n${COMMAND_HELP[command]}` : `Commands: ${COMMANDS.join(', ')}, help. \`lab --help\` says more.`}`,
});

/** A whole number in [min, max], or null. */
function count(word: string | undefined, min: number, max: number): number | null {
  if (word === undefined || !/^\d{1,4}$/.test(word)) return null;
  const n = Number(word);
  return n >= min && n <= max ? n : null;
}

export function parseLabArgs(argv: readonly string[]): ParsedArgs {
  const words: string[] = [];
  let lab: string | null = null;
  let help = false;
  let yes = false;
  let lines: string | undefined;
  const load: LoadFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (name === '-h' || name === '--help') help = true;
    else if (name === '-y' || name === '--yes') yes = true;
    else if (name === '--lab') {
      const id = value();
      if (id === undefined || !LAB_ID.test(id)) return usage(id === undefined ? '--lab needs a lab id' : `"${id}" is not a lab id`);
      lab = id;
    } else if (name === '-n' || name === '--lines') {
      lines = value();
      if (lines === undefined) return usage(`${name} needs a number`, 'nginx');
    } else if ((LOAD_VALUE_FLAGS as readonly string[]).includes(name)) {
      const given = value();
      if (given === undefined) return usage(`${name} needs a value`, 'load');
      load[name as (typeof LOAD_VALUE_FLAGS)[number]] = given;
    } else if (arg === '--nginx') load['--nginx'] = true;
    else if (arg.startsWith('-') && arg !== '-') return usage(`unknown option ${arg}`);
    else words.push(arg);
  }

  const [first, ...rest] = words;
  if (first === undefined || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) return usage(`there is no command "${topic}"`);
    if (first === undefined && !help) return usage('which command?');
    return { kind: 'help', text: topic ? COMMAND_HELP[topic] : GENERAL_HELP };
  }
  if (!isCommand(first)) return usage(`there is no command "${first}"`);
  if (help) return { kind: 'help', text: COMMAND_HELP[first] };

  const request: Omit<LabRequest, 'cwd'> = { command: first, lab, hint: null, yes: false, action: null, lines: null };
  const extra = (allowed: number) => (rest.length > allowed ? usage(`unexpected "${rest[allowed]}"`, first) : null);
  if (yes && first !== 'reset') return usage('--yes belongs to lab reset', first);
  if (lines !== undefined && !(first === 'nginx' && rest[0] === 'logs')) return usage('--lines belongs to lab nginx logs', first);
  const loadFlag = Object.keys(load)[0];
  if (loadFlag !== undefined && first !== 'load') return usage(`${loadFlag} belongs to lab load`, first);
  switch (first) {
    case 'hint': {
      if (rest[0] !== undefined) {
        request.hint = count(rest[0], 1, 99);
        if (request.hint === null) return usage(`"${rest[0]}" is not a hint number`, first);
      }
      return extra(1) ?? { kind: 'request', request };
    }
    case 'reset':
      request.yes = yes;
      return extra(0) ?? { kind: 'request', request };
    case 'nginx': {
      const action = rest[0];
      if (action === undefined) return usage('lab nginx needs start, reload, stop or logs', first);
      if (!(NGINX_ACTIONS as string[]).includes(action)) return usage(`"${action}" is not start, reload, stop or logs`, first);
      request.action = action as NginxAction;
      if (lines !== undefined) {
        request.lines = count(lines, 1, MAX_LINES);
        if (request.lines === null) return usage(`--lines takes a number from 1 to ${MAX_LINES}`, first);
      }
      return extra(1) ?? { kind: 'request', request };
    }
    case 'load': {
      const parsed = parseLoadFlags(load, rest);
      if (typeof parsed === 'string') return usage(parsed, first);
      return { kind: 'request', request: { ...request, load: parsed } };
    }
    default:
      return extra(0) ?? { kind: 'request', request };
  }
}
