// Lab 1 in a real browser against the real playground: the shell answers, the solution passes every
// check once run, the starter fails with "Expected … / Saw …", and the page stays clean (no console
// errors, nothing fetched from outside the machine).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromiumOptions } from '../helpers/browser.ts';
import { projectRoot, startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { watchPage, type PageWatch } from './page-watch.ts';

/** What the workbench exposes on window.__cometlab, as far as these tests use it. */
interface Handles {
  term: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } };
  editor: {
    setValue(text: string): void;
    getValue(): string;
    setPosition(position: { lineNumber: number; column: number }): void;
    focus(): void;
    revealLineInCenter(line: number): void;
    trigger(source: string, handlerId: string, payload: unknown): void;
  };
  problems(): Array<{ path: string; line: number; message: string }>;
}
/** Functions passed to page.evaluate run in the page and cannot share helpers, hence this cast inline. */
type W = { __cometlab: Handles };

const labDir = join(projectRoot, 'labs', '01-short-polling');
let playground: RunningPlayground;
let browser: Browser;
let page: Page;
let watch: PageWatch;

async function terminalLines(): Promise<string[]> {
  return page.evaluate(() => {
    const buffer = (window as unknown as W).__cometlab.term.buffer.active;
    return Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? '');
  });
}

async function setEditorText(text: string): Promise<void> {
  await page.evaluate((value) => (window as unknown as W).__cometlab.editor.setValue(value), text);
  await expect.poll(() => page.locator('[data-save-status]').textContent(), { timeout: 10_000 }).toBe('Saved');
}

async function checkSummary(): Promise<{ passed: number; total: number }> {
  await page.getByRole('button', { name: 'Check my work', exact: true }).click();
  const summary = page.locator('.checks-summary');
  await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toMatch(/^\d+ of \d+ checks? pass/);
  const [, passed, total] = /^(\d+) of (\d+)/.exec((await summary.textContent()) ?? '')!;
  return { passed: Number(passed), total: Number(total) };
}

beforeAll(async () => {
  playground = await startPlaygroundProcess();
  browser = await chromium.launch(chromiumOptions);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
  page = await context.newPage();
  watch = watchPage(page);
  await page.goto(`${playground.url}/labs/short-polling/`);
  await page.waitForFunction(() => Boolean((window as unknown as Partial<W>).__cometlab?.term && (window as unknown as Partial<W>).__cometlab?.editor), null, { timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

describe('lab 1 workbench', () => {
  test('labels its editor and terminal, and shows the sandbox status', async () => {
    await expect.poll(() => page.getByRole('region', { name: 'Code editor' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('region', { name: 'Terminal' }).isVisible()).toBe(true);
    for (const name of ['Run', 'Stop', 'Check my work', 'Reset', 'Show solution']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    }
    expect(await page.locator('[data-sandbox-status]').textContent()).toMatch(/sandboxed/i);
  });

  test('the file and panel tabs work from the keyboard', async () => {
    const panels = page.getByRole('tablist', { name: 'Panels' });
    await panels.getByRole('tab', { name: 'Terminal', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Server output' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#panel-output').isVisible()).toBe(true);
    await page.keyboard.press('ArrowLeft');
    expect(await panels.getByRole('tab', { name: 'Terminal', exact: true }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#panel-output').isVisible()).toBe(false);
  });

  test('the terminal runs a command in the sandbox', async () => {
    await page.getByRole('region', { name: 'Terminal' }).click();
    await page.keyboard.type('echo hi');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await terminalLines()).map((line) => line.trim()), { timeout: 15_000 }).toContain('hi');
  });

  test('when the shell exits, "New terminal" opens a fresh one', async () => {
    await page.getByRole('region', { name: 'Terminal' }).click();
    await page.keyboard.type('exit');
    await page.keyboard.press('Enter');
    const again = page.getByRole('button', { name: 'New terminal', exact: true });
    await expect.poll(() => again.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('[data-terminal-ended]').innerText()).toMatch(/exited with code 0/);
    await again.click();
    await page.keyboard.type('echo again');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await terminalLines()).map((line) => line.trim()), { timeout: 15_000 }).toContain('again');
    expect(await again.isVisible()).toBe(false);
  });

  test('the editor knows Node types: no errors on the starter or the solution', async () => {
    for (const which of ['starter', 'solution']) {
      await setEditorText(await readFile(join(labDir, which, 'server.ts'), 'utf8'));
      // Diagnostics arrive a moment after the text; a deliberate error proves they do arrive at all.
      await page.evaluate(() => (window as unknown as W).__cometlab.editor.setValue(`${(window as unknown as W).__cometlab.editor.getValue()}\nconst wrong: number = 'text';\n`));
      await expect.poll(() => page.evaluate(() => (window as unknown as W).__cometlab.problems().map((p) => p.message)), { timeout: 20_000 })
        .toContain("Type 'string' is not assignable to type 'number'.");
      await setEditorText(await readFile(join(labDir, which, 'server.ts'), 'utf8'));
      await expect.poll(() => page.evaluate(() => (window as unknown as W).__cometlab.problems()), { timeout: 20_000 }).toEqual([]);
    }
  });

  test('the editor knows what Node 24 runs: ES2024 library calls are not errors', async () => {
    const modern = "const last: number | undefined = [1, 2].at(-1);\nconst spaced: string = 'a-b'.replaceAll('-', ' ');\n"
      + "const grouped = Object.groupBy([1, 2, 3], (n) => (n % 2 ? 'odd' : 'even'));\nconst wrong: number = 'text';\nexport { last, spaced, grouped, wrong };\n";
    await setEditorText(modern);
    // The deliberate error shows the diagnostics ran; it must be the only one.
    await expect.poll(() => page.evaluate(() => (window as unknown as W).__cometlab.problems().map((p) => p.message)), { timeout: 20_000 })
      .toEqual(["Type 'string' is not assignable to type 'number'."]);
  });

  test('the solution, once running, passes every check', async () => {
    await setEditorText(await readFile(join(labDir, 'solution', 'server.ts'), 'utf8'));
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => page.locator('[data-app-status]').textContent(), { timeout: 20_000 }).toMatch(/listening on :8999/);
    expect(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(true);
    const { passed, total } = await checkSummary();
    expect(total).toBeGreaterThan(0);
    expect(passed).toBe(total);
    expect(await page.getByRole('tab', { name: /Checks/ }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('.check[data-status="pass"]').count()).toBe(total);
    await mkdir(join(projectRoot, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test-results', 'lab1.png') });
  });

  test('the course index shows the lab as done once every check passed', async () => {
    const course = await page.context().newPage();
    try {
      await course.goto(`${playground.url}/labs/`);
      const badge = course.locator('[data-lab="short-polling"] [data-progress]');
      await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Done');
      expect(await badge.isVisible()).toBe(true);
      expect(await course.locator('[data-lab="comet"] [data-progress]:visible').count()).toBe(0);
    } finally {
      await course.close();
    }
  });

  test('the starter fails a check and says what it expected and saw', async () => {
    await setEditorText(await readFile(join(labDir, 'starter', 'server.ts'), 'utf8'));
    const { passed, total } = await checkSummary();
    expect(passed).toBeLessThan(total);
    const failed = page.locator('.check[data-status="fail"]').first();
    const text = (await failed.textContent()) ?? '';
    expect(text).toContain('Fail');
    expect(text).toContain('Expected');
    expect(text).toContain('Saw');
  });

  test('failing checks point to progressive hints, opened one at a time', async () => {
    const hints = page.locator('#hints');
    expect(await hints.getByText('Hint 2 of 4').isVisible()).toBe(false);
    await page.getByRole('link', { name: 'the hints below the lesson' }).click();
    await expect.poll(() => hints.locator('details').first().getAttribute('open')).toBe('');
    expect(await hints.getByText('Hint 2 of 4').isVisible()).toBe(true);
    expect(await hints.getByText('Hint 3 of 4').isVisible()).toBe(false);
    await hints.getByText('Hint 2 of 4').click();
    expect(await hints.locator('code').first().isVisible()).toBe(true);
  });

  test('Stop stops the running app', async () => {
    expect(await page.locator('[data-app-status]').textContent()).toMatch(/listening on :8999/);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => page.locator('[data-app-status]').textContent(), { timeout: 10_000 }).toMatch(/stopped|exited/);
    expect(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(false);
  });

  test('Reset asks first, then brings the starter back', async () => {
    await setEditorText('// scratch\n');
    let question = '';
    page.once('dialog', (dialog) => { question = dialog.message(); void dialog.accept(); });
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    const starter = await readFile(join(labDir, 'starter', 'server.ts'), 'utf8');
    await expect.poll(() => page.evaluate(() => (window as unknown as W).__cometlab.editor.getValue()), { timeout: 10_000 }).toBe(starter);
    expect(question).toBe('Reset server.ts to the starting point? Your changes will be lost.');
  });

  test('`lab reset --yes` in the terminal brings the starter back into the open editor', async () => {
    await setEditorText('// typed, then reset from the terminal\n');
    await page.getByRole('tablist', { name: 'Panels' }).getByRole('tab', { name: 'Terminal', exact: true }).click();
    await page.getByRole('region', { name: 'Terminal' }).click();
    await page.keyboard.type('lab reset --yes');
    await page.keyboard.press('Enter');
    const starter = await readFile(join(labDir, 'starter', 'server.ts'), 'utf8');
    await expect.poll(() => page.evaluate(() => (window as unknown as W).__cometlab.editor.getValue()), { timeout: 15_000 }).toBe(starter);
    await expect.poll(async () => (await terminalLines()).join('\n'), { timeout: 5_000 }).toMatch(/an open lab page shows them too/);
  });

  test('Show solution compares my code with the solution, and Back returns to editing', async () => {
    await setEditorText(await readFile(join(labDir, 'starter', 'server.ts'), 'utf8'));
    const show = page.getByRole('button', { name: 'Show solution', exact: true });
    await show.click();
    const diff = page.locator('.monaco-diff-editor');
    await expect.poll(() => diff.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => diff.locator('.line-insert, .line-delete').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-editor-note]').innerText()).toMatch(/to the solution/);
    await page.getByRole('button', { name: 'Back to my code', exact: true }).click();
    await expect.poll(() => diff.isVisible()).toBe(false);
    expect(await show.isVisible()).toBe(true);
    await setEditorText(`${await readFile(join(labDir, 'starter', 'server.ts'), 'utf8')}// still editable\n`);
  });

  test('hovering a Node API shows its type from @types/node', async () => {
    const starter = await readFile(join(labDir, 'starter', 'server.ts'), 'utf8');
    await setEditorText(starter);
    const lines = starter.split('\n');
    const line = lines.findIndex((text) => /createServer\(/.test(text));
    const column = lines[line]!.indexOf('createServer(') + 3;
    await page.evaluate(([lineNumber, column]) => {
      const { editor } = (window as unknown as W).__cometlab;
      editor.setPosition({ lineNumber, column });
      editor.revealLineInCenter(lineNumber);
      editor.focus();
      editor.trigger('test', 'editor.action.showHover', {});
    }, [line + 1, column]);
    // The signature and the documentation both come from @types/node.
    await expect.poll(() => page.locator('.markdown-hover').allInnerTexts().then((texts) => texts.join('\n')), { timeout: 20_000 })
      .toMatch(/createServer<[^]*requestListener\?: RequestListener[^]*Returns a new instance of/);
    await page.keyboard.press('Escape');
  });

  test('completion offers the members of a Node type', async () => {
    const text = `${await readFile(join(labDir, 'starter', 'server.ts'), 'utf8')}\nconst probe = createServer();\nprobe.lis`;
    await setEditorText(text);
    const lines = text.split('\n');
    await page.evaluate(([lineNumber, column]) => {
      const { editor } = (window as unknown as W).__cometlab;
      editor.setPosition({ lineNumber, column });
      editor.revealLineInCenter(lineNumber);
      editor.focus();
      editor.trigger('test', 'editor.action.triggerSuggest', {});
    }, [lines.length, lines.at(-1)!.length + 1]);
    await expect.poll(() => page.locator('.suggest-widget .monaco-list-row').allInnerTexts(), { timeout: 20_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^listen/), expect.stringMatching(/^listeners/)]));
    await page.keyboard.press('Escape');
  });

  test('an edit survives a reload of the page', async () => {
    const text = `${await readFile(join(labDir, 'starter', 'server.ts'), 'utf8')}\n// kept across a reload\n`;
    await setEditorText(text);
    await page.reload();
    await page.waitForFunction(() => Boolean((window as unknown as Partial<W>).__cometlab?.editor), null, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as W).__cometlab.editor.getValue())).toBe(text);
  });

  test('nothing went wrong on the page', () => {
    expect(watch.problems()).toEqual([]);
  });
});

// Last, because it takes the playground down (the page then logs failed requests, as it should).
describe('when the playground goes away for a moment', () => {
  test('an edit made meanwhile is kept and saved once it is back', async () => {
    const port = Number(new URL(playground.url).port);
    await playground.stop();
    const text = `// typed while the playground was down\nexport const at = ${Date.now()};\n`;
    await page.evaluate((value) => (window as unknown as W).__cometlab.editor.setValue(value), text);
    await expect.poll(() => page.locator('[data-save-status]').textContent(), { timeout: 10_000 }).toMatch(/^Not saved/);
    playground = await startPlaygroundProcess({ dataDir: playground.dataDir, port });
    await expect.poll(() => page.locator('[data-save-status]').textContent(), { timeout: 20_000 }).toBe('Saved');
    const detail = await (await fetch(`${playground.url}/api/labs/short-polling`)).json() as { files: Array<{ path: string; content: string }> };
    expect(detail.files.find((file) => file.path === 'server.ts')?.content).toBe(text);
  });
});
