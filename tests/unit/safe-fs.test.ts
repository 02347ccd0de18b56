import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { checkRelativePath, readInside, writeInside } from '../../server/workspace/safe-fs.ts';
import { HttpError } from '../../server/http/errors.ts';

let scratch: string;
let root: string;
let secret: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cometlab-safe-fs-'));
  root = join(scratch, 'workspace');
  secret = join(scratch, 'secret.txt');
  await mkdir(root);
  await writeFile(secret, 'host secret');
  await symlink(secret, join(root, 'link-out.ts'));
  await symlink(scratch, join(root, 'dir-out'));
  await symlink(join(scratch, 'nowhere'), join(root, 'dangling.ts'));
  await writeFile(join(root, 'inside.ts'), 'inside');
  await symlink('inside.ts', join(root, 'link-in.ts'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('checkRelativePath', () => {
  it.each(['../x.ts', 'a/../../x.ts', '/etc/passwd', 'a\0b', './x', 'a//b/..', '..', '', 'x'.repeat(300), 'a b.ts'])('refuses %j', (path) => {
    expect(() => checkRelativePath(path)).toThrow(HttpError);
  });
  it.each(['server.ts', 'src/app.ts', '.env.example', 'a-b_c.d.ts'])('accepts %j', (path) => {
    expect(checkRelativePath(path)).toBe(path);
  });
});

describe('readInside', () => {
  it('reads a file, and follows a link that stays inside', async () => {
    expect(await readInside(root, 'inside.ts')).toBe('inside');
    expect(await readInside(root, 'link-in.ts')).toBe('inside');
  });
  it('says undefined for a file that is not there', async () => {
    expect(await readInside(root, 'missing.ts')).toBeUndefined();
  });
  it('refuses a FIFO in place of a file at once instead of waiting for a writer', async () => {
    execFileSync('mkfifo', [join(root, 'fifo.ts')]);
    await expect(readInside(root, 'fifo.ts')).rejects.toMatchObject({ code: 'not_a_file' });
  });
  it('refuses symlinks that point out, dangling ones and folders behind links', async () => {
    for (const path of ['link-out.ts', 'dangling.ts', 'dir-out/secret.txt']) {
      expect((await refusal(readInside(root, path))).status).toBe(400);
    }
  });
});

describe('writeInside', () => {
  it('writes atomically and leaves no temporary file', async () => {
    await writeInside(root, 'src/new.ts', 'hello');
    expect(await readFile(join(root, 'src/new.ts'), 'utf8')).toBe('hello');
    await writeInside(root, 'src/new.ts', 'again');
    expect(await readFile(join(root, 'src/new.ts'), 'utf8')).toBe('again');
    expect(await readdir(join(root, 'src'))).toEqual(['new.ts']);
  });
  it('never writes through a link that points out', async () => {
    expect((await refusal(writeInside(root, 'link-out.ts', 'pwned'))).status).toBe(400);
    expect((await refusal(writeInside(root, 'dir-out/evil.ts', 'pwned'))).status).toBe(400);
    expect(await readFile(secret, 'utf8')).toBe('host secret');
    expect(await readdir(scratch)).not.toContain('evil.ts');
  });
  it('never makes folders behind a link that points out', async () => {
    expect((await refusal(writeInside(root, 'dir-out/made/evil.ts', 'pwned'))).status).toBe(400);
    expect(await readdir(scratch)).not.toContain('made');
  });
});
