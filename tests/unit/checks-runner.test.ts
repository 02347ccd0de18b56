import { describe, expect, it } from 'vitest';
import type { Check, Probe, ProbeRequest, ProbeResponse } from '../../server/contracts/check.ts';
import { checkReportSchema } from '../../server/contracts/check.ts';
import { fail } from '../../server/checks/expect.ts';
import { ProbeError } from '../../server/checks/probe-error.ts';
import { CRASH_HINT, RUN_HINT, runChecks } from '../../server/checks/run-checks.ts';

const ok = (status = 404, body = ''): ProbeResponse => ({ status, headers: {}, body, ms: 1, timedOut: false });

/** A probe that answers from a function and remembers every request. */
function fakeProbe(answer: (req: ProbeRequest) => Promise<ProbeResponse>): Probe & { seen: ProbeRequest[] } {
  const seen: ProbeRequest[] = [];
  return { seen, request: (req) => { seen.push(req); return answer(req); } };
}

const check = (id: string, run: Check['run']): Check => ({ id, title: `check ${id}`, hint: `hint for ${id}`, run });

describe('runChecks', () => {
  it('reports pass, fail (returned or thrown) and error in order, with the check hint as fallback', async () => {
    const probe = fakeProbe(async () => ok());
    const report = await runChecks('lab-x', [
      check('a', async () => ({ status: 'pass', seen: 'fine' })),
      check('b', async () => ({ status: 'fail', expected: 'e1', seen: 's1' })),
      check('c', async () => fail('e2', 's2', 'own hint')),
      check('d', async () => { throw new TypeError('boom'); }),
    ], probe);

    expect(checkReportSchema.parse(report)).toEqual(report);
    expect(report.lab).toBe('lab-x');
    expect(report.passed).toBe(1);
    expect(report.total).toBe(4);
    expect(report.results.map((r) => r.status)).toEqual(['pass', 'fail', 'fail', 'error']);
    expect(report.results[0]).toMatchObject({ id: 'a', title: 'check a', seen: 'fine' });
    expect(report.results[1]).toMatchObject({ expected: 'e1', seen: 's1', hint: 'hint for b' });
    expect(report.results[2]).toMatchObject({ expected: 'e2', seen: 's2', hint: 'own hint' });
    expect(report.results[3]!.seen).toMatch(/check itself broke.*boom/);
  });

  it('turns a check that outlives its deadline into an error and moves on', async () => {
    const probe = fakeProbe(async () => ok());
    const started = performance.now();
    const report = await runChecks('lab-x', [
      check('slow', () => new Promise(() => {})),
      check('next', async () => ({ status: 'pass' })),
    ], probe, { deadlineMs: 150 });
    const elapsed = performance.now() - started;

    expect(report.results[0]).toMatchObject({ status: 'error', seen: 'the check did not finish within 150 ms', hint: 'hint for slow' });
    expect(report.results[0]!.ms).toBeGreaterThanOrEqual(140);
    expect(report.results[1]!.status).toBe('pass');
    expect(elapsed).toBeLessThan(1500);
  });

  it('clamps every request timeout to what is left of the deadline', async () => {
    const probe = fakeProbe(async () => ok(200));
    await runChecks('lab-x', [
      check('t', async (p) => {
        await p.request({ path: '/a', timeoutMs: 60_000 });
        await p.request({ path: '/b' });
        return { status: 'pass' };
      }),
    ], probe, { deadlineMs: 1000, reachability: false });
    expect(probe.seen.map((r) => r.timeoutMs! <= 1000)).toEqual([true, true]);
    expect(probe.seen.map((r) => r.timeoutMs! > 900)).toEqual([true, true]);
  });

  it('says clearly when the app is not reachable and runs no check', async () => {
    const probe = fakeProbe(async () => { throw new ProbeError('unreachable', 'nothing answered on port 8999, so the app is not running (connection refused)'); });
    let ran = 0;
    const report = await runChecks('lab-x', [
      check('a', async () => { ran += 1; return { status: 'pass' }; }),
      check('b', async () => { ran += 1; return { status: 'pass' }; }),
    ], probe);

    expect(ran).toBe(0);
    expect(probe.seen).toHaveLength(1);
    expect(report.passed).toBe(0);
    for (const result of report.results) {
      expect(result).toMatchObject({ status: 'error', hint: RUN_HINT });
      expect(result.seen).toContain('connection refused');
    }
    expect(RUN_HINT).toContain('node server.ts');
  });

  it('treats an app that accepts but never answers as not reachable', async () => {
    const probe = fakeProbe(async (req) => ({ status: 0, headers: {}, body: '', ms: req.timeoutMs ?? 0, timedOut: true }));
    const report = await runChecks('lab-x', [check('a', async () => ({ status: 'pass' }))], probe);
    expect(report.results[0]).toMatchObject({ status: 'error', hint: RUN_HINT });
    expect(report.results[0]!.seen).toMatch(/gave no answer within \d+ ms/);
  });

  it('stops when the app goes away during a check, and keeps going when it only closed one connection', async () => {
    let alive = true;
    const probe = fakeProbe(async (req) => {
      if (!alive) throw new ProbeError('unreachable', 'nothing answered on port 8999');
      if (req.path === '/crash') { alive = false; throw new ProbeError('closed', 'the connection closed before a complete answer'); }
      if (req.path === '/drop') throw new ProbeError('closed', 'the connection closed before a complete answer');
      return ok();
    });
    const report = await runChecks('lab-x', [
      check('drop', async (p) => { await p.request({ path: '/drop' }); return { status: 'pass' }; }),
      check('fine', async () => ({ status: 'pass' })),
      check('crash', async (p) => { await p.request({ path: '/crash' }); return { status: 'pass' }; }),
      check('after', async () => ({ status: 'pass' })),
    ], probe);

    expect(report.results.map((r) => r.status)).toEqual(['error', 'pass', 'error', 'error']);
    expect(report.results[0]!.hint).toBe(CRASH_HINT);
    expect(report.results[2]!.hint).toBe(CRASH_HINT);
    expect(report.results[3]).toMatchObject({ hint: RUN_HINT, ms: 0 });
    expect(report.results[3]!.seen).toMatch(/^not run: /);
  });

  it('uses the reachability request it is given, and none when told so', async () => {
    const probe = fakeProbe(async () => ok(200));
    await runChecks('lab-x', [], probe, { reachability: { path: '/stats' } });
    expect(probe.seen.map((r) => r.path)).toEqual(['/stats']);
    await runChecks('lab-x', [], probe, { reachability: false });
    expect(probe.seen).toHaveLength(1);
  });
});
