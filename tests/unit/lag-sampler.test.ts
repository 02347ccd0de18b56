// The lag meter's pure parts: pairing outside probes with inside reports, probe pacing, the supervisor's
// check of the preload's lines, and when background panel work ends.
import { describe, expect, it } from 'vitest';
import { INSIDE_FRESH_MS, LagSampler, PROBE_EVERY_MS, nextProbeDelay } from '../../server/instruments/lag-sampler.ts';
import { ABSENT_STOP_MS, LONGEST_RUN_MS, PanelLife } from '../../server/instruments/panel-presence.ts';
import { MAX_LAG_MS, parseLagLine } from '../../server/supervisor/lag-socket.ts';

describe('LagSampler', () => {
  it('gives each sample the largest inside report since the previous sample', () => {
    const sampler = new LagSampler();
    sampler.inside(1000, 12);
    sampler.inside(1100, 1500.5);
    sampler.inside(1150, 11);
    expect(sampler.sample(1200, null)).toEqual({ at: 1200, outsideMs: null, insideMs: 1500.5 });
  });

  it('repeats the last report while it is fresh, then says null', () => {
    const sampler = new LagSampler();
    sampler.inside(1000, 20);
    expect(sampler.sample(1100, 3).insideMs).toBe(20);
    expect(sampler.sample(1000 + INSIDE_FRESH_MS, 3).insideMs).toBe(20);
    expect(sampler.sample(1001 + INSIDE_FRESH_MS, 3).insideMs).toBeNull();
  });

  it('says null inside when nothing was ever reported (no preload)', () => {
    expect(new LagSampler().sample(5, 2.5)).toEqual({ at: 5, outsideMs: 2.5, insideMs: null });
  });
});

describe('nextProbeDelay', () => {
  it('keeps probes PROBE_EVERY_MS apart, and sends the next at once after a slow one', () => {
    expect(nextProbeDelay(0)).toBe(PROBE_EVERY_MS);
    expect(nextProbeDelay(50)).toBe(PROBE_EVERY_MS - 50);
    expect(nextProbeDelay(1500)).toBe(0);
  });
});

describe('parseLagLine (the supervisor\'s check of what the preload writes)', () => {
  it('takes a delay in ms with up to three decimals', () => {
    expect(parseLagLine('0.0')).toBe(0);
    expect(parseLagLine('1504.7')).toBe(1504.7);
    expect(parseLagLine(String(MAX_LAG_MS))).toBe(MAX_LAG_MS);
  });

  it('refuses anything else', () => {
    for (const line of ['', '-1', '1e3', 'NaN', 'Infinity', ' 12', '12 ', '1.2345', '0x10', '{"ms":1}', String(MAX_LAG_MS + 1), '9999999']) {
      expect(parseLagLine(line)).toBeNull();
    }
  });
});

describe('PanelLife', () => {
  it('goes on while a page watches, and across a short absence (a reload)', () => {
    const life = new PanelLife(0);
    expect(life.over(1000, true)).toBeNull();
    expect(life.over(2000, false)).toBeNull();
    expect(life.over(2000 + ABSENT_STOP_MS, false)).toBeNull();
    expect(life.over(3000 + ABSENT_STOP_MS, true)).toBeNull();
    expect(life.over(4000 + ABSENT_STOP_MS, false)).toBeNull();
  });

  it('ends after a long absence, and at its longest run even when watched', () => {
    const absent = new PanelLife(0);
    expect(absent.over(100, false)).toBeNull();
    expect(absent.over(101 + ABSENT_STOP_MS, false)).toMatch(/no page/);
    expect(new PanelLife(0).over(LONGEST_RUN_MS + 1, true)).toMatch(/longest/);
  });
});
