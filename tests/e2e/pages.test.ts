// The site's pages as a reader without JavaScript sees them, the 404 page, and the lab page on a
// static host (no playground behind it): starter code read-only and how to run the lab locally.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromiumOptions } from '../helpers/browser.ts';
import { projectRoot, startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { serveStatic } from './static-server.ts';
import { watchPage } from './page-watch.ts';

const clientDir = join(projectRoot, 'dist', 'client');
let playground: RunningPlayground;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(clientDir, 'index.html'))) throw new Error('dist/client is missing: run `npm run build` first');
  playground = await startPlaygroundProcess();
  browser = await chromium.launch(chromiumOptions);
});

afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

describe('pages without JavaScript', () => {
  test.each([
    ['/', /Real-time HTTP, by hand/, /npm start/],
    ['/labs/', /The course/, /Short polling[^]*Behind nginx[^]*Beyond comet/],
    ['/labs/short-polling/', /Short polling/, /short polling/i],
  ])('%s is readable', async (path, heading, body) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto(`${playground.url}${path}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').first().textContent()).toMatch(heading);
    expect(await page.locator('main').innerText()).toMatch(body);
    await context.close();
  });

  test('the lab page shows its lesson and the starter code before any script runs', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${playground.url}/labs/short-polling/`);
    expect((await page.locator('.lesson .prose').innerText()).length).toBeGreaterThan(500);
    expect(await page.locator('.editor-placeholder').innerText()).toContain("from 'node:http'");
    await context.close();
  });

  test('an unknown lab answers 404 with the not-found page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto(`${playground.url}/labs/nope/`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await context.close();
  });
});

describe('pages with JavaScript', () => {
  test('home and course pages load cleanly, with a favicon, in the dark theme', async () => {
    const context = await browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    const watch = watchPage(page);
    for (const path of ['/', '/labs/']) {
      await page.goto(`${playground.url}${path}`);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    }
    expect((await page.request.get(`${playground.url}/favicon.ico`)).status()).toBe(200);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  test('the theme toggle switches and remembers the choice', async () => {
    const context = await browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(`${playground.url}/`);
    const toggle = page.getByRole('button', { name: 'Dark theme' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.goto(`${playground.url}/labs/`);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).toBe('true');
    await context.close();
  });

  test('on a static host the lab is read-only and says how to run it locally', async () => {
    const site = await serveStatic(clientDir);
    const context = await browser.newContext();
    const page = await context.newPage();
    const watch = watchPage(page);
    try {
      await page.goto(`${site.url}/labs/short-polling/`);
      await page.waitForFunction(() => document.querySelector('[data-workbench]')?.getAttribute('data-state') === 'browse', null, { timeout: 30_000 });
      expect(await page.locator('[data-notice]').innerText()).toContain('npm start');
      expect(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled()).toBe(true);
      await expect.poll(() => page.locator('.monaco-editor').count(), { timeout: 30_000 }).toBe(1);
      expect(await page.evaluate(() => (window as unknown as { __cometlab: { editor: { getValue(): string } } }).__cometlab.editor.getValue()))
        .toContain("from 'node:http'");
      expect(watch.problems()).toEqual([]);
    } finally {
      await context.close();
      await site.close();
    }
  });
});

/** The JavaScript a page runs before anything is loaded lazily: its module scripts and their static imports. */
function eagerScripts(pagePath: string): Map<string, number> {
  const html = readFileSync(join(clientDir, pagePath), 'utf8');
  const found = new Map<string, number>();
  const queue = [...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((match) => match[1]!);
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (found.has(url)) continue;
    const source = readFileSync(join(clientDir, url));
    found.set(url, gzipSync(source, { level: 9 }).length);
    for (const match of source.toString('utf8').matchAll(/(?:\bfrom|\bimport)\s*"(\.\/[^"]+\.js)"/g)) {
      queue.push(new URL(match[1]!, `http://x${url}`).pathname);
    }
  }
  return found;
}

describe('what the pages ship', () => {
  const total = (scripts: Map<string, number>) => [...scripts.values()].reduce((sum, bytes) => sum + bytes, 0);

  test.each(['index.html', 'labs/index.html'])('%s runs at most 30 KB of JavaScript (gzip)', (page) => {
    const scripts = eagerScripts(page);
    expect(scripts.size).toBeGreaterThan(0);
    expect(total(scripts)).toBeLessThanOrEqual(30 * 1024);
  });

  test('the lab page paints without Monaco: no Monaco script or stylesheet before the page is up', () => {
    const scripts = eagerScripts('labs/short-polling/index.html');
    expect(total(scripts)).toBeLessThanOrEqual(30 * 1024);
    for (const url of scripts.keys()) expect(readFileSync(join(clientDir, url), 'utf8')).not.toContain('monaco-editor');
    const html = readFileSync(join(clientDir, 'labs/short-polling/index.html'), 'utf8');
    for (const [, href] of html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)) {
      expect(readFileSync(join(clientDir, href!), 'utf8')).not.toContain('.monaco-editor');
    }
  });
});
