// The shape every lab folder must have (DESIGN §4), checked for all of them, so a new lab that breaks
// the format fails here with its folder named.
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { course } from '../../labs/course.ts';
import type { Check } from '../../server/contracts/check.ts';
import { labMetaSchema } from '../../server/contracts/lab.ts';

const labsDir = join(import.meta.dirname, '..', '..', 'labs');
const folders = readdirSync(labsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name))
  .map((entry) => entry.name)
  .sort();

/** The lesson's prose with fenced blocks and inline code removed, where MDX would read `{` and `<`. */
function proseOnly(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

it('there is at least one lab folder', () => {
  expect(folders.length).toBeGreaterThan(0);
});

describe.each(folders)('labs/%s', (folder) => {
  const dir = join(labsDir, folder);
  const load = async (file: string) => (await import(pathToFileURL(join(dir, file)).href)).default;

  it('has a lab.ts that parses and matches its folder and the course outline', async () => {
    const meta = labMetaSchema.parse(await load('lab.ts'));
    expect(folder).toBe(`${String(meta.number).padStart(2, '0')}-${meta.id}`);
    const entry = course.find((c) => c.id === meta.id);
    expect(entry, `labs/course.ts has no entry "${meta.id}"`).toBeDefined();
    expect({ number: meta.number, title: meta.title }).toEqual({ number: entry!.number, title: entry!.title });
    expect(meta.files.map((f) => f.path)).toContain(meta.entry);
    expect(meta.hints.length).toBeGreaterThan(0);
  });

  it('ships every listed file in starter/, and in solution/ exactly the editable ones', async () => {
    const meta = labMetaSchema.parse(await load('lab.ts'));
    for (const file of meta.files) {
      expect(existsSync(join(dir, 'starter', file.path)), `starter/${file.path}`).toBe(true);
      expect(existsSync(join(dir, 'solution', file.path)), `solution/${file.path} (only editable files belong there)`).toBe(file.editable);
    }
    // The work may sit in any editable file (lab 7's entry is a read-only launcher); TODOs mark it.
    const editable = await Promise.all(meta.files.filter((f) => f.editable).map((f) => readFile(join(dir, 'starter', f.path), 'utf8')));
    expect(editable.some((text) => /(?:\/\/|#) TODO/.test(text)), 'an editable starter file marks the work with TODO comments').toBe(true);
  });

  it('has checks with unique ids, titles and hints', async () => {
    const checks = (await load('checks.ts')) as Check[];
    expect(checks.length).toBeGreaterThan(0);
    expect(new Set(checks.map((c) => c.id)).size).toBe(checks.length);
    for (const check of checks) {
      expect(check.id).toMatch(/^[a-z0-9-]+$/);
      expect(check.title.length).toBeGreaterThan(5);
      expect(check.hint.length).toBeGreaterThan(5);
      expect(typeof check.run).toBe('function');
    }
  });

  it('has a lesson.mdx with a title, h2/h3 headings, tagged code blocks and MDX-safe prose', async () => {
    const lesson = await readFile(join(dir, 'lesson.mdx'), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(lesson);
    expect(front, 'frontmatter').not.toBeNull();
    expect(front![1]).toMatch(/^title: \S.*$/m);
    const body = lesson.slice(front![0].length);
    const prose = proseOnly(body);
    expect(prose.match(/^#{1}\s.*$|^#{4,}\s.*$/gm) ?? [], 'the page has the h1; lessons use ## and ###').toEqual([]);
    const fences = body.match(/^```.*$/gm) ?? [];
    const openings = fences.filter((_, i) => i % 2 === 0);
    expect(fences.length % 2, 'every code block is closed').toBe(0);
    expect(openings.filter((line) => line === '```'), 'every code block names its language').toEqual([]);
    expect(prose.match(/[{}]|<(?![A-Za-z/])/g) ?? [], 'braces and a bare < start MDX syntax; put them in `code`').toEqual([]);
  });
});
