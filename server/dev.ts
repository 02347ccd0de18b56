// `npm run dev`: Astro's dev server (live reload) serves the pages; this mounts the playground's API and
// WebSockets on it, so the terminal and the lab controls work in development too.
import type { Server } from 'node:http';
import type { ViteDevServer } from 'vite';
import { apiMiddleware, createContext } from './playground.ts';
import { attachWebSockets } from './ws/upgrade.ts';
import { defaultDataDir } from './cli/args.ts';
import { createLog } from './log.ts';

export async function attachPlayground(server: ViteDevServer): Promise<void> {
  const log = createLog();
  const { context, close } = await createContext({ dataDir: process.env.COMETLAB_DATA_DIR ?? defaultDataDir, log });
  log(`dev playground: ${context.launcher.reason}`);
  const hosts = { listenHost: '127.0.0.1', allowedHosts: [] };
  server.middlewares.use(apiMiddleware(context, hosts, log));
  const httpServer = server.httpServer as Server | null;
  if (!httpServer) return;
  attachWebSockets(httpServer, context, { hosts, passThroughOthers: true, log });
  httpServer.on('close', () => void close());
}
