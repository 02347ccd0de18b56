import { defineConfig } from 'vitest/config';

// Three projects, cheapest first: unit (pure logic, no processes), integration (real server, sandbox,
// pty, nginx) and e2e (real Chromium). Integration and e2e files run one at a time: they start real
// sandboxes and a 2-core machine is the target.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], fileParallelism: false, testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000 } },
    ],
  },
});
