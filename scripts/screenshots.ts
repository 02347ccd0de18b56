// Takes the README's and the lessons' instrument screenshots from live traffic: a real playground, the
// reference solutions, Debian's Chromium. Run after a build: node scripts/screenshots.ts [out-dir]
// (default site/public/screenshots). Waits on what the page says, never on fixed sleeps alone.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumOptions } from '../tests/helpers/browser.ts';
import { projectRoot, startPlaygroundProcess } from '../tests/helpers/playground-process.ts';

const out = process.argv[2] ?? join(projectRoot, 'site', 'public', 'screenshots');
const labFile = (path: string) => readFile(join(projectRoot, 'labs', path), 'utf8');

async function openLab(browser: Browser, base: string, lab: string, files: Record<string, string>): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, colorScheme: 'light' });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${base}/labs/${lab}/`);
  await page.waitForFunction(() => Boolean((window as { __cometlab?: { editor?: unknown } }).__cometlab?.editor));
  for (const [path, content] of Object.entries(files)) {
    const saved = await page.evaluate(async ([url, body]) => (await fetch(url!, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: body }),
    })).status, [`/api/labs/${lab}/files/${path}`, content]);
    if (saved !== 200) throw new Error(`saving ${path} in ${lab} answered ${saved}`);
  }
  await page.reload();
  await page.waitForFunction(() => Boolean((window as { __cometlab?: { editor?: unknown } }).__cometlab?.editor));
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForFunction(() => /listening/.test(document.querySelector('[data-app-status]')?.textContent ?? ''), null, { timeout: 20_000 });
  await page.getByRole('tab', { name: 'Instruments', exact: true }).click();
  await page.waitForSelector('[data-instruments][data-state="live"]');
  return page;
}

async function startClients(page: Page, settings: Record<string, string>): Promise<void> {
  await page.getByRole('tab', { name: 'Clients', exact: true }).click();
  for (const [name, value] of Object.entries(settings)) {
    const field = page.locator(`[name="${name}"]`);
    if (name === 'mode') await field.selectOption(value);
    else await field.fill(value);
  }
  await page.getByRole('button', { name: 'Start clients' }).click();
}

const finished = (page: Page) => page.waitForSelector('[data-clients][data-run-state="finished"]', { state: 'attached', timeout: 60_000 });
const shoot = (page: Page, name: string) => page.locator('.wb-panel').screenshot({ path: join(out, name) });

const playground = await startPlaygroundProcess();
const browser = await chromium.launch(chromiumOptions);
try {
  // Lab 1: ten short-polling clients on a quiet feed: mostly empty answers.
  const one = await openLab(browser, playground.url, 'short-polling', { 'server.ts': await labFile('01-short-polling/solution/server.ts') });
  await startClients(one, { clients: '10', mode: 'short', intervalMs: '1000', durationS: '12', publishEveryMs: '5000' });
  await one.getByRole('tab', { name: 'Timeline', exact: true }).click();
  await finished(one);
  await shoot(one, 'lesson-short-polling-timeline.png');
  await one.close();

  // Lab 2: the starter's blocking sleep under three long polls: a spike outside and inside.
  const two = await openLab(browser, playground.url, 'blocking-sleep', {});
  await two.getByRole('tab', { name: 'Lag', exact: true }).click();
  await two.getByRole('button', { name: 'Measure lag' }).click();
  await startClients(two, { clients: '3', mode: 'long', timeoutS: '1', durationS: '6', publishEveryMs: '0' });
  await finished(two);
  await two.getByRole('tab', { name: 'Lag', exact: true }).click();
  await two.waitForFunction(() => /outside up to \d{3,}/.test(document.querySelector('[data-lag-status]')?.textContent ?? ''), null, { timeout: 20_000 });
  await shoot(two, 'lesson-blocking-sleep-lag.png');
  await two.close();

  // Lab 4: polling against comet on the same feed.
  const four = await openLab(browser, playground.url, 'comet', { 'server.ts': await labFile('04-comet/solution/server.ts') });
  await startClients(four, { clients: '24', mode: 'compare', intervalMs: '1000', timeoutS: '10', durationS: '20', publishEveryMs: '3000' });
  await four.getByRole('tab', { name: 'Timeline', exact: true }).click();
  await finished(four);
  await four.getByRole('button', { name: 'Pause' }).click();
  await shoot(four, 'instruments-timeline.png');
  await four.getByRole('tab', { name: 'Clients', exact: true }).click();
  await shoot(four, 'instruments-clients.png');
  await four.close();

  // Lab 6: the starter's nginx gives up before the app: a 504, predicted and real.
  const six = await openLab(browser, playground.url, 'nginx', {
    'server.ts': await labFile('06-nginx/solution/server.ts'),
    'nginx.conf': await labFile('06-nginx/starter/nginx.conf'),
  });
  await six.getByRole('tab', { name: 'nginx', exact: true }).click();
  await six.getByRole('button', { name: 'Reload nginx' }).click();
  await six.waitForFunction(() => /no error/.test(document.querySelector('[data-nginx-status]')?.textContent ?? ''), null, { timeout: 20_000 });
  await six.getByRole('tab', { name: 'Timeout chain', exact: true }).click();
  await six.getByRole('button', { name: 'Try it' }).click();
  await six.waitForSelector('[data-chain][data-actual]', { timeout: 20_000 });
  await shoot(six, 'instruments-chain.png');
  await six.close();
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await playground.stop();
}
