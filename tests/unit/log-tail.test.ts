// readTailInside: the end of a log in a folder the learner controls, never a file outside it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTailInside } from '../../server/workspace/safe-fs.ts';
import { HttpError } from '../../server/http/errors.ts';

let scratch: string;
let root: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cometlab-log-tail-'));
  root = join(scratch, 'nginx');
  await mkdir(join(root, 'logs'), { recursive: true });
  await writeFile(join(scratch, 'secret.log'), 'host secret\n');
  await writeFile(join(root, 'logs', 'small.log'), 'one\ntwo\n');
  await writeFile(join(root, 'logs', 'big.log'), `${'x'.repeat(100_000)}\nlast line\n`);
  await symlink(join(scratch, 'secret.log'), join(root, 'logs', 'error.log'));
  await symlink('/etc/passwd', join(root, 'logs', 'passwd.log'));
  await symlink(join(scratch, 'nowhere'), join(root, 'logs', 'dangling.log'));
  await symlink(scratch, join(root, 'up'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const refused = (promise: Promise<unknown>) =>
  expect(promise).rejects.toSatisfy((error) => error instanceof HttpError && error.code === 'path_outside_workspace');

describe('readTailInside', () => {
  it('reads a small log whole and only the end of a large one', async () => {
    expect(await readTailInside(root, 'logs/small.log', 1024)).toEqual({ text: 'one\ntwo\n', cut: false });
    const tail = await readTailInside(root, 'logs/big.log', 64);
    expect(tail?.cut).toBe(true);
    expect(tail?.text).toHaveLength(64);
    expect(tail?.text.endsWith('\nlast line\n')).toBe(true);
  });

  it('says undefined for a log that is not there yet', async () => {
    expect(await readTailInside(root, 'logs/access.log', 1024)).toBeUndefined();
  });

  it('refuses symlinks that lead out, dangling ones, and paths that climb', async () => {
    await refused(readTailInside(root, 'logs/error.log', 1024));
    await refused(readTailInside(root, 'logs/passwd.log', 1024));
    await refused(readTailInside(root, 'logs/dangling.log', 1024));
    await refused(readTailInside(root, 'up/secret.log', 1024));
    await expect(readTailInside(root, '../secret.log', 1024)).rejects.toThrow();
  });

  it('refuses a folder', async () => {
    await expect(readTailInside(root, 'logs', 1024)).rejects.toSatisfy((error) => error instanceof HttpError && error.code === 'not_a_file');
  });
});
