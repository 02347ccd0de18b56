// The site: lessons and the lab workbench. Built into dist/ and served by the playground server
// (server/cli.ts imports dist/server/entry.mjs with autostart disabled and uses its handler).
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import mdx from '@astrojs/mdx';
import { lazyCss } from './site/integrations/lazy-css.mjs';

/** In `astro dev` the playground's API and WebSockets ride on Vite's own server. */
const playgroundInDev = {
  name: 'cometlab-playground-dev',
  hooks: {
    'astro:server:setup': async ({ server }) => {
      const { attachPlayground } = await import('./server/dev.ts');
      await attachPlayground(server);
    },
  },
};

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  outDir: './dist',
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  integrations: [mdx(), playgroundInDev, lazyCss()],
  // Astro's dev toolbar would sit over the workbench's terminal.
  devToolbar: { enabled: false },
  markdown: {
    shikiConfig: {
      themes: { light: 'github-light', dark: 'github-dark' },
      defaultColor: false,
      wrap: false,
    },
  },
  vite: {
    // Monaco and the TypeScript worker are large on purpose; they load only on lab pages.
    build: { chunkSizeWarningLimit: 8000 },
  },
});
