// The site's pages as a reader without JavaScript sees them, the 404 page, the lab page on a static
// host (no playground behind it): starter code read-only and how to run the lab locally, and the lab page
// of a playground whose sandbox is missing or partial, which must say so.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { chromiumOptions } from '../helpers/browser.ts';
import { newDataDir, projectRoot, startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { startPlayground } from '../../server/playground.ts';
import { BwrapLauncher, PlainLauncher, type Launcher } from '../../server/sandbox/index.ts';
import { serveStatic } from './static-server.ts';
import { watchPage } from './page-watch.ts';

const clientDir = join(projectRoot, 'dist', 'client');
const artifacts = join(projectRoot, 'test-results');
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

describe('where the code runs, on the lab page', () => {
  /** The lab page of a playground with this launcher, in one theme; returns the banner's text. */
  async function labPageWith(launcher: Launcher, theme: 'light' | 'dark', screenshot: string) {
    const dataDir = await newDataDir();
    const served = await startPlayground({ host: '127.0.0.1', port: 0, dataDir, launcher, log: () => undefined });
    const context = await browser.newContext({ colorScheme: theme, viewport: { width: 1400, height: 900 } });
    try {
      const page = await context.newPage();
      const watch = watchPage(page);
      await page.goto(`${served.url}/labs/short-polling/`);
      const banner = page.locator('[data-sandbox-banner]');
      await banner.waitFor({ state: 'visible', timeout: 30_000 });
      await mkdir(artifacts, { recursive: true });
      await page.locator('#workbench').screenshot({ path: join(artifacts, `${screenshot}-${theme}.png`) });
      const box = (await banner.boundingBox())!;
      expect(box.height).toBeLessThan(110);
      expect(watch.problems()).toEqual([]);
      return {
        role: await banner.getAttribute('role'),
        text: await banner.innerText(),
        badge: await page.locator('[data-sandbox-status]').innerText(),
      };
    } finally {
      await context.close();
      await served.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  test.each(['light', 'dark'] as const)('the plain launcher gets a banner: code runs as you, unsandboxed, and why (%s)', async (theme) => {
    const reason = 'NOT A SANDBOX: learner code runs as root with full access to this machine, no limits (bubblewrap: this test chose the plain launcher)';
    const seen = await labPageWith(new PlainLauncher({ kind: 'plain', sandboxed: false, reason }), theme, 'sandbox-banner-plain');
    expect(seen.role).toBe('alert');
    expect(seen.text).toMatch(/^Not sandboxed\. Your code runs as you, unsandboxed/);
    expect(seen.text).toContain(reason);
    expect(seen.badge).toBe('⚠ NOT sandboxed (plain launcher)');
  });

  test.each(['light', 'dark'] as const)('a sandbox with limits not in force names them (%s)', async (theme) => {
    const launcher = new BwrapLauncher({
      kind: 'bwrap', sandboxed: true, reason: 'bubblewrap sandbox: own namespaces. NOT IN FORCE: no memory limit: cgroup v2 not delegated',
      checks: [
        { feature: 'sandbox', ok: true, detail: 'own namespaces' },
        { feature: 'cgroup-memory', ok: false, detail: 'no memory limit: cgroup v2 not delegated' },
      ],
    });
    const seen = await labPageWith(launcher, theme, 'sandbox-banner-partial');
    expect(seen.role).toBe('status');
    expect(seen.text).toMatch(/^Sandboxed; not in force: memory limit\.\s+no memory limit: cgroup v2 not delegated$/);
    expect(seen.badge).toBe('Sandboxed (bwrap), 1 limit off');
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
