// Loads the request handler of the built Astro site (pages and hashed assets) from dist/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type SiteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const defaultDistDir = join(import.meta.dirname, '..', '..', 'dist');

export async function loadSiteHandler(distDir = defaultDistDir): Promise<SiteHandler> {
  const entry = join(distDir, 'server', 'entry.mjs');
  if (!existsSync(entry)) throw new Error(`the site is not built (${entry} is missing); run \`npm run build\` or \`npm start\``);
  // The adapter would start its own server on import unless told not to; ours serves it instead.
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const module = await import(pathToFileURL(entry).href);
  return module.handler as SiteHandler;
}
