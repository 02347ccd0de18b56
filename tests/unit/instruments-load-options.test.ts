import { describe, expect, it } from 'vitest';
import { parseLoadOptions } from '../../server/instruments/load-options.ts';

const base = { clients: 10, mode: 'short', durationMs: 1000 };

describe('parseLoadOptions', () => {
  it('fills the defaults and trims the base URL', () => {
    expect(parseLoadOptions({ ...base, baseUrl: 'http://127.0.0.1:8888/feed/' })).toEqual({
      ...base, baseUrl: 'http://127.0.0.1:8888/feed', intervalMs: 1000, timeoutS: 30, sampleCapacity: 10_000,
    });
  });
  it.each([
    'http://localhost:8999', 'https://127.0.0.1:8999', 'http://10.0.0.1:8999', 'http://127.0.0.1', 'http://u:p@127.0.0.1:8999',
    'http://127.0.0.1:8999/?x=1', 'not a url',
  ])('refuses the base URL %s: the load stays on this machine', (baseUrl) => {
    expect(() => parseLoadOptions({ ...base, baseUrl })).toThrow(/127\.0\.0\.1:PORT/);
  });
  it.each([
    { clients: 0 }, { clients: 20_001 }, { clients: 1.5 }, { mode: 'medium' }, { intervalMs: 5 }, { timeoutS: 0 },
    { durationMs: 50 }, { publishEveryMs: 0 }, { sampleCapacity: 0 },
  ])('refuses %j', (bad) => {
    expect(() => parseLoadOptions({ ...base, baseUrl: 'http://127.0.0.1:8999', ...bad })).toThrow();
  });
});
