// Astro links every stylesheet a page's scripts can reach, even those of chunks the script imports
// lazily, so the lab page's <head> would block first paint on Monaco's CSS. Vite's loader already
// fetches a lazy chunk's CSS when the chunk loads, so this removes those <link>s from built pages.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** CSS files named in a chunk's lazy-dependency table (`__vite__mapDeps`). */
function lazyCssOf(source) {
  const table = /__vite__mapDeps=[^[]*\[([^\]]*)\]/.exec(source)?.[1] ?? '';
  return [...table.matchAll(/"([^"]+\.css)"/g)].map((match) => `/${match[1]}`);
}

async function* htmlFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(path);
    else if (entry.name.endsWith('.html')) yield path;
  }
}

export function lazyCss() {
  return {
    name: 'cometlab-lazy-css',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const client = fileURLToPath(dir);
        const assets = join(client, '_astro');
        const lazy = new Set();
        for (const name of await readdir(assets).catch(() => [])) {
          if (name.endsWith('.js')) for (const css of lazyCssOf(await readFile(join(assets, name), 'utf8'))) lazy.add(css);
        }
        if (lazy.size === 0) return;
        let changed = 0;
        for await (const file of htmlFiles(client)) {
          const html = await readFile(file, 'utf8');
          const next = html.replace(/<link rel="stylesheet" href="([^"]+)"\s*\/?>/g, (tag, href) => (lazy.has(href) ? '' : tag));
          if (next !== html) {
            await writeFile(file, next);
            changed += 1;
          }
        }
        logger.info(`${lazy.size} lazily loaded stylesheet(s) unlinked from ${changed} page(s)`);
      },
    },
  };
}
