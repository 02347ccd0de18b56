import { describe, expect, it } from 'vitest';
import { clampSize } from '../../server/contracts/terminal.ts';
import { parseClientFrame } from '../../server/ws/terminal-socket.ts';

describe('clampSize', () => {
  it('keeps sensible sizes and clamps absurd ones', () => {
    expect(clampSize(120, 40)).toEqual({ cols: 120, rows: 40 });
    expect(clampSize(1e9, -5)).toEqual({ cols: 500, rows: 4 });
    expect(clampSize(Number.NaN, Number.POSITIVE_INFINITY)).toEqual({ cols: 10, rows: 4 });
    expect(clampSize(80.6, 24.2)).toEqual({ cols: 81, rows: 24 });
  });
});

describe('parseClientFrame', () => {
  const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  it('accepts the three message kinds', () => {
    expect(parseClientFrame(text({ type: 'input', data: 'ls\r' }), false)).toEqual({ message: { type: 'input', data: 'ls\r' } });
    expect(parseClientFrame(text({ type: 'resize', cols: 100, rows: 30 }), false)).toMatchObject({ message: { type: 'resize' } });
    expect(parseClientFrame(text({ type: 'ack', bytes: 4096 }), false)).toMatchObject({ message: { type: 'ack' } });
  });
  it.each([
    ['binary frames', text({ type: 'input', data: 'x' }), true, /JSON text frames/],
    ['not JSON', text('{oops'), false, /not JSON/],
    ['unknown type', text({ type: 'explode' }), false, /does not fit/],
    ['input too long', text({ type: 'input', data: 'x'.repeat(20_000) }), false, /does not fit/],
    ['fractional resize', text({ type: 'resize', cols: 1.5, rows: 2 }), false, /does not fit/],
    ['negative ack', text({ type: 'ack', bytes: -1 }), false, /does not fit/],
  ])('refuses %s', (_name, data, binary, message) => {
    const parsed = parseClientFrame(data, binary);
    expect('error' in parsed && parsed.error).toMatch(message);
  });
});
