// The workshop's pure parts: signing, cookies, the join limit, the change feed, usage arithmetic, the
// roster, the export, presence, the command line.
import { describe, expect, it } from 'vitest';
import { sign, verify, sameSecret } from '../../server/workshop/secrets.ts';
import { parseCookies, serializeCookie } from '../../server/workshop/cookies.ts';
import { RateLimiter } from '../../server/workshop/rate-limit.ts';
import { ChangeFeed } from '../../server/workshop/change-feed.ts';
import { coresBetween, parseCpuStat, parseProcStatCpu } from '../../server/workshop/usage.ts';
import { csvField, toCsv } from '../../server/workshop/export.ts';
import { buildState } from '../../server/workshop/roster.ts';
import { Presence, ONLINE_GRACE_MS } from '../../server/workshop/presence.ts';
import { newJoinCode, newStudentId } from '../../server/workshop/join-code.ts';
import { baseUrlFor } from '../../server/workshop/start.ts';
import { workshopCpuCores } from '../../server/playground.ts';
import { parseCommandLine } from '../../server/cli/args.ts';
import type { LabProgress } from '../../server/contracts/api.ts';
import { joinCodeSchema, studentIdSchema, workshopStateSchema } from '../../server/contracts/workshop.ts';

describe('signed values', () => {
  it('verify what was signed with the same key, and nothing else', () => {
    const signed = sign('key-one', 's_abcdefghijkl');
    expect(verify('key-one', signed)).toBe('s_abcdefghijkl');
    expect(verify('key-two', signed)).toBeNull();
    expect(verify('key-one', `s_abcdefghijkm${signed.slice(signed.indexOf('.'))}`)).toBeNull();
    expect(verify('key-one', `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(verify('key-one', 's_abcdefghijkl')).toBeNull();
    expect(verify('key-one', '.sig')).toBeNull();
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('abcd', 'abcd')).toBe(true);
  });
});

describe('cookies', () => {
  it('parse the first of each name and write HttpOnly SameSite=Lax', () => {
    const cookies = parseCookies('a=1; cometlab_student="x.y"; a=2; broken; =nothing');
    expect([...cookies]).toEqual([['a', '1'], ['cometlab_student', 'x.y']]);
    expect(parseCookies(undefined).size).toBe(0);
    expect(serializeCookie('n', 'v.w', { maxAgeSeconds: 60, secure: true })).toBe('n=v.w; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
    expect(() => serializeCookie('n', 'a;b', { maxAgeSeconds: 1, secure: false })).toThrow();
  });
});

describe('the join limit', () => {
  it('lets a burst through, then one per refill interval, per key', () => {
    const limiter = new RateLimiter({ capacity: 3, perMinute: 6 });
    expect([0, 0, 0].map(() => limiter.take('a', 0))).toEqual([0, 0, 0]);
    expect(limiter.take('a', 0)).toBe(10_000);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 9_000)).toBeGreaterThan(0);
    expect(limiter.take('a', 10_000)).toBe(0);
  });

  it('forgets the stalest keys past its bound', () => {
    const limiter = new RateLimiter({ capacity: 1, perMinute: 1, maxKeys: 2 });
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('c', 0)).toBeGreaterThan(0);
  });
});

describe('the change feed', () => {
  it('answers at once for a stale cursor, at a change, or at the timeout', async () => {
    const feed = new ChangeFeed(100);
    expect(await feed.wait(7, 10_000)).toBe(true);
    const waiting = feed.wait(100, 10_000);
    expect(feed.waiting).toBe(1);
    feed.changed();
    expect(await waiting).toBe(true);
    expect(feed.cursor).toBe(101);
    expect(await feed.wait(101, 5)).toBe(false);
    const controller = new AbortController();
    const aborted = feed.wait(101, 10_000, controller.signal);
    controller.abort();
    expect(await aborted).toBe(false);
    expect(feed.waiting).toBe(0);
  });
});

describe('usage', () => {
  it('reads cgroup v2 cpu.stat and /proc stat lines with odd names', () => {
    expect(parseCpuStat('usage_usec 2500000\nuser_usec 1\n')).toBe(2.5);
    expect(parseCpuStat('nr_periods 0\n')).toBeNull();
    const stat = '42 (node (a) b) S 1 42 42 0 -1 4194560 100 0 0 0 150 50 10 40 20 0 1 0 100 0 0';
    expect(parseProcStatCpu(stat)).toBe(2.5);
    expect(parseProcStatCpu('42 (x) S')).toBeNull();
    expect(coresBetween({ cpuSeconds: 1, at: 0 }, { cpuSeconds: 2.5, at: 3000 })).toBe(0.5);
    expect(coresBetween({ cpuSeconds: 5, at: 0 }, { cpuSeconds: 2, at: 3000 })).toBe(0);
    expect(coresBetween({ cpuSeconds: 1, at: 0 }, { cpuSeconds: 2, at: 0 })).toBe(0);
  });
});

const workshopRow = { title: 'T', startedAt: '2026-01-01T00:00:00.000Z', ended: false, endedAt: null, joinCode: 'ABCDEF', joinOpen: true, unlockedUpTo: 2, everyoneTo: null };
const students = [
  { id: 's_aaaaaaaaaaaa', name: '=cmd|x', joinedAt: '2026-01-01T00:01:00.000Z', lastActivity: null, currentLab: 'short-polling' },
  { id: 's_bbbbbbbbbbbb', name: 'Bob "B"', joinedAt: '2026-01-01T00:02:00.000Z', lastActivity: '2026-01-01T00:03:00.000Z', currentLab: null },
];
const state = buildState({
  workshop: workshopRow,
  studentUrl: 'http://x/join?code=ABCDEF',
  students,
  help: [{ id: 1, student: 's_bbbbbbbbbbbb', lab: null, message: 'help', raisedAt: 'now', answeredAt: null }],
  controls: [{ student: 's_aaaaaaaaaaaa', lab: 'short-polling', state: 'pending' as const, at: 'now' }],
  progress: (id): Record<string, LabProgress> => (id === 's_aaaaaaaaaaaa' ? { 'short-polling': { passed: 2, total: 3, passedChecks: ['a', 'b'], checkedAt: 'x', completedAt: null } } : {}),
  online: (id) => id === 's_bbbbbbbbbbbb',
  usage: () => null,
});

describe('the roster', () => {
  it('fits the contract and says who waits for help', () => {
    expect(workshopStateSchema.safeParse(state).success).toBe(true);
    expect(state.roster[0]).toMatchObject({ labs: { 'short-polling': { passed: 2, total: 3 } }, online: false, handRaised: false });
    expect(state.roster[1]).toMatchObject({ online: true, handRaised: true });
    expect(state.help[0]!.name).toBe('Bob "B"');
    expect(state.pace).toEqual({ unlockedUpTo: 2, everyoneTo: null });
    expect(state.controls).toEqual([{ student: 's_aaaaaaaaaaaa', lab: 'short-polling', state: 'pending', at: 'now' }]);
    expect(buildState({ ...inputsOf(), workshop: { ...workshopRow, joinOpen: false } }).joinCode).toBeNull();
    expect(buildState({ ...inputsOf(), workshop: { ...workshopRow, ended: true } }).joinCode).toBeNull();
  });
});

function inputsOf() {
  return { workshop: workshopRow, studentUrl: '', students: [], help: [], controls: [], progress: () => ({}), online: () => false, usage: () => null };
}

describe('the export', () => {
  it('writes one quoted row per student and lab, and defuses formulas', () => {
    expect(csvField('=1+1')).toBe(`"'=1+1"`);
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('""');
    const csv = toCsv(state, ['short-polling', 'comet']).split('\r\n');
    expect(csv).toHaveLength(6);
    expect(csv[1]).toBe(`"s_aaaaaaaaaaaa","'=cmd|x","2026-01-01T00:01:00.000Z","","short-polling","2","3",""`);
    expect(csv[4]).toContain('"Bob ""B"""');
  });
});

describe('presence', () => {
  it('holds while a socket is open, lingers a moment after, and reports flips once', () => {
    const presence = new Presence();
    const release = presence.hold('a', 0);
    expect(presence.online('a', 10 * ONLINE_GRACE_MS)).toBe(true);
    expect(presence.sweep(['a', 'b'], 0)).toEqual(['a']);
    expect(presence.sweep(['a', 'b'], 1)).toEqual([]);
    release();
    release();
    const now = Date.now();
    expect(presence.online('a', now)).toBe(true);
    expect(presence.online('a', now + ONLINE_GRACE_MS)).toBe(false);
    expect(presence.sweep(['a'], now + ONLINE_GRACE_MS)).toEqual(['a']);
  });
});

describe('codes, ids and sizes', () => {
  it('makes codes and ids the contracts accept, without look-alike letters', () => {
    const codes = Array.from({ length: 200 }, newJoinCode);
    for (const code of codes) expect(joinCodeSchema.parse(code)).toBe(code);
    expect(codes.join('')).not.toMatch(/[IO01]/);
    expect(new Set(codes).size).toBeGreaterThan(195);
    expect(studentIdSchema.safeParse(newStudentId()).success).toBe(true);
  });

  it("shares cores among a quarter of the class, within a quarter core and a learner's default", () => {
    expect(workshopCpuCores(4, 2)).toBe(0.5); // a learner's default on 2 cores (defaultCpuCores)
    expect(workshopCpuCores(4, 8)).toBe(1);
    expect(workshopCpuCores(16, 2)).toBe(0.5);
    expect(workshopCpuCores(60, 2)).toBe(0.25);
    expect(workshopCpuCores(1, 64)).toBe(1);
  });

  it('builds the base URL students see', () => {
    expect(baseUrlFor('0.0.0.0', 4321, undefined, ['192.168.1.5', '10.0.0.2'])).toBe('http://192.168.1.5:4321');
    expect(baseUrlFor('0.0.0.0', 4321, undefined, [])).toBe('http://127.0.0.1:4321');
    expect(baseUrlFor('::1', 80, undefined, [])).toBe('http://[::1]:80');
    expect(baseUrlFor('0.0.0.0', 4321, 'https://ws.example.org', ['1.2.3.4'])).toBe('https://ws.example.org');
  });
});

describe('cometlab workshop', () => {
  const parse = (...argv: string[]) => parseCommandLine(['workshop', ...argv], {}, '/here');
  it('defaults to every address, its own data dir and a title', () => {
    expect(parse()).toMatchObject({ command: 'workshop', host: '0.0.0.0', port: 4321, title: undefined, classSize: 30, awayTimeoutMs: 600_000, idleTimeoutMs: 7_200_000, fresh: false });
    expect(parse('--new')).toMatchObject({ fresh: true });
    expect((parse() as { dataDir: string }).dataDir).toMatch(/\.data\/workshop$/);
    expect(parse('--title', 'Comet 101', '--port', '8080', '--away-timeout', '5m', '--public-url', 'https://x.org/')).toMatchObject({ title: 'Comet 101', port: 8080, awayTimeoutMs: 300_000, publicUrl: 'https://x.org' });
  });

  it('refuses bad options with a reason', () => {
    expect(() => parse('--class-size', '0')).toThrow(/class-size/);
    expect(() => parse('--public-url', 'ftp://x')).toThrow(/public-url/);
    expect(() => parse('--away-timeout', '5')).toThrow(/--away-timeout must be a duration/);
    expect(() => parse('--json')).toThrow(/belongs to cometlab check/);
    expect(() => parseCommandLine(['start', '--title', 'x'], {}, '/')).toThrow(/belongs to cometlab workshop/);
    expect(() => parseCommandLine(['start', '--new'], {}, '/')).toThrow(/--new belongs to cometlab workshop/);
    expect(() => parse('--title', '  ')).toThrow(/--title must be 1 to 80/);
    expect(() => parse('--new=yes')).toThrow(/--new/);
    expect(parseCommandLine(['workshop', '--help'], {}, '/')).toEqual({ command: 'help', topic: 'workshop' });
  });
});

describe('opening a workshop', () => {
  it('refuses without a working bwrap sandbox, and says why', async () => {
    const { openWorkshop } = await import('../../server/workshop/open.ts');
    const launcher = { status: { kind: 'plain' as const, sandboxed: false, reason: 'NOT A SANDBOX: bwrap failed' }, launch: () => Promise.reject(new Error('no')) };
    expect(() => openWorkshop({ title: 't', dataDir: '/nonexistent', runRoot: '/nonexistent', labs: new Map(), launcher, progress: {} as never, log: () => undefined }))
      .toThrow(/needs a working sandbox, and there is none: NOT A SANDBOX: bwrap failed/);
  });
});
