import { describe, expect, it } from 'vitest';
import { hostMessageSchema, supervisorMessageSchema } from '../../server/contracts/supervisor.ts';
import { parseHostMessage } from '../../server/supervisor/commands.ts';

const goodHost = [
  { type: 'open-terminal', id: 1, cwd: '01-short-polling', cols: 80, rows: 24 },
  { type: 'open-terminal', id: 2, cwd: '', cols: 1, rows: 1000 },
  { type: 'resize', id: 1, cols: 120, rows: 40 },
  { type: 'ack', id: 1, bytes: 4096 },
  { type: 'close-terminal', id: 1 },
  { type: 'start-app', req: 0, cwd: 'lab', entry: 'server.ts' },
  { type: 'stop-app', req: 3 },
  { type: 'start-service', req: 4, service: 'nginx', cwd: '06-behind-nginx', config: 'nginx.conf' },
  { type: 'start-service', req: 5, service: 'redis', cwd: '07-scaling', config: '' },
  { type: 'stop-service', req: 6, service: 'redis' },
  { type: 'reload-service', req: 7, service: 'nginx' },
  { type: 'shutdown' },
];
const badHost = [
  null, 'shutdown', [], {},
  { type: 'reboot' },
  { type: 'open-terminal', id: 0, cwd: 'lab', cols: 80, rows: 24 },
  { type: 'open-terminal', id: 1, cwd: '/etc', cols: 80, rows: 24 },
  { type: 'open-terminal', id: 1, cwd: 'lab/../..', cols: 80, rows: 24 },
  { type: 'open-terminal', id: 1, cwd: 'lab', cols: 80.5, rows: 24 },
  { type: 'resize', id: 1, cols: 0, rows: 24 },
  { type: 'resize', id: 1, cols: '80', rows: 24 },
  { type: 'ack', id: 1, bytes: 0 },
  { type: 'ack', id: 1, bytes: -5 },
  { type: 'start-app', req: 1, cwd: 'lab', entry: '' },
  { type: 'start-app', req: 1, cwd: 'lab', entry: '../../etc/passwd' },
  { type: 'start-app', req: -1, cwd: 'lab', entry: 'server.ts' },
  { type: 'stop-app' },
  { type: 'start-service', req: 1, service: 'postgres', cwd: 'lab', config: 'x' },
  { type: 'start-service', req: 1, service: 'nginx', cwd: 'lab', config: '/etc/nginx/nginx.conf' },
  { type: 'start-service', req: 1, service: 'nginx', cwd: '../other', config: 'nginx.conf' },
  { type: 'start-service', req: 1, service: 'nginx', cwd: 'lab' },
  { type: 'stop-service', req: 1 },
  { type: 'reload-service', service: 'nginx' },
];

describe('host -> supervisor messages', () => {
  it.each(goodHost)('accepts %j on both sides', (message) => {
    expect(hostMessageSchema.safeParse(message).success).toBe(true);
    expect(parseHostMessage(message)).toEqual(message);
  });

  it.each(badHost)('rejects %j on both sides', (message) => {
    expect(hostMessageSchema.safeParse(message).success).toBe(false);
    expect(typeof parseHostMessage(message)).toBe('string');
  });
});

describe('supervisor -> host messages', () => {
  const state = { state: 'running', listening: true, exitCode: null, signal: null, since: '2026-01-01T00:00:00.000Z' };

  it('accepts the messages a supervisor sends', () => {
    for (const message of [
      { type: 'ready', uid: 1000, interfaces: ['lo'] },
      { type: 'terminal-opened', id: 1 },
      { type: 'terminal-exit', id: 1, code: null, signal: 'SIGHUP' },
      { type: 'app-state', state },
      { type: 'app-output', stream: 'stderr', text: 'boom\n' },
      { type: 'reply', req: 2, error: null, state },
      { type: 'service-state', service: 'nginx', state },
      { type: 'service-output', service: 'redis', stream: 'stdout', text: 'Ready to accept connections\n' },
    ]) {
      expect(supervisorMessageSchema.safeParse(message).success, JSON.stringify(message)).toBe(true);
    }
  });

  it('rejects what a tampered supervisor might send', () => {
    for (const message of [
      { type: 'ready', uid: '0', interfaces: [] },
      { type: 'terminal-opened', id: -1 },
      { type: 'app-state', state: { ...state, state: 'hacked' } },
      { type: 'app-output', stream: 'stdin', text: 'x' },
      { type: 'app-output', stream: 'stdout', text: 'x'.repeat(64 * 1024 + 1) },
      { type: 'reply', req: 1, state },
      { type: 'exec', command: 'rm -rf /' },
      { type: 'service-state', service: 'sshd', state },
      { type: 'service-output', service: 'nginx', stream: 'stdout', text: 'x'.repeat(64 * 1024 + 1) },
    ]) {
      expect(supervisorMessageSchema.safeParse(message).success, JSON.stringify(message).slice(0, 80)).toBe(false);
    }
  });
});
