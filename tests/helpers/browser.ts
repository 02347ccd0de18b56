// How tests and benchmarks start Debian's Chromium: never a downloaded browser, and no background
// networking (this machine reaches nothing but loopback and package registries).
import type { LaunchOptions } from 'playwright-core';

export const chromiumOptions: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
};
