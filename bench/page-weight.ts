// JavaScript a page ships, gzip-compressed: what its HTML loads up front, and (for a lab page) all the
// JavaScript Chromium fetches once the workbench is fully up, Monaco and its workers included.
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { chromiumOptions } from '../tests/helpers/browser.ts';

async function gzipSize(url: string): Promise<number> {
  const body = Buffer.from(await (await fetch(url)).arrayBuffer());
  return gzipSync(body, { level: 9 }).length;
}

/** Scripts referenced by the HTML itself (module scripts and their preloads, inline ones too). */
export async function upFrontJs(baseUrl: string, path: string): Promise<number> {
  const html = await (await fetch(`${baseUrl}${path}`)).text();
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) {
    sources.add(new URL(match[1] ?? match[2]!, `${baseUrl}${path}`).href);
  }
  let total = 0;
  for (const [, attributes, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    // Data blocks (type="application/json") are not code; scripts with src were counted above.
    if (/\ssrc=|type="application\/(?:ld\+)?json"/.test(attributes!)) continue;
    total += gzipSync(body!, { level: 9 }).length;
  }
  for (const source of sources) total += await gzipSize(source);
  return total;
}

/** Every JavaScript response while the page loads and settles (workers included), gzip-compressed. */
export async function allJs(baseUrl: string, path: string, ready: string): Promise<number> {
  const browser = await chromium.launch(chromiumOptions);
  try {
    const page = await browser.newPage();
    const urls = new Set<string>();
    page.context().on('response', (response) => {
      if (/javascript/.test(response.headers()['content-type'] ?? '')) urls.add(response.url());
    });
    await page.goto(`${baseUrl}${path}`);
    await page.waitForFunction(ready, undefined, { timeout: 30_000 });
    // The TypeScript worker and the Node typings come after the editor shows; wait until all is fetched.
    await page.waitForLoadState('networkidle');
    let total = 0;
    for (const url of urls) total += await gzipSize(url);
    return total;
  } finally {
    await browser.close();
  }
}
