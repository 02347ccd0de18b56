// The JSON API under /api/. Routes are matched on decoded path segments; every body is validated
// against its schema in server/contracts before anything happens.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, saveFileBodySchema } from '../contracts/api.ts';
import type { LauncherStatus } from '../contracts/api.ts';
import type { Lab } from '../labs/registry.ts';
import type { Learner } from '../learners/learner.ts';
import type { ProgressStore } from '../store/progress-store.ts';
import { readSolution } from '../workspace/store.ts';
import { readJsonBody } from './body.ts';
import { HttpError, badRequest, notFound, sendJson } from './errors.ts';
import { instrumentRoutes } from './instrument-routes.ts';
import { panelRoutes } from './panel-routes.ts';
import type { Workshop } from '../workshop/workshop.ts';
import { handleWorkshopApi } from './workshop-routes.ts';

/** A route table keyed by the path after the lab (`run`, `instruments/load`, ...). */
export type Routes = Record<string, Partial<Record<string, Handler>>>;

export interface ApiContext {
  version: string;
  mode: 'local' | 'workshop';
  launcher: LauncherStatus;
  labs: Map<string, Lab>;
  progress: ProgressStore;
  /** The lab, when the request is about one: a workshop refuses labs the class has not reached yet. */
  learnerFor(req: IncomingMessage, lab?: Lab): Promise<Learner>;
  /** Present in workshop mode: /api/workshop/* and the identity of every learner. */
  workshop?: Workshop;
}

export type Handler = (req: IncomingMessage, lab: Lab, learner: Learner, rest: string[], context: ApiContext) => Promise<unknown>;

const labRoutes: Routes = {
  '': {
    GET: async (_req, lab, learner) => ({ lab: lab.meta, files: await learner.store.open(lab), app: await learner.appState(lab) }),
  },
  files: {
    PUT: async (req, lab, learner, rest) => {
      const body = await readJsonBody(req, saveFileBodySchema, MAX_BODY_BYTES);
      return learner.save(lab, rest.join('/'), body.content);
    },
  },
  run: { POST: (_req, lab, learner) => learner.run(lab) },
  stop: { POST: (_req, lab, learner) => learner.stop(lab) },
  check: {
    POST: async (_req, lab, learner, _rest, context) => {
      const report = await learner.check(lab);
      context.progress.record(learner.id, report);
      return report;
    },
  },
  reset: { POST: async (_req, lab, learner) => ({ files: await learner.reset(lab) }) },
  solution: { GET: async (_req, lab) => ({ files: await readSolution(lab) }) },
  app: { GET: (_req, lab, learner) => learner.appState(lab) },
};

const instrumentsTable: Routes = { ...instrumentRoutes, ...panelRoutes };

function segmentsOf(url: string): string[] {
  const path = url.split('?')[0]!;
  try {
    // Empty segments are kept: `files//etc/passwd` must read as the absolute path it is.
    return path.split('/').slice(1).map((segment) => decodeURIComponent(segment));
  } catch {
    throw badRequest('The address is not valid (bad percent-encoding).', 'invalid_path');
  }
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, context: ApiContext): Promise<void> {
  const segments = segmentsOf(req.url ?? '/');
  const [, resource, labSegment, action = '', ...rest] = segments;
  const labId = labSegment || undefined;
  const method = req.method ?? 'GET';
  if (resource === 'status' && labId === undefined) {
    if (method !== 'GET') throw methodNotAllowed(['GET']);
    sendJson(res, 200, { version: context.version, mode: context.mode, launcher: context.launcher });
    return;
  }
  if (resource === 'labs' && labId === undefined) {
    if (method !== 'GET') throw methodNotAllowed(['GET']);
    sendJson(res, 200, { labs: [...context.labs.values()].map((lab) => lab.meta) });
    return;
  }
  if (resource === 'progress' && labId === undefined) {
    if (method !== 'GET') throw methodNotAllowed(['GET']);
    const learner = await context.learnerFor(req);
    sendJson(res, 200, { labs: context.progress.progress(learner.id) });
    return;
  }
  if (resource === 'workshop') {
    if (!context.workshop) throw notFound('This playground is not running a workshop.');
    await handleWorkshopApi(req, res, context.workshop, segments.slice(2));
    return;
  }
  if (resource !== 'labs' || labId === undefined) throw notFound('No such API route.');
  const lab = context.labs.get(labId);
  if (!lab) throw notFound(`There is no lab called "${labId}".`);
  const route = action === 'instruments' ? instrumentsTable[rest.join('/')] : labRoutes[action];
  if (!route) throw notFound('No such API route.');
  if (action !== 'instruments' && (action === 'files') !== (rest.length > 0)) throw notFound('No such API route.');
  const handler = route[method];
  if (!handler) throw methodNotAllowed(Object.keys(route));
  const learner = await context.learnerFor(req, lab);
  sendJson(res, 200, await handler(req, lab, learner, rest, context));
}

function methodNotAllowed(allowed: string[]): HttpError {
  return new HttpError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} here.`);
}
