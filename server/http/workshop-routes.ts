// /api/workshop/*: joining, the student's own routes (their cookie) and the instructor's (their token).
// Every body is validated against server/contracts/workshop.ts before the Workshop is asked anything.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import {
  answerHelpBodySchema, controlAnswerBodySchema, controlRequestBodySchema, joinBodySchema, joinCodeBodySchema,
  paceBodySchema, raiseHandBodySchema, resetStudentBodySchema, broadcastBodySchema, studentIdSchema,
} from '../contracts/workshop.ts';
import { labIdSchema } from '../contracts/lab.ts';
import type { Workshop } from '../workshop/workshop.ts';
import { clientAddress, instructorCookie, isInstructor, studentCookie } from '../workshop/identity.ts';
import { sameSecret } from '../workshop/secrets.ts';
import { toCsv } from '../workshop/export.ts';
import { readJsonBody } from './body.ts';
import { HttpError, badRequest, notFound, sendJson } from './errors.ts';

const BODY_LIMIT = 4 * 1024;
/** Longest a long poll is held; nginx/workshop.conf reads for longer than this. */
export const MAX_POLL_SECONDS = 30;

const pollQuerySchema = z.object({
  since: z.coerce.number().int().min(0).default(0),
  timeout: z.coerce.number().min(0).max(MAX_POLL_SECONDS).default(25),
});

function pollQuery(url: URL) {
  const parsed = pollQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw badRequest(`since is a cursor (a whole number) and timeout at most ${MAX_POLL_SECONDS} seconds.`, 'invalid_query');
  return parsed.data;
}

/** Aborts when the client goes away, so a long poll stops waiting for nobody. */
function gone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  return controller.signal;
}

const body = <T extends z.ZodType>(req: IncomingMessage, schema: T) => readJsonBody(req, schema, BODY_LIMIT);

type Route = (req: IncomingMessage, res: ServerResponse, workshop: Workshop, url: URL) => Promise<unknown>;

const studentRoutes: Record<string, Partial<Record<string, Route>>> = {
  me: { GET: async (req, _res, w) => w.me(w.studentOf(req)) },
  'me/events': {
    GET: async (req, res, w, url) => {
      const student = w.studentOf(req);
      const { since, timeout } = pollQuery(url);
      return w.studentEvents(student, since, timeout * 1000, gone(res));
    },
  },
  'me/hand': { POST: async (req, _res, w) => w.raiseHand(w.studentOf(req), await body(req, raiseHandBodySchema)) },
  'me/control': { POST: async (req, _res, w) => w.answerControl(w.studentOf(req), await body(req, controlAnswerBodySchema)) },
};

const instructorRoutes: Record<string, Partial<Record<string, Route>>> = {
  state: { GET: async (_req, _res, w) => w.state() },
  events: {
    GET: async (_req, res, w, url) => {
      const { since, timeout } = pollQuery(url);
      return w.dashboardEvents(since, timeout * 1000, gone(res));
    },
  },
  broadcast: { POST: async (req, _res, w) => w.broadcast((await body(req, broadcastBodySchema)).message) },
  pace: { POST: async (req, _res, w) => w.pace(await body(req, paceBodySchema)) },
  reset: { POST: async (req, _res, w) => w.reset(await body(req, resetStudentBodySchema)) },
  'join-code': { POST: async (req, _res, w) => w.joinCode((await body(req, joinCodeBodySchema)).action) },
  'help/answer': { POST: async (req, _res, w) => w.answerHelp(await body(req, answerHelpBodySchema)) },
  control: { POST: async (req, _res, w) => w.requestControl(await body(req, controlRequestBodySchema)) },
  end: { POST: async (req, _res, w) => {
    await body(req, z.strictObject({}));
    return w.end();
  } },
};

const studentLabSchema = z.tuple([z.literal('students'), studentIdSchema, z.literal('labs'), labIdSchema, z.enum(['files', 'terminals'])]);

async function studentLab(w: Workshop, segments: string[]) {
  const parsed = studentLabSchema.safeParse(segments);
  if (!parsed.success) throw notFound('No such API route.');
  const [, studentId, , labId, what] = parsed.data;
  const learner = w.learnerOf(w.student(studentId).id);
  const lab = w.lab(labId);
  return what === 'files' ? { files: await learner.store.open(lab) } : { terminals: learner.terminals.list(labId) };
}

function download(res: ServerResponse, type: string, name: string, text: string): void {
  res.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-disposition': `attachment; filename="${name}"`,
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** `segments`: the path after /api/workshop/. */
export async function handleWorkshopApi(req: IncomingMessage, res: ServerResponse, workshop: Workshop, segments: string[]): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://workshop');
  const method = req.method ?? 'GET';
  const key = segments.join('/');
  if (key === 'join') {
    if (method !== 'POST') throw methodNotAllowed(['POST']);
    const student = workshop.join(await body(req, joinBodySchema), clientAddress(req), req);
    res.setHeader('set-cookie', studentCookie(req, workshop.secrets, student.id));
    sendJson(res, 200, { student: { id: student.id, name: student.name } });
    return;
  }
  const studentRoute = studentRoutes[key];
  if (studentRoute) {
    const handler = studentRoute[method];
    if (!handler) throw methodNotAllowed(Object.keys(studentRoute));
    sendJson(res, 200, await handler(req, res, workshop, url));
    return;
  }
  const instructorRoute = instructorRoutes[key];
  const exportKind = { 'export.csv': 'csv', 'export.json': 'json' }[key];
  if (!instructorRoute && !exportKind && segments[0] !== 'students') throw notFound('No such API route.');
  if (!isInstructor(req, workshop.secrets)) throw new HttpError(403, 'instructor_only', 'Only the instructor can do this (their link carries a token).');
  if (exportKind) {
    if (method !== 'GET') throw methodNotAllowed(['GET']);
    const state = workshop.state();
    const stamp = state.startedAt.slice(0, 10);
    if (exportKind === 'csv') download(res, 'text/csv', `workshop-${stamp}.csv`, toCsv(state, workshop.labIds()));
    else download(res, 'application/json', `workshop-${stamp}.json`, `${JSON.stringify(state, null, 2)}\n`);
    return;
  }
  if (!instructorRoute) {
    if (method !== 'GET') throw methodNotAllowed(['GET']);
    sendJson(res, 200, await studentLab(workshop, segments));
    return;
  }
  const handler = instructorRoute[method];
  if (!handler) throw methodNotAllowed(Object.keys(instructorRoute));
  sendJson(res, 200, await handler(req, res, workshop, url));
}

/**
 * GET /workshop/instructor?token=...: the link printed at start. Trades the token for the instructor's
 * cookie and redirects to the dashboard, so the token leaves the address bar (and the browser history).
 */
export function handleInstructorLink(req: IncomingMessage, res: ServerResponse, workshop: Workshop): void {
  const token = new URL(req.url ?? '/', 'http://workshop').searchParams.get('token') ?? '';
  if (!sameSecret(token, workshop.secrets.instructorToken)) throw new HttpError(403, 'wrong_token', 'That instructor link is not right; copy it again from the terminal.');
  res.writeHead(303, { location: '/workshop/', 'set-cookie': instructorCookie(req, workshop.secrets), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
}

function methodNotAllowed(allowed: string[]): HttpError {
  return new HttpError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} here.`);
}
