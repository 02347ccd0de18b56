import { describe, expect, it } from 'vitest';
import { predictChain, type ChainInput } from '../../server/instruments/timeout-chain.ts';

const chain = (input: Partial<ChainInput>) => predictChain({ clientS: 10, nginxS: 6, appS: 3, messageAtS: null, ...input });

describe('predictChain', () => {
  it('a message inside every timeout: 200 with data when it arrives', () => {
    expect(chain({ messageAtS: 1 })).toEqual({ outcome: 'data', status: 200, nginxLogs: 200, atS: 1, endedBy: 'app', race: null });
    expect(chain({ nginxS: null, messageAtS: 1 })).toMatchObject({ status: 200, nginxLogs: null, atS: 1 });
  });
  it('no message, nginx outlasting the app: the app\'s 204 when its timeout ends', () => {
    expect(chain({})).toEqual({ outcome: 'empty', status: 204, nginxLogs: 204, atS: 3, endedBy: 'app', race: null });
  });
  it('a short poll answers at once: 204, or 200 when the message is already there', () => {
    expect(chain({ appS: 0 })).toMatchObject({ status: 204, atS: 0, race: null });
    expect(chain({ appS: 0, messageAtS: 0 })).toMatchObject({ status: 200, atS: 0, race: null });
  });
  it('nginx shorter than the app: 504 from nginx at its proxy_read_timeout, even if a message comes later', () => {
    expect(chain({ nginxS: 2 })).toEqual({ outcome: 'gateway-timeout', status: 504, nginxLogs: 504, atS: 2, endedBy: 'nginx', race: null });
    expect(chain({ nginxS: 2, messageAtS: 2.5 })).toMatchObject({ status: 504, atS: 2 });
    expect(chain({ nginxS: 2, messageAtS: 1 })).toMatchObject({ status: 200, atS: 1 });
  });
  it('nginx equal to the app: a race, and 504 is the likely outcome', () => {
    const prediction = chain({ nginxS: 3 });
    expect(prediction).toMatchObject({ outcome: 'gateway-timeout', status: 504, atS: 3, endedBy: 'nginx' });
    expect(prediction.race?.between).toEqual(['gateway-timeout', 'empty']);
    expect(prediction.race?.why).toMatch(/race/);
  });
  it('a client less patient than the rest gives up: nginx logs 499, and without nginx nothing is logged', () => {
    expect(chain({ clientS: 1 })).toEqual({ outcome: 'client-abort', status: null, nginxLogs: 499, atS: 1, endedBy: 'client', race: null });
    expect(chain({ clientS: 1, nginxS: null })).toMatchObject({ outcome: 'client-abort', nginxLogs: null });
    expect(chain({ clientS: 1, nginxS: 0.5 })).toMatchObject({ outcome: 'gateway-timeout', atS: 0.5 });
  });
  it('a client timeout equal to the answer\'s moment: a race the client likely wins', () => {
    const prediction = chain({ clientS: 3 });
    expect(prediction).toMatchObject({ outcome: 'client-abort', nginxLogs: 499, atS: 3 });
    expect(prediction.race?.between).toEqual(['client-abort', 'empty']);
  });
  it('a message exactly at the app\'s timeout: a race, the timer\'s 204 likely first', () => {
    const prediction = chain({ messageAtS: 3 });
    expect(prediction).toMatchObject({ outcome: 'empty', status: 204, atS: 3 });
    expect(prediction.race?.between).toEqual(['empty', 'data']);
  });
  it.each([
    { clientS: 0 }, { nginxS: 0 }, { appS: -1 }, { messageAtS: -0.5 }, { clientS: Number.POSITIVE_INFINITY }, { appS: Number.NaN },
  ])('refuses %j', (bad) => {
    expect(() => chain(bad)).toThrow();
  });
});
