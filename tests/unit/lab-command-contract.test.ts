import { describe, expect, it } from 'vitest';
import { labAnswerSchema, labRequestSchema } from '../../server/contracts/lab-command.ts';
import { hostMessageSchema, supervisorMessageSchema } from '../../server/contracts/supervisor.ts';
import { parseHostMessage } from '../../server/supervisor/commands.ts';
import { prepareRequest } from '../../server/supervisor/lab-socket.ts';

const good = { command: 'check', lab: null, cwd: 'short-polling', hint: null, yes: false, action: null, lines: null };

describe('lab requests (host side)', () => {
  it('accepts what the lab program sends', () => {
    expect(labRequestSchema.safeParse(good).success).toBe(true);
    expect(labRequestSchema.safeParse({ ...good, command: 'nginx', action: 'logs', lines: 500, lab: 'nginx', cwd: null }).success).toBe(true);
  });

  it.each([
    { ...good, command: 'shutdown' },
    { ...good, lab: '../../etc' },
    { ...good, lab: 'a'.repeat(60) },
    { ...good, cwd: 'x'.repeat(1025) },
    { ...good, hint: 0 },
    { ...good, hint: 1.5 },
    { ...good, yes: 'yes' },
    { ...good, action: 'restart' },
    { ...good, lines: 501 },
    { ...good, extra: 'field' },
    { command: 'check' },
    'check', null, [],
  ])('refuses %j', (request) => {
    expect(labRequestSchema.safeParse(request).success).toBe(false);
  });

  it('bounds the answer', () => {
    expect(labAnswerSchema.safeParse({ ok: true, text: 'x'.repeat(64 * 1024) }).success).toBe(true);
    expect(labAnswerSchema.safeParse({ ok: true, text: 'x'.repeat(64 * 1024 + 1) }).success).toBe(false);
  });
});

describe('lab messages on the channel', () => {
  it('a lab-command carries any request; the host judges it separately', () => {
    expect(supervisorMessageSchema.safeParse({ type: 'lab-command', req: 1, request: { anything: true } }).success).toBe(true);
    expect(supervisorMessageSchema.safeParse({ type: 'lab-command', req: -1, request: {} }).success).toBe(false);
  });

  it.each([
    { type: 'lab-answer', req: 1, ok: true, text: 'Hint 1 of 4' },
    { type: 'lab-answer', req: 0, ok: false, text: '' },
  ])('both sides accept %j', (message) => {
    expect(hostMessageSchema.safeParse(message).success).toBe(true);
    expect(parseHostMessage(message)).toEqual(message);
  });

  it.each([
    { type: 'lab-answer', req: 1, ok: 'yes', text: 'x' },
    { type: 'lab-answer', req: 1, ok: true },
    { type: 'lab-answer', ok: true, text: 'x' },
    { type: 'lab-answer', req: 1, ok: true, text: 'x'.repeat(64 * 1024 + 1) },
  ])('both sides refuse %j', (message) => {
    expect(hostMessageSchema.safeParse(message).success).toBe(false);
    expect(typeof parseHostMessage(message)).toBe('string');
  });
});

describe('the supervisor prepares a request line', () => {
  const home = '/home/learner';

  it('makes the working directory relative to the home folder', () => {
    expect(prepareRequest('{"command":"run","cwd":"/home/learner/nginx/logs"}', home)).toEqual({ command: 'run', cwd: 'nginx/logs' });
    expect(prepareRequest('{"cwd":"/home/learner"}', home)).toEqual({ cwd: '' });
  });

  it.each(['/home/learner/../root', '/etc', '/home/learnerx/nginx', '..'])('a cwd outside the home (%s) becomes null', (cwd) => {
    expect(prepareRequest(JSON.stringify({ cwd }), home)).toEqual({ cwd: null });
  });

  it('drops a cwd that is not a string', () => {
    expect(prepareRequest('{"cwd":42}', home)).toEqual({ cwd: null });
  });

  it.each(['not json', '"check"', '[1]', 'null', ''])('refuses %j', (line) => {
    expect(typeof prepareRequest(line, home)).toBe('string');
  });
});
