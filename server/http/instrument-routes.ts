// Routes of the traffic instruments under /api/labs/:id/instruments/: the simulated clients (start, stop,
// state) and the HTTP inspector (the exchanges kept with heads and bodies).
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { loadRunBodySchema } from '../contracts/instruments.ts';
import { instrumentsFor } from '../instruments/hub.ts';
import type { Routes } from './api.ts';
import { readJsonBody } from './body.ts';
import { badRequest, notFound } from './errors.ts';

const MAX_LOAD_BODY_BYTES = 4096;
const DEFAULT_EXCHANGES = 50;
const MAX_EXCHANGES = 300;

const limitSchema = z.coerce.number().int().min(1).max(MAX_EXCHANGES);
const idSchema = z.coerce.number().int().positive();

/** A query parameter checked against its schema; a missing one is `fallback` (or a 400 without one). */
function queryValue<T>(req: IncomingMessage, name: string, schema: z.ZodType<T>, fallback?: T): T {
  const raw = new URL(req.url ?? '/', 'http://playground').searchParams.get(name);
  if (raw === null || raw === '') {
    if (fallback !== undefined) return fallback;
    throw badRequest(`Say which one with ?${name}=.`, 'invalid_query');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(`?${name}=${raw.slice(0, 40)} is not valid: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, 'invalid_query');
  return parsed.data;
}

export const instrumentRoutes: Routes = {
  load: {
    GET: async (_req, lab, learner) => ({ run: instrumentsFor(learner).loads.state(lab.meta.id) }),
    POST: async (req, lab, learner) => {
      const body = await readJsonBody(req, loadRunBodySchema, MAX_LOAD_BODY_BYTES);
      const { state } = await instrumentsFor(learner).loads.start(lab, body);
      return { run: state };
    },
  },
  'load/stop': {
    POST: async (_req, lab, learner) => ({ run: await instrumentsFor(learner).loads.stop(lab.meta.id) }),
  },
  exchanges: {
    GET: async (req, lab, learner) => {
      const limit = queryValue(req, 'limit', limitSchema, DEFAULT_EXCHANGES);
      return { exchanges: instrumentsFor(learner).traffic(lab.meta.id).details(limit) };
    },
  },
  exchange: {
    GET: async (req, lab, learner) => {
      const id = queryValue(req, 'id', idSchema);
      const detail = instrumentsFor(learner).traffic(lab.meta.id).detail(id);
      if (!detail) throw notFound(`Exchange ${id} is not kept any more (only the last ${MAX_EXCHANGES} are).`);
      return { exchange: detail };
    },
  },
};
