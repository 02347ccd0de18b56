// The workshop API (server/contracts/workshop.ts) seen from the browser: the student's own routes and
// the instructor's. Answers are checked against the shared schemas, errors carry the server's message.
import { z } from 'zod';
import { fileSchema } from '../../../server/contracts/api.ts';
import {
  controlRequestAnswerSchema, dashboardEventsAnswerSchema, joinAnswerSchema, meAnswerSchema, studentTerminalsAnswerSchema,
  studentEventsAnswerSchema, workshopStateSchema,
} from '../../../server/contracts/workshop.ts';
import { ApiError, call, jsonInit } from '../api-call.ts';

export { ApiError };
export type StudentEvents = z.infer<typeof studentEventsAnswerSchema>;
export type StudentEvent = StudentEvents['events'][number];
export type StudentFile = z.infer<typeof fileSchema>;

const anything = z.unknown();
const filesAnswerSchema = z.object({ files: z.array(fileSchema) });
export type MeAnswer = z.infer<typeof meAnswerSchema>;

/** GET by default; a body is sent as JSON; a signal ends a long poll early. */
const send = <T>(schema: z.ZodType<T>, path: string, method = 'GET', body?: unknown, signal?: AbortSignal) =>
  call(schema, path, jsonInit(method, body, { signal }));

const query = (since: number, timeout: number) => `?since=${since}&timeout=${timeout}`;

export const studentApi = {
  me: () => send(meAnswerSchema, '/api/workshop/me'),
  join: (name: string, code: string) => send(joinAnswerSchema, '/api/workshop/join', 'POST', { name, code }),
  events: (since: number, timeout: number, signal?: AbortSignal) =>
    send(studentEventsAnswerSchema, `/api/workshop/me/events${query(since, timeout)}`, 'GET', undefined, signal),
  raiseHand: (message: string, lab: string | null) => send(anything, '/api/workshop/me/hand', 'POST', { message, lab }),
  answerControl: (lab: string, allow: boolean) => send(anything, '/api/workshop/me/control', 'POST', { lab, allow }),
};

const studentLab = (student: string, lab: string) =>
  `/api/workshop/students/${encodeURIComponent(student)}/labs/${encodeURIComponent(lab)}`;
const post = (action: string, body: unknown) => send(anything, `/api/workshop/${action}`, 'POST', body);

export const instructorApi = {
  state: () => send(workshopStateSchema, '/api/workshop/state'),
  events: (since: number, timeout: number, signal?: AbortSignal) =>
    send(dashboardEventsAnswerSchema, `/api/workshop/events${query(since, timeout)}`, 'GET', undefined, signal),
  broadcast: (message: string) => post('broadcast', { message }),
  pace: (unlockedUpTo: number | null, everyoneTo: string | null) => post('pace', { unlockedUpTo, everyoneTo }),
  reset: (student: string, lab: string) => post('reset', { student, lab }),
  joinCode: (action: 'close' | 'open' | 'rotate') => post('join-code', { action }),
  answerHelp: (id: number) => post('help/answer', { id }),
  requestControl: (student: string, lab: string) => send(controlRequestAnswerSchema, '/api/workshop/control', 'POST', { student, lab }),
  end: () => post('end', {}),
  files: (student: string, lab: string) => send(filesAnswerSchema, `${studentLab(student, lab)}/files`),
  terminals: (student: string, lab: string) => send(studentTerminalsAnswerSchema, `${studentLab(student, lab)}/terminals`),
};
