// Terminal tabs in a real browser against the real playground: a second tab is a second shell, both
// come back after a reload with what they showed, the strip works from the keyboard, and a closed tab's
// shell is gone.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumOptions } from '../helpers/browser.ts';
import { startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { watchPage, type PageWatch } from './page-watch.ts';

interface Handles {
  term?: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } };
}
type W = { __cometlab?: Handles };

let playground: RunningPlayground;
let browser: Browser;
let page: Page;
let watch: PageWatch;

/** The lines the shown terminal displays (scrollback included). */
function shownLines(): Promise<string[]> {
  return page.evaluate(() => {
    const buffer = (window as unknown as W).__cometlab?.term?.buffer.active;
    if (!buffer) return [];
    return Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true).trim() ?? '');
  });
}

const terminalTab = (name: string) => page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab', { name, exact: true });

async function typeInto(name: string, command: string, expected: string): Promise<void> {
  await terminalTab(name).click();
  await expect.poll(() => terminalTab(name).getAttribute('aria-selected')).toBe('true');
  await expect.poll(async () => (await shownLines()).some((line) => /learner@lab/.test(line)), { timeout: 15_000 }).toBe(true);
  await page.getByRole('region', { name: 'Terminal' }).click();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await expect.poll(shownLines, { timeout: 15_000 }).toContain(expected);
}

async function openLab(): Promise<void> {
  await page.goto(`${playground.url}/labs/short-polling/`);
  await page.waitForFunction(() => Boolean((window as unknown as W).__cometlab?.term), null, { timeout: 30_000 });
}

beforeAll(async () => {
  playground = await startPlaygroundProcess();
  browser = await chromium.launch(chromiumOptions);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  watch = watchPage(page);
  await openLab();
});

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

describe('terminal tabs', () => {
  test('a second tab is a second shell; both come back after a reload with their screens', async () => {
    await expect.poll(() => terminalTab('Terminal 1').isVisible(), { timeout: 15_000 }).toBe(true);
    await page.getByRole('button', { name: 'Open another terminal', exact: true }).click();
    await expect.poll(() => terminalTab('Terminal 2').getAttribute('aria-selected'), { timeout: 15_000 }).toBe('true');
    await typeInto('Terminal 2', 'echo "second-$((1 + 1))"', 'second-2');
    await typeInto('Terminal 1', 'echo "first-$((0 + 1))"; sleep 300 &', 'first-1');
    expect(await shownLines()).not.toContain('second-2');

    await page.reload();
    await page.waitForFunction(() => Boolean((window as unknown as W).__cometlab?.term), null, { timeout: 30_000 });
    expect(await page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab').allTextContents()).toEqual(['Terminal 1', 'Terminal 2']);
    // The tab last shown comes back shown, with its screen, and its background job still running.
    await expect.poll(() => terminalTab('Terminal 1').getAttribute('aria-selected'), { timeout: 15_000 }).toBe('true');
    await expect.poll(shownLines, { timeout: 15_000 }).toContain('first-1');
    await typeInto('Terminal 1', 'jobs', '[1]+  Running                 sleep 300 &');
    await terminalTab('Terminal 2').click();
    await expect.poll(shownLines, { timeout: 15_000 }).toContain('second-2');
  });

  test('the strip works from the keyboard, and closing a tab ends its shell', async () => {
    await terminalTab('Terminal 1').focus();
    await page.keyboard.press('ArrowRight');
    expect(await terminalTab('Terminal 2').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await terminalTab('Terminal 1').getAttribute('aria-selected')).toBe('true');

    await page.getByRole('button', { name: 'Close Terminal 2', exact: true }).click();
    await expect.poll(() => page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab').allTextContents()).toEqual(['Terminal 1']);
    await page.reload();
    await page.waitForFunction(() => Boolean((window as unknown as W).__cometlab?.term), null, { timeout: 30_000 });
    expect(await page.getByRole('tablist', { name: 'Terminals' }).getByRole('tab').allTextContents()).toEqual(['Terminal 1']);
  });

  test('when the sandbox dies under the shell, the page says so and the tab gets a fresh shell', async () => {
    await typeInto('Terminal 1', 'echo "doomed=$((2 * 21))"', 'doomed=42');
    await page.keyboard.type('kill -9 $PPID');
    await page.keyboard.press('Enter');
    const notice = page.locator('[data-notice]');
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toMatch(/Your sandbox stopped \(.+\)\. A new one starts/);
    await expect.poll(async () => (await shownLines()).join(''), { timeout: 15_000 }).toMatch(/the sandbox stopped .*starting a new shell/);
    await page.getByRole('region', { name: 'Terminal' }).click();
    await page.keyboard.type('echo "reborn=$((5 * 5))"');
    await page.keyboard.press('Enter');
    await expect.poll(shownLines, { timeout: 20_000 }).toContain('reborn=25');
  });

  test('the page stayed clean', () => {
    expect(watch.problems()).toEqual([]);
  });
});
