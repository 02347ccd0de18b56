// When a lab is recorded again: its inputs' hash changes with the lab's code and the recorder's, and not
// with the lesson's prose or the recording itself (or a build would record forever).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { labInputsHash } from '../../scripts/recording/inputs.ts';

let root: string;
const write = (path: string, text: string) => writeFile(join(root, path), text);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cometlab-inputs-'));
  for (const dir of ['labs/01-x/solution', 'labs/02-y', 'scripts/recording/experiments', 'server/instruments']) await mkdir(join(root, dir), { recursive: true });
  await write('labs/01-x/lab.ts', 'lab');
  await write('labs/01-x/solution/server.ts', 'v1');
  await write('labs/01-x/lesson.mdx', 'prose');
  await write('labs/02-y/lab.ts', 'other lab');
  await write('scripts/recording/session.ts', 'recorder');
  await write('scripts/recording/experiments/01-x.ts', 'experiment x');
  await write('scripts/recording/experiments/02-y.ts', 'experiment y');
  await write('server/instruments/load-engine.ts', 'engine');
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('labInputsHash', () => {
  test('the same files give the same hash, and a different lab a different one', () => {
    expect(labInputsHash(root, '01-x')).toBe(labInputsHash(root, '01-x'));
    expect(labInputsHash(root, '02-y')).not.toBe(labInputsHash(root, '01-x'));
  });

  test('the lesson and the recording are not inputs', async () => {
    const before = labInputsHash(root, '01-x');
    await write('labs/01-x/lesson.mdx', 'prose, edited');
    await write('labs/01-x/recording.json', '{}');
    expect(labInputsHash(root, '01-x')).toBe(before);
  });

  test('the solution, its experiment, the recorder and the engine are', async () => {
    const inputs = [
      ['labs/01-x/solution/server.ts', 'v2'],
      ['scripts/recording/experiments/01-x.ts', 'experiment x, edited'],
      ['scripts/recording/session.ts', 'recorder 2'],
      ['server/instruments/load-engine.ts', 'engine 2'],
    ] as const;
    for (const [path, text] of inputs) {
      const before = labInputsHash(root, '01-x');
      await write(path, text);
      expect(labInputsHash(root, '01-x'), path).not.toBe(before);
    }
  });

  test('another lab\'s change, or its experiment\'s, is not this lab\'s', async () => {
    const before = labInputsHash(root, '01-x');
    await write('labs/02-y/lab.ts', 'other lab, edited');
    await write('scripts/recording/experiments/02-y.ts', 'experiment y, edited');
    expect(labInputsHash(root, '01-x')).toBe(before);
  });
});
