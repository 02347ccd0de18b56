// The instruments in a real browser: a recorded run on a static copy of the site (synthetic, from
// instruments-fixture.ts), then live against the real playground: lab 1's solution under simulated
// short-polling clients shows empty answers; lab 6 with proxy_read_timeout below the app's timeout shows
// 504s on the timeline, in the timeout chain's Try it and in nginx's access log. Outcomes are read from
// the accessible summary and data attributes, never from pixels; screenshots are kept in test-results/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Recording } from '../../server/contracts/instruments.ts';
import { chromiumOptions } from '../helpers/browser.ts';
import { projectRoot, startPlaygroundProcess, type RunningPlayground } from '../helpers/playground-process.ts';
import { syntheticRecording } from './instruments-fixture.ts';
import { watchPage, type PageWatch } from './page-watch.ts';
import { serveStatic } from './static-server.ts';

const clientDir = join(projectRoot, 'dist', 'client');
const artifacts = join(projectRoot, 'test-results');
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(clientDir, 'index.html'))) throw new Error('dist/client is missing: run `npm run build` first');
  await mkdir(artifacts, { recursive: true });
  browser = await chromium.launch(chromiumOptions);
});

afterAll(async () => {
  await browser?.close();
});

async function newPage(theme: 'light' | 'dark' = 'light'): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: theme });
  const page = await context.newPage();
  return { context, page, watch: watchPage(page) };
}

/** Outcome totals the timeline counted since the page opened (its data-totals attribute). */
async function totals(page: Page): Promise<Record<string, number>> {
  return JSON.parse((await page.locator('[data-timeline]').getAttribute('data-totals')) ?? '{}') as Record<string, number>;
}

describe('a recorded run on a static copy of the site', () => {
  let site: Awaited<ReturnType<typeof serveStatic>>;
  beforeAll(async () => { site = await serveStatic(clientDir); });
  afterAll(async () => { await site?.close(); });

  test.each(['light', 'dark'] as const)('replays the timeline, the counters and the terminal (%s theme)', async (theme) => {
    const { context, page, watch } = await newPage(theme);
    const recording: Recording = syntheticRecording({ lab: 'short-polling', clients: 10, mode: 'short', startMs: 1_000_000, durationMs: 15_000 });
    await page.route('**/labs/short-polling/recording.json', (route) => route.fulfill({ json: recording }));
    await page.goto(`${site.url}/labs/short-polling/`);
    await expect.poll(() => page.locator('[data-instruments]').getAttribute('data-state'), { timeout: 30_000 }).toBe('recorded');
    // Without a playground the recorded run is the story, so its tab opens by itself.
    expect(await page.getByRole('tab', { name: 'Instruments', exact: true }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.locator('[data-timeline-summary]').textContent(), { timeout: 5000 })
      .toBe('Whole run: 150 requests, 20 with data, 130 empty; 2 publishes.');
    expect(await totals(page)).toEqual({ empty: 130, data: 20 });
    expect(await page.getByRole('button', { name: 'Start clients' }).count()).toBe(0);
    expect(await page.getByRole('tab', { name: 'Timeout chain', exact: true }).count()).toBe(0);
    expect(await page.locator('[data-recording-caption]').textContent()).toBe(recording.caption);
    expect(await page.locator('[data-recording-terminal]').textContent()).toContain('node poller.ts');
    await page.locator('#workbench').screenshot({ path: join(artifacts, `instruments-recorded-${theme}.png`) });

    await page.getByRole('tab', { name: 'Clients', exact: true }).click();
    const table = page.getByRole('table', { name: /Counters of the short-polling run/ });
    expect(await table.getByRole('row', { name: /Empty answers/ }).textContent()).toContain('130 (87 %)');
    // Lab 1 has no lag meter; the counters and timeline are what its recording shows.
    expect(await page.getByRole('tab', { name: 'Lag', exact: true }).count()).toBe(0);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  test('1,000 clients fit the canvas: every lane is drawn, compressed into the rows there are', async () => {
    const { context, page, watch } = await newPage();
    const recording = syntheticRecording({ lab: 'comet', clients: 1000, mode: 'long', startMs: 1_000_000, durationMs: 12_000, publishEveryMs: 4000 });
    await page.route('**/labs/comet/recording.json', (route) => route.fulfill({ json: recording }));
    await page.goto(`${site.url}/labs/comet/`);
    await expect.poll(() => page.locator('[data-instruments]').getAttribute('data-state'), { timeout: 30_000 }).toBe('recorded');
    await expect.poll(() => page.locator('[data-timeline]').getAttribute('data-lanes'), { timeout: 5000 }).toBe('1000');
    expect(await page.locator('[data-timeline-summary]').textContent()).toMatch(/^Whole run: [\d,]+ requests, 2000 with data, 1000 still waiting; 2 publishes\.$/);
    await page.locator('#workbench').screenshot({ path: join(artifacts, 'instruments-1000-clients.png') });
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  test('without a recording, the tab stays closed and says how to see live traffic', async () => {
    const { context, page, watch } = await newPage();
    // What the site ships for a lab without labs/<NN-id>/recording.json.
    await page.route('**/labs/timers/recording.json', (route) => route.fulfill({ json: null }));
    await page.goto(`${site.url}/labs/timers/`);
    await expect.poll(() => page.locator('[data-instruments]').getAttribute('data-state'), { timeout: 30_000 }).toBe('none');
    expect(await page.getByRole('tab', { name: 'Instruments', exact: true }).getAttribute('aria-selected')).toBe('false');
    expect(await page.locator('[data-instruments-note]').textContent()).toMatch(/npm start/);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });
});

describe('live, against the playground', () => {
  let playground: RunningPlayground;
  beforeAll(async () => { playground = await startPlaygroundProcess(); });
  afterAll(async () => { await playground?.stop(); });

  async function openLab(lab: string, files: Record<string, string>): Promise<{ context: BrowserContext; page: Page; watch: PageWatch }> {
    const opened = await newPage();
    const { page } = opened;
    await page.goto(`${playground.url}/labs/${lab}/`);
    await page.waitForFunction(() => Boolean((window as unknown as { __cometlab?: { editor?: unknown } }).__cometlab?.editor), null, { timeout: 30_000 });
    for (const [path, content] of Object.entries(files)) {
      const status = await page.evaluate(async ([url, text]) =>
        (await fetch(url!, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: text }) })).status,
      [`/api/labs/${lab}/files/${path}`, content]);
      expect(status, path).toBe(200);
    }
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => page.locator('[data-app-status]').textContent(), { timeout: 20_000 }).toMatch(/listening on :8999/);
    await page.getByRole('tab', { name: 'Instruments', exact: true }).click();
    await expect.poll(() => page.locator('[data-instruments]').getAttribute('data-state'), { timeout: 15_000 }).toBe('live');
    return opened;
  }

  async function startClients(page: Page, knobs: Record<string, string>): Promise<void> {
    await page.getByRole('tab', { name: 'Clients', exact: true }).click();
    for (const [name, value] of Object.entries(knobs)) {
      const field = page.locator(`[data-clients-form] [name="${name}"]`);
      if (await field.evaluate((element) => element.tagName === 'SELECT')) await field.selectOption(value);
      else await field.fill(value);
    }
    await page.getByRole('button', { name: 'Start clients' }).click();
    await expect.poll(() => page.locator('[data-clients]').getAttribute('data-run-state'), { timeout: 10_000 }).toBe('running');
  }

  test('lab 1: simulated short-polling clients get mostly empty answers, drawn and counted', async () => {
    const lab1 = join(projectRoot, 'labs', '01-short-polling', 'solution');
    const { context, page, watch } = await openLab('short-polling', { 'server.ts': await readFile(join(lab1, 'server.ts'), 'utf8') });
    // The instrument tabs work from the keyboard.
    await page.getByRole('tab', { name: 'Timeline', exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'Clients', exact: true }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowLeft');
    expect(await page.getByRole('tab', { name: 'Timeline', exact: true }).getAttribute('aria-selected')).toBe('true');

    await startClients(page, { clients: '5', mode: 'short', intervalMs: '500', durationS: '6', publishEveryMs: '2000' });
    await page.getByRole('tab', { name: 'Timeline', exact: true }).click();
    await expect.poll(async () => (await totals(page)).empty ?? 0, { timeout: 20_000 }).toBeGreaterThan(10);
    await expect.poll(() => page.locator('[data-timeline-summary]').textContent(), { timeout: 10_000 }).toMatch(/^Last 10 s: \d+ requests, .*\d+ empty/);
    expect(Number(await page.locator('[data-timeline]').getAttribute('data-lanes'))).toBeGreaterThanOrEqual(5);

    // Keyboard on the canvas: step to a request, read its timings, Enter fetches its heads.
    await page.locator('.timeline-canvas').focus();
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('[data-timeline-picked]').textContent()).toMatch(/^[\w-]+: (GET|POST) \//);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-timeline-heads]').textContent(), { timeout: 10_000 }).toMatch(/Request(GET|POST) \/[^]*ResponseHTTP\/1\.1 \d{3}/);
    await page.locator('#workbench').screenshot({ path: join(artifacts, 'instruments-lab1-timeline.png') });

    await page.getByRole('tab', { name: 'Clients', exact: true }).click();
    await expect.poll(() => page.locator('[data-clients]').getAttribute('data-run-state'), { timeout: 20_000 }).toBe('finished');
    const table = page.getByRole('table', { name: /Counters of the short-polling run/ });
    expect(await table.getByRole('row', { name: /Requests per second/ }).textContent()).toMatch(/\d+(\.\d)? \/s/);
    expect(await table.getByRole('row', { name: /Empty answers/ }).textContent()).toMatch(/\d+ \(\d+ %\)/);
    await page.locator('#workbench').screenshot({ path: join(artifacts, 'instruments-lab1-clients.png') });

    await page.getByRole('tab', { name: 'Inspector', exact: true }).click();
    await expect.poll(() => page.locator('[data-inspector-list] tbody tr').count(), { timeout: 5000 }).toBeGreaterThan(0);
    await page.locator('[data-inspector-list] tbody tr').first().getByRole('button').click();
    await expect.poll(() => page.locator('[data-inspector-detail]').textContent(), { timeout: 10_000 }).toMatch(/Request[^]*GET \/poll/);
    expect(watch.problems()).toEqual([]);
    await context.close();
  });

  test('lab 6: nginx giving up before the app shows as 504 on the timeline, in Try it and in its log', async () => {
    const lab6 = join(projectRoot, 'labs', '06-nginx');
    const { context, page, watch } = await openLab('nginx', {
      'server.ts': await readFile(join(lab6, 'solution', 'server.ts'), 'utf8'),
      // The starter's proxy_read_timeout (2 s) is below the app's 3 s poll timeout.
      'nginx.conf': await readFile(join(lab6, 'starter', 'nginx.conf'), 'utf8'),
    });
    // The nginx panel's Reload starts nginx when it is not running, after `nginx -t`.
    await page.getByRole('tab', { name: 'nginx', exact: true }).click();
    await page.getByRole('button', { name: 'Reload nginx' }).click();
    await expect.poll(() => page.locator('[data-nginx-status]').textContent(), { timeout: 20_000 }).toMatch(/nginx -t found no error/);
    await expect.poll(() => page.locator('[data-service-status="nginx"]').getAttribute('data-state'), { timeout: 20_000 }).toBe('running');

    await startClients(page, { clients: '3', mode: 'long', target: 'nginx', timeoutS: '10', durationS: '5', publishEveryMs: '0' });
    await page.getByRole('tab', { name: 'Timeline', exact: true }).click();
    await expect.poll(async () => (await totals(page))['gateway-timeout'] ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-timeline-summary]').textContent(), { timeout: 10_000 }).toMatch(/\d+ 504/);
    await page.locator('#workbench').screenshot({ path: join(artifacts, 'instruments-lab6-timeline.png') });

    await page.getByRole('tab', { name: 'Timeout chain', exact: true }).click();
    expect(await page.locator('[data-chain]').getAttribute('data-predicted')).toBe('gateway-timeout');
    expect(await page.locator('[data-chain-prediction-text]').textContent()).toMatch(/504 Gateway Time-out after 2 s/);
    await page.getByRole('button', { name: 'Try it' }).click();
    await expect.poll(() => page.locator('[data-chain]').getAttribute('data-actual'), { timeout: 20_000 }).toBe('gateway-timeout');
    await page.locator('#workbench').screenshot({ path: join(artifacts, 'instruments-lab6-chain.png') });

    await page.getByRole('tab', { name: 'nginx', exact: true }).click();
    await expect.poll(() => page.locator('[data-access-log] tbody tr[data-status="504"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-nginx-diff]').textContent()).toContain('the same as the lab\'s default');
    await page.locator('#workbench').screenshot({ path: join(artifacts, 'instruments-lab6-nginx.png') });
    expect(watch.problems()).toEqual([]);
    await context.close();
  });
});
