import { describe, expect, it } from 'vitest';
import { parseLabArgs } from '../../server/supervisor/lab-cli/args.ts';
import { labRequestSchema } from '../../server/contracts/lab-command.ts';

const request = (argv: string[]) => {
  const parsed = parseLabArgs(argv);
  if (parsed.kind !== 'request') throw new Error(`expected a request, got ${parsed.kind}: ${parsed.text}`);
  return parsed.request;
};
const base = { lab: null, hint: null, yes: false, action: null, lines: null };

describe('lab command line', () => {
  it.each([
    [['run'], { ...base, command: 'run' }],
    [['stop', '--lab', 'nginx'], { ...base, command: 'stop', lab: 'nginx' }],
    [['--lab=comet', 'check'], { ...base, command: 'check', lab: 'comet' }],
    [['hint'], { ...base, command: 'hint' }],
    [['hint', '3'], { ...base, command: 'hint', hint: 3 }],
    [['reset'], { ...base, command: 'reset' }],
    [['reset', '--yes'], { ...base, command: 'reset', yes: true }],
    [['reset', '-y'], { ...base, command: 'reset', yes: true }],
    [['nginx', 'start'], { ...base, command: 'nginx', action: 'start' }],
    [['nginx', 'logs', '-n', '50'], { ...base, command: 'nginx', action: 'logs', lines: 50 }],
    [['nginx', 'logs', '--lines=5'], { ...base, command: 'nginx', action: 'logs', lines: 5 }],
    [['status'], { ...base, command: 'status' }],
  ])('%j is a request the host accepts', (argv, expected) => {
    const parsed = request(argv);
    expect(parsed).toEqual(expected);
    expect(labRequestSchema.safeParse({ ...parsed, cwd: 'short-polling' }).success).toBe(true);
  });

  it.each([
    [['--help'], /^lab: ask the playground/],
    [['-h'], /^lab: ask the playground/],
    [['help'], /^lab: ask the playground/],
    [['help', 'nginx'], /^Usage: lab nginx start\|reload\|stop/],
    [['check', '--help'], /^Usage: lab check/],
    [['nginx', 'bogus', '-h'], /^Usage: lab nginx/],
  ])('%j prints help', (argv, text) => {
    const parsed = parseLabArgs(argv);
    expect(parsed.kind).toBe('help');
    expect(parsed.kind === 'help' && parsed.text).toMatch(text);
  });

  it.each([
    [[], /which command/],
    [['frobnicate'], /there is no command "frobnicate"/],
    [['help', 'frobnicate'], /there is no command "frobnicate"/],
    [['run', 'now'], /unexpected "now"/],
    [['run', '--force'], /unknown option --force/],
    [['--lab'], /--lab needs a lab id/],
    [['run', '--lab', '../../etc'], /"..\/..\/etc" is not a lab id/],
    [['run', '--lab', 'Nginx'], /is not a lab id/],
    [['hint', '0'], /"0" is not a hint number/],
    [['hint', '1e3'], /not a hint number/],
    [['hint', '1', '2'], /unexpected "2"/],
    [['run', '--yes'], /--yes belongs to lab reset/],
    [['nginx'], /needs start, reload, stop or logs/],
    [['nginx', 'restart'], /"restart" is not start, reload, stop or logs/],
    [['nginx', 'start', '--lines', '5'], /--lines belongs to lab nginx logs/],
    [['nginx', 'logs', '--lines', '100000'], /--lines takes a number from 1 to 500/],
    [['nginx', 'logs', '-n'], /-n needs a number/],
  ])('%j is a usage error', (argv, text) => {
    const parsed = parseLabArgs(argv);
    expect(parsed.kind).toBe('usage');
    expect(parsed.kind === 'usage' && parsed.text).toMatch(text);
  });
});
