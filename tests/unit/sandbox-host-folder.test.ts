import { afterEach, describe, expect, it } from 'vitest';
import { hostFolderBase } from '../../server/sandbox/leftovers.ts';

const saved = process.env.TMPDIR;
afterEach(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
});

describe('where the host keeps its sandbox sockets', () => {
  it('uses a short TMPDIR as it is', () => {
    process.env.TMPDIR = '/var/tmp';
    expect(hostFolderBase()).toBe('/var/tmp');
  });

  it('falls back to /tmp when TMPDIR would leave no room for socket paths', () => {
    process.env.TMPDIR = '/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T';
    expect(hostFolderBase()).toBe('/tmp');
  });
});
