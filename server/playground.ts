// The composition root: one HTTP server carrying the site, the API and the WebSockets, and the learners
// with their sandboxes. `startPlayground` is what `cometlab start`, the tests and the benchmarks call.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Launcher } from './sandbox/types.ts';
import { chooseLauncher, createRunRoot } from './sandbox/index.ts';
import { loadLabs, type Lab } from './labs/registry.ts';
import { Learner } from './learners/learner.ts';
import { LabCommands } from './learners/lab-commands.ts';
import { openProgressStore } from './store/progress-store.ts';
import { handleApi, type ApiContext } from './http/api.ts';
import { HttpError, sendError } from './http/errors.ts';
import { hostAllowed, sameOrigin, type HostPolicy } from './http/origin.ts';
import { loadSiteHandler, type SiteHandler } from './http/site.ts';
import { attachWebSockets } from './ws/upgrade.ts';
import type { Log } from './log.ts';
import { version } from './version.ts';
import { openWorkshop, type WorkshopSettings } from './workshop/open.ts';
import type { Workshop } from './workshop/workshop.ts';
import { handleInstructorLink } from './http/workshop-routes.ts';
import { defaultCpuCores } from './sandbox/limits/config.ts';
import { availableParallelism } from 'node:os';

export interface PlaygroundOptions {
  host: string;
  port: number;
  allowedHosts?: string[];
  dataDir: string;
  log: Log;
  /** Given in dev mode, where Vite serves the pages; otherwise the built site is loaded from dist/. */
  site?: SiteHandler | 'none';
  launcher?: Launcher;
  /** Stop a learner's sandbox after this long away (no open socket, no API call); default 30 min. */
  idleTimeoutMs?: number;
  /** The most a learner's home may hold on disk; default DEFAULT_LIMITS.diskBytes (512 MiB). */
  diskQuotaBytes?: number;
  /** Workshop mode: a learner per student, identified by cookie; needs a working bwrap sandbox. */
  workshop?: WorkshopSettings & { classSize?: number };
}

export interface Playground {
  url: string;
  launcher: Launcher;
  labs: Map<string, Lab>;
  workshop?: Workshop;
  close(): Promise<void>;
}

/** What both the standalone server and the dev server need: labs, the launcher, the learner, the API. */
export async function createContext(options: Pick<PlaygroundOptions, 'dataDir' | 'log' | 'launcher' | 'idleTimeoutMs' | 'workshop' | 'diskQuotaBytes'>) {
  await mkdir(options.dataDir, { recursive: true });
  const runRoot = await createRunRoot();
  const workshop = options.workshop;
  const choose = () => workshop
    ? chooseLauncher({ allowPlain: false, bwrap: { limits: { cpuCores: workshopCpuCores(workshop.classSize ?? 30) } }, diskBytes: options.diskQuotaBytes })
    : chooseLauncher({ allowPlain: true, diskBytes: options.diskQuotaBytes });
  const [labs, launcher] = await Promise.all([loadLabs(), options.launcher ?? choose()]);
  const progress = openProgressStore(join(options.dataDir, 'cometlab.db'));
  if (workshop) {
    let opened;
    try {
      opened = openWorkshop({ ...workshop, dataDir: options.dataDir, runRoot, labs, launcher, progress, log: options.log, idleTimeoutMs: options.idleTimeoutMs });
    } catch (error) {
      progress.close();
      await rm(runRoot, { recursive: true, force: true });
      throw error;
    }
    const context: ApiContext = {
      version,
      mode: 'workshop',
      launcher: launcher.status,
      labs,
      progress: opened.progress,
      workshop: opened.workshop,
      learnerFor: (req, lab) => opened.workshop.learnerFor(req, lab),
    };
    const close = async () => {
      await opened.close();
      progress.close();
      await rm(runRoot, { recursive: true, force: true });
    };
    return { context, launcher, labs, close };
  }
  const learner = new Learner('local', options.dataDir, runRoot, launcher, options.log, {
    idleTimeoutMs: options.idleTimeoutMs,
    labCommands: (self) => {
      const commands = new LabCommands(self, { labs, record: (report) => progress.record(self.id, report) });
      return (request) => commands.handle(request);
    },
  });
  const context: ApiContext = {
    version,
    mode: 'local',
    launcher: launcher.status,
    labs,
    progress,
    learnerFor: async () => {
      learner.touch();
      return learner;
    },
  };
  const close = async () => {
    await learner.close();
    progress.close();
    await rm(runRoot, { recursive: true, force: true });
  };
  return { context, launcher, labs, close };
}

export function apiMiddleware(context: ApiContext, hosts: HostPolicy, log: Log) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!hostAllowed(req, hosts)) {
      sendError(res, new HttpError(421, 'wrong_host', 'This playground does not answer to that host name.'), log);
      return;
    }
    if (context.workshop && /^\/workshop\/instructor\/?\?(.*&)?token=/.test(req.url ?? '')) {
      try {
        handleInstructorLink(req, res, context.workshop);
      } catch (error) {
        sendError(res, error, log);
      }
      return;
    }
    if (!(req.url ?? '').startsWith('/api/')) {
      next();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
      sendError(res, new HttpError(403, 'forbidden', 'Requests from other sites are refused.'), log);
      return;
    }
    handleApi(req, res, context).catch((error) => sendError(res, error, log));
  };
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const site = options.site === 'none' ? undefined : options.site ?? (await loadSiteHandler());
  const { context, launcher, labs, close: closeLearners } = await createContext(options);
  const hosts = { listenHost: options.host, allowedHosts: options.allowedHosts ?? [] };
  const api = apiMiddleware(context, hosts, options.log);
  const server = createServer((req, res) => api(req, res, () => {
    if (site) site(req, res);
    else sendError(res, new HttpError(404, 'not_found', 'Nothing here.'), options.log);
  }));
  server.headersTimeout = 20_000;
  const wss = attachWebSockets(server, context, { hosts, passThroughOthers: false, log: options.log });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error) => {
    await closeLearners();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const url = `http://${shownHost}:${address.port}`;
  context.workshop?.setBaseUrl(url);
  return {
    url,
    launcher,
    labs,
    workshop: context.workshop,
    close() {
      closing ??= (async () => {
        for (const ws of wss.clients) ws.close(1001, 'the playground is shutting down');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closeLearners();
        for (const ws of wss.clients) ws.terminate();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}

/**
 * Each student's CPU quota on a shared machine: a runaway loop must not take more than its part, yet a
 * student starting node must not crawl. Not all students burn CPU at once, so the machine's cores are
 * shared among a quarter of the class, at least 0.25 core and at most a learner's default (defaultCpuCores:
 * a quarter of the cores, at most 1; cpu weight keeps it fair under contention).
 */
export function workshopCpuCores(classSize: number, cores = availableParallelism()): number {
  const share = cores / Math.max(1, Math.ceil(classSize / 4));
  return Math.min(defaultCpuCores(cores), Math.max(0.25, Math.round(share * 100) / 100));
}
