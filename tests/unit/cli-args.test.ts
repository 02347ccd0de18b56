import { describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError, defaultDataDir } from '../../server/cli/args.ts';

const parse = (argv: string[], env: Record<string, string> = {}) => parseCommandLine(argv, env, '/here');

describe('parseCommandLine', () => {
  it('starts on 127.0.0.1:4321 by default', () => {
    expect(parse(['start'])).toEqual({
      command: 'start', host: '127.0.0.1', port: 4321, dataDir: defaultDataDir, allowedHosts: [], idleTimeoutMs: 30 * 60_000,
    });
  });
  it('takes the idle timeout as a duration with a unit', () => {
    expect(parse(['start', '--idle-timeout', '90s'])).toMatchObject({ idleTimeoutMs: 90_000 });
    expect(parse(['start', '--idle-timeout', '2h'])).toMatchObject({ idleTimeoutMs: 7_200_000 });
    expect(parse(['start'], { COMETLAB_IDLE_TIMEOUT: '1500ms' })).toMatchObject({ idleTimeoutMs: 1500 });
    for (const bad of ['30', '0s', 'soon', '9999h', '5 m']) {
      expect(() => parse(['start', '--idle-timeout', bad]), bad).toThrow(/--idle-timeout must be a duration/);
    }
    expect(() => parse(['check', 'lab', '--idle-timeout', '1m'])).toThrow(/belong to cometlab start/);
  });
  it('takes port and host from flags before the environment', () => {
    expect(parse(['start', '--port', '5000', '--host', '0.0.0.0'], { PORT: '6000', HOST: '::1' }))
      .toMatchObject({ port: 5000, host: '0.0.0.0' });
    expect(parse(['start'], { PORT: '6000', COMETLAB_DATA_DIR: 'state' })).toMatchObject({ port: 6000, dataDir: '/here/state' });
  });
  it('collects allowed host names from flags or the environment', () => {
    expect(parse(['start', '--allow-host', 'a.local', '--allow-host', 'b.local'])).toMatchObject({ allowedHosts: ['a.local', 'b.local'] });
    expect(parse(['start'], { COMETLAB_ALLOW_HOSTS: 'a.local, b.local' })).toMatchObject({ allowedHosts: ['a.local', 'b.local'] });
  });
  it('treats bare options as start', () => {
    expect(parse(['--port', '0'])).toMatchObject({ command: 'start', port: 0 });
  });
  it('answers help and version at every level', () => {
    expect(parse([])).toEqual({ command: 'help', topic: undefined });
    expect(parse(['--version'])).toEqual({ command: 'version' });
    expect(parse(['check', '--help'])).toEqual({ command: 'help', topic: 'check' });
    expect(parse(['start', '-h'])).toEqual({ command: 'help', topic: 'start' });
  });
  it('parses check with a workspace relative to the current folder', () => {
    expect(parse(['check', 'short-polling', '--workspace', 'ws', '--json'])).toMatchObject({
      command: 'check', lab: 'short-polling', workspace: '/here/ws', json: true,
    });
  });
  it.each([
    [['start', '--port', 'abc'], /--port must be a number/],
    [['start', '--port', '70000'], /--port must be a number/],
    [['start', '--bogus'], /Unknown option/],
    [['start', '--json'], /belongs to cometlab check/],
    [['check'], /name one lab/],
    [['check', 'a', 'b'], /name one lab/],
    [['check', 'a', '--port', '1'], /belong to cometlab start/],
    [['frobnicate'], /unknown command/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });
});
