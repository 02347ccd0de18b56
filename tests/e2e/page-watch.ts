// Collects what must never happen on our pages: console errors, uncaught exceptions, and requests
// that leave the machine (the site must work offline, every asset served locally).
import type { Page } from 'playwright-core';

export interface PageWatch {
  problems(): string[];
}

const isLocal = (url: string) => {
  const { protocol, hostname } = new URL(url);
  return protocol === 'data:' || protocol === 'blob:' || hostname === '127.0.0.1';
};

export function watchPage(page: Page): PageWatch {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    if (!isLocal(request.url())) problems.push(`request off the machine: ${request.url()}`);
  });
  page.on('websocket', (socket) => {
    if (!isLocal(socket.url().replace(/^ws/, 'http'))) problems.push(`websocket off the machine: ${socket.url()}`);
  });
  return { problems: () => [...problems] };
}
