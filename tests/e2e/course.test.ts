// The whole course in a real browser, as a learner who has solved each lab: for every lab, type the
// solution into the editor file by file, press Check my work (which starts the app and the lab's nginx
// and Redis in the sandbox), and see every check pass; then the course index shows all of them done.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromiumOptions } from '../helpers/browser.ts';
import { projectRoot, startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { labMetaSchema } from '../../server/contracts/lab.ts';

type W = { __cometlab?: { editor?: { setValue(text: string): void } } };

const labsDir = join(projectRoot, 'labs');
const labs = readdirSync(labsDir).filter((name) => /^\d\d-/.test(name)).sort();

let playground: RunningPlayground;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  playground = await startPlaygroundProcess();
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

describe('from lab 1 to lab 8 in the browser', () => {
  test.each(labs)('%s: the solution, typed in, passes every check', async (folder) => {
    const meta = labMetaSchema.parse((await import(join(labsDir, folder, 'lab.ts'))).default);
    await page.goto(`${playground.url}/labs/${meta.id}/`);
    await page.waitForFunction(() => Boolean((window as unknown as W).__cometlab?.editor), null, { timeout: 30_000 });
    for (const file of meta.files.filter((f) => f.editable)) {
      await page.getByRole('tablist', { name: 'Files' }).getByRole('tab', { name: file.path, exact: true }).click();
      const text = await readFile(join(labsDir, folder, 'solution', file.path), 'utf8');
      await page.evaluate((value) => (window as unknown as W).__cometlab!.editor!.setValue(value), text);
      await expect.poll(() => page.locator('[data-save-status]').textContent(), { timeout: 10_000 }).toBe('Saved');
    }
    await page.getByRole('button', { name: 'Check my work', exact: true }).click();
    const summary = page.locator('.checks-summary');
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toMatch(/^\d+ of \d+ checks? pass/);
    const failing = await page.locator('.check:not([data-status="pass"])').allInnerTexts();
    expect(failing).toEqual([]);
    for (const service of meta.services) {
      await expect.poll(() => page.locator(`[data-service-status="${service}"]`).textContent(), { timeout: 10_000 })
        .toMatch(new RegExp(`^${service}: running on :\\d+$`));
    }
  }, 90_000);

  test('the course index shows every lab done', async () => {
    await page.goto(`${playground.url}/labs/`);
    await expect.poll(() => page.locator('[data-progress][data-done="true"]').count(), { timeout: 10_000 }).toBe(labs.length);
  });
});
