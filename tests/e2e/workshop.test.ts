// A workshop in real browsers against the real server (`cometlab workshop`, real sandboxes): an
// instructor and two students, each in a browser context of their own. The students join through the
// join page; one runs "Check my work" and the dashboard shows it; the instructor watches a terminal and
// types in it only once allowed; a broadcast reaches both; a raised hand shows in the help queue; pacing
// locks labs and moves everyone; reset and end ask first; the dashboard shows when it reconnects.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumOptions } from '../helpers/browser.ts';
import { startWorkshopProcess, type RunningWorkshop } from '../integration/workshop-kit.ts';
import { watchPage, type PageWatch } from './page-watch.ts';

/** Long enough for a page load and a sandbox on a busy 2-core machine; expect.poll's own default is 1 s. */
const soon = { timeout: 15_000 };
let workshop: RunningWorkshop;
let browser: Browser;
const contexts: BrowserContext[] = [];
let dashboard: Page;
let dashboardWatch: PageWatch;
let ada: Page;
let grace: Page;

async function newPage(colorScheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme });
  contexts.push(context);
  return context.newPage();
}

async function joinAs(page: Page, name: string): Promise<void> {
  await page.goto(`${workshop.url}/join?code=${workshop.code}`);
  expect(await page.getByLabel('Join code').inputValue()).toBe(workshop.code);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForURL(`${workshop.url}/labs/`);
  await expect.poll(() => page.locator('[data-workshop-banner] .wsb-who').textContent(), soon).toBe(`Workshop · ${name}`);
}

const rosterRow = (name: string) => dashboard.locator('[data-roster] tr', { hasText: name });

beforeAll(async () => {
  workshop = await startWorkshopProcess();
  browser = await chromium.launch(chromiumOptions);
  dashboard = await newPage('dark');
  dashboardWatch = watchPage(dashboard);
  await dashboard.goto(`${workshop.url}/workshop/instructor?token=${workshop.token}`);
  await dashboard.waitForURL(`${workshop.url}/workshop/`);
  await dashboard.locator('[data-state="live"] [data-connection]').waitFor();
  ada = await newPage('light');
  grace = await newPage('dark');
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await workshop?.stop();
});

describe('a workshop seen from three browsers', () => {
  test('the dashboard shows the join code and a QR code of the student URL', async () => {
    expect(await dashboard.locator('[data-join-code]').textContent()).toBe(workshop.code);
    expect(await dashboard.locator('[data-join-url]').getAttribute('href')).toContain(`code=${workshop.code}`);
    expect(await dashboard.locator('[data-qr] svg').count()).toBe(1);
  });

  test('without the instructor’s token the dashboard shows nothing and says how to get in', async () => {
    await ada.goto(`${workshop.url}/workshop/`);
    await expect.poll(() => ada.locator('[data-refused]').isVisible(), soon).toBe(true);
    expect(await ada.locator('[data-connection]').textContent()).toBe('Not signed in');
    expect(await ada.locator('[data-roster] tr').count()).toBe(0);
    expect(await ada.locator('[data-join-code]').textContent()).not.toBe(workshop.code);
  });

  test('a wrong code is refused with the server’s message, on the join page', async () => {
    await ada.goto(`${workshop.url}/join`);
    await ada.getByLabel('Your name').fill('Ada');
    await ada.getByLabel('Join code').fill(workshop.code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA');
    await ada.getByRole('button', { name: 'Join' }).click();
    const error = ada.locator('[data-join-error]');
    await expect.poll(() => error.isVisible(), soon).toBe(true);
    expect((await error.textContent())!.length).toBeGreaterThan(10);
    expect(ada.url()).toContain('/join');
  });

  test('students join and appear on the roster, live', async () => {
    await joinAs(ada, 'Ada');
    await joinAs(grace, 'Grace');
    await expect.poll(() => rosterRow('Ada').count(), soon).toBe(1);
    await expect.poll(() => rosterRow('Grace').count(), soon).toBe(1);
    expect(await dashboard.locator('[data-roster-count]').textContent()).toBe('2');
  });

  test('a student runs Check my work and the dashboard shows the result', async () => {
    await ada.goto(`${workshop.url}/labs/short-polling/`);
    const check = ada.getByRole('button', { name: 'Check my work', exact: true });
    await expect.poll(() => check.isEnabled(), { timeout: 30_000 }).toBe(true);
    await check.click();
    const summary = ada.locator('.checks-summary');
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toMatch(/^\d+ of \d+ checks? pass/);
    const [, passed, total] = /^(\d+) of (\d+)/.exec((await summary.textContent())!)!;
    const chip = rosterRow('Ada').locator('.chip', { hasText: 'Lab 1' });
    await expect.poll(() => chip.count(), soon).toBe(1);
    expect(await chip.locator('.visually-hidden').textContent()).toBe(`Lab 1: ${passed} of ${total}`);
    expect(await rosterRow('Ada').locator('td').nth(1).textContent()).toContain('Short polling');
    expect(await rosterRow('Grace').locator('.chip').count()).toBe(0);
  });

  test('the instructor watches a student’s files and terminal, and types only once the student allows it', async () => {
    const href = await rosterRow('Ada').locator('th a').getAttribute('href');
    const view = await dashboard.context().newPage();
    await view.goto(`${workshop.url}${href}&lab=short-polling`);
    await expect.poll(() => view.locator('[data-student-name]').textContent(), soon).toBe('Ada');
    await expect.poll(() => view.locator('[data-file-text]').textContent(), soon).toContain("from 'node:http'");
    expect(await view.getByRole('button', { name: 'server.ts' }).getAttribute('aria-pressed')).toBe('true');

    const status = view.locator('[data-terminal-status]');
    await expect.poll(() => status.textContent(), soon).toMatch(/^Watching /);
    await ada.getByRole('tab', { name: 'Terminal', exact: true }).click();
    const adaTerminal = ada.locator('[data-terminal] .xterm').first();
    await adaTerminal.click();
    await ada.keyboard.type('echo from-ada-$((6*7))\n');
    const watched = view.locator('[data-terminal-host] .xterm-rows');
    await expect.poll(() => watched.textContent(), soon).toContain('from-ada-42');

    await view.getByRole('button', { name: 'Request control' }).click();
    await expect.poll(() => view.locator('[data-terminal-mode]').textContent(), soon).toBe('control requested');
    const control = view.locator('[data-control-status]');
    await expect.poll(() => control.textContent(), soon).toMatch(/^Asked Ada\. Waiting for them/);
    await expect.poll(() => rosterRow('Ada').locator('.badge.control').textContent(), soon).toBe('L1 control: asked');
    // Until the student answers the view takes no typing (and the server would refuse it: integration tests).
    expect(await view.locator('[data-terminal-host]').getAttribute('aria-label')).toBe("Student's terminal (read-only)");
    await ada.getByRole('button', { name: 'Allow' }).click();
    await expect.poll(() => ada.locator('.wsb-request').textContent(), soon).toMatch(/You let your instructor type/);
    // The open view hears the answer on the dashboard's feed: it takes typing without a reload, and says so.
    await expect.poll(() => view.locator('[data-terminal-mode]').textContent(), soon).toBe('control allowed');
    expect(await control.textContent()).toBe('Ada allowed control: you can type in their terminal now.');
    expect(await control.getAttribute('role')).toBe('status');
    expect(await view.locator('[data-terminal-host]').getAttribute('aria-label')).toBe("Student's terminal (you can type)");
    expect(await view.getByRole('button', { name: 'Request control' }).isVisible()).toBe(false);
    await expect.poll(() => rosterRow('Ada').locator('.badge.control').textContent(), soon).toBe('L1 control: allowed');
    await view.screenshot({ path: 'test-results/workshop-control-allowed.png' });
    await view.locator('[data-terminal-host] .xterm').click();
    await view.keyboard.type('echo from-teacher-$((7*8))\n');
    await expect.poll(() => ada.locator('[data-terminal] .xterm-rows').first().textContent(), soon).toContain('from-teacher-56');
    await view.close();
  });

  test('a broadcast reaches both students', async () => {
    const message = `Five more minutes, then nginx (${Date.now()})`;
    await dashboard.getByLabel('Message', { exact: true }).fill(message);
    await dashboard.getByRole('button', { name: 'Send to everyone' }).click();
    for (const page of [ada, grace]) {
      await expect.poll(() => page.locator('[data-broadcast-text]').textContent(), soon).toBe(message);
    }
  });

  test('a raised hand shows in the help queue until the instructor answers it', async () => {
    await grace.getByRole('button', { name: 'Raise hand' }).click();
    await grace.getByLabel('Your question').fill('My waiters never wake up');
    await grace.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => grace.getByRole('button', { name: 'Hand raised' }).isDisabled(), soon).toBe(true);
    const request = dashboard.locator('[data-help-list] li', { hasText: 'Grace' });
    await expect.poll(() => request.count(), soon).toBe(1);
    expect(await request.textContent()).toContain('My waiters never wake up');
    await expect.poll(() => rosterRow('Grace').locator('.hand').count(), soon).toBe(1);
    await request.getByRole('button', { name: /answered/ }).click();
    await expect.poll(() => request.count(), soon).toBe(0);
    expect(await dashboard.locator('[data-help-empty]').isVisible()).toBe(true);
    // Grace is told, and may raise her hand again.
    await expect.poll(() => grace.getByRole('button', { name: 'Raise hand' }).isEnabled(), soon).toBe(true);
  });

  test('pacing locks later labs on the course page and sends everyone to a lab', async () => {
    await dashboard.getByLabel('Open labs up to').selectOption('2');
    await dashboard.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => dashboard.locator('[data-pace-text]').textContent(), soon).toMatch(/^Labs 1 to 2 are open/);
    await grace.reload();
    await expect.poll(() => grace.locator('[data-lab="timers"] .workshop-lock').count(), soon).toBe(1);
    expect(await grace.locator('[data-lab="blocking-sleep"] .workshop-lock').count()).toBe(0);

    await dashboard.getByLabel('Send everyone to').selectOption('blocking-sleep');
    await dashboard.getByRole('button', { name: 'Go' }).click();
    for (const page of [ada, grace]) await page.waitForURL(`${workshop.url}/labs/blocking-sleep/`, soon);
    // Arriving replays nothing: the page stays where it was sent.
    await expect.poll(() => grace.locator('[data-workshop-banner] .wsb-who').isVisible(), soon).toBe(true);
    expect(grace.url()).toBe(`${workshop.url}/labs/blocking-sleep/`);
  });

  test('resetting a student’s lab asks first, then tells the student on that lab’s page', async () => {
    await rosterRow('Grace').getByRole('button', { name: 'Reset a lab of Grace' }).click();
    const dialog = dashboard.getByRole('dialog', { name: 'Reset a student’s lab' });
    await dialog.waitFor();
    expect(await dialog.locator('[data-reset-student]').textContent()).toBe('Grace');
    await dialog.getByLabel('Lab').selectOption('blocking-sleep');
    await dialog.getByRole('button', { name: 'Reset the lab' }).click();
    await expect.poll(() => grace.locator('[data-workshop-notice]').textContent(), soon).toMatch(/reset this lab/);
    expect(await ada.locator('[data-workshop-notice]').isVisible()).toBe(false);
  });

  test('the dashboard says when it lost the server, and comes back live', async () => {
    await dashboard.context().setOffline(true);
    await expect.poll(() => dashboard.locator('[data-connection]').textContent(), soon).toBe('Reconnecting…');
    await dashboard.context().setOffline(false);
    await expect.poll(() => dashboard.locator('[data-connection]').textContent(), soon).toBe('Live');
  });

  test('ending the workshop asks first, then tells every student', async () => {
    await dashboard.getByRole('button', { name: 'End workshop…' }).click();
    const dialog = dashboard.getByRole('dialog', { name: 'End the workshop?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dashboard.locator('[data-ended]').isVisible()).toBe(false);
    await dashboard.getByRole('button', { name: 'End workshop…' }).click();
    await dialog.getByRole('button', { name: 'End the workshop' }).click();
    await expect.poll(() => dashboard.locator('[data-ended]').isVisible(), soon).toBe(true);
    for (const page of [ada, grace]) {
      await expect.poll(() => page.locator('[data-workshop-notice]').textContent(), soon).toMatch(/workshop has ended/);
    }
  });

  test('the dashboard made no console errors and nothing left the machine', () => {
    // Requests that failed while the test had taken the browser offline are the point of that test.
    expect(dashboardWatch.problems().filter((problem) => !problem.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
});
