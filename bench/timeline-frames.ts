// The lab page's frame times while its timeline draws 1,000 clients: 500 long polls held open and
// released by a publish every 5 s, 500 short polls once a second. The traffic is fed to the page's own
// /ws/instruments socket by the browser's WebSocket routing, so only the page's drawing is measured.
import { chromium } from 'playwright-core';
import { chromiumOptions } from '../tests/helpers/browser.ts';
import { summary } from './stats.ts';

const LAB = 'comet';
const CLIENTS_EACH = 500;
const MEASURE_MS = 10_000;

interface FakeExchange { id: number; lane: string; at: number }

function exchange(e: FakeExchange, endMs: number | null, outcome: string) {
  return {
    ...e, source: 'load', port: 8999, method: 'GET', path: '/poll?since=1&timeout=10', headersMs: endMs, endMs,
    status: endMs === null ? null : 200, outcome, messages: outcome === 'data' ? 1 : 0, bytesIn: 60, bytesOut: 80, error: null,
  };
}

export async function measureTimelineFrames(baseUrl: string): Promise<{ frames: string; over33: number; drawMs: string }> {
  const browser = await chromium.launch(chromiumOptions);
  let feeder: ReturnType<typeof setInterval> | undefined;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.routeWebSocket(/\/ws\/instruments/, (ws) => {
      let lastId = 0;
      const started = Date.now();
      const held = Array.from({ length: CLIENTS_EACH }, (_, c) => ({ id: ++lastId, lane: `l${c}`, at: started }));
      ws.send(JSON.stringify({ type: 'hello', lab: LAB, now: started, exchanges: held.map((e) => exchange(e, null, 'open')), publishes: [], run: null }));
      let tick = 0;
      let lastPublish = started;
      feeder = setInterval(() => {
        tick++;
        const now = Date.now();
        const exchanges = [];
        const publishes = [];
        for (let c = tick % 10; c < CLIENTS_EACH; c += 10) exchanges.push(exchange({ id: ++lastId, lane: `s${c}`, at: now - 5 }, 4, c % 5 === 0 ? 'data' : 'empty'));
        if (now - lastPublish >= 5000) {
          lastPublish = now;
          publishes.push({ at: now, id: tick, waiters: CLIENTS_EACH });
          held.forEach((e, c) => {
            exchanges.push(exchange(e, now - e.at, 'data'));
            held[c] = { id: ++lastId, lane: e.lane, at: now + 3 };
            exchanges.push(exchange(held[c]!, null, 'open'));
          });
        }
        ws.send(JSON.stringify({ type: 'traffic', lab: LAB, exchanges, publishes }));
      }, 100);
    });
    await page.goto(`${baseUrl}/labs/${LAB}/`);
    await page.waitForFunction(() => Boolean((window as { __cometlab?: { editor?: unknown } }).__cometlab?.editor));
    await page.getByRole('tab', { name: 'Instruments', exact: true }).click();
    await page.waitForSelector('[data-instruments][data-state="live"]');
    await page.waitForFunction(() => Number(document.querySelector('[data-timeline]')?.getAttribute('data-lanes')) >= 1000, null, { timeout: 20_000 });
    const intervals = await page.evaluate((measureMs) => new Promise<number[]>((resolve) => {
      const times: number[] = [];
      let last = performance.now();
      const end = last + measureMs;
      const step = (t: number) => {
        times.push(t - last);
        last = t;
        if (t < end) requestAnimationFrame(step);
        else resolve(times);
      };
      requestAnimationFrame(step);
    }), MEASURE_MS);
    const drawMs = await page.locator('[data-timeline]').getAttribute('data-draw-ms');
    return { frames: summary(intervals, 'ms', 1), over33: intervals.filter((ms) => ms > 33.4).length, drawMs: `${drawMs ?? '?'} ms` };
  } finally {
    if (feeder) clearInterval(feeder);
    await browser.close();
  }
}
