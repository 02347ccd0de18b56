// The playground's JSON API, seen from the browser. Every answer is checked against the shared
// contract, so a mismatch shows as a clear error instead of a broken screen.
import { z } from 'zod';
import { ApiError, call, jsonInit } from '../api-call.ts';
import {
  appStateSchema, fileSchema, labDetailSchema, savedFileSchema, statusSchema,
} from '../../../server/contracts/api.ts';
import { checkReportSchema } from '../../../server/contracts/check.ts';

export type Status = z.infer<typeof statusSchema>;
export type LabDetail = z.infer<typeof labDetailSchema>;
export type WorkspaceFile = z.infer<typeof fileSchema>;
export type { AppState } from '../../../server/contracts/api.ts';
export type { CheckReport } from '../../../server/contracts/check.ts';

export { ApiError };

const filesAnswerSchema = z.object({ files: z.array(fileSchema) });

const json = (method: string, body?: unknown, keepalive = false): RequestInit => jsonInit(method, body, { keepalive });

const labPath = (lab: string) => `/api/labs/${encodeURIComponent(lab)}`;
const filePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

/**
 * The playground's status, or null when no playground serves this page (static hosting: the site ships
 * a placeholder /api/status without a launcher, so even that case makes no failed request).
 */
export async function fetchStatus(): Promise<Status | null> {
  try {
    return await call(statusSchema, '/api/status');
  } catch {
    return null;
  }
}

export const api = {
  lab: (lab: string) => call(labDetailSchema, labPath(lab)),
  save: (lab: string, path: string, content: string, keepalive = false) =>
    call(savedFileSchema, `${labPath(lab)}/files/${filePath(path)}`, json('PUT', { content }, keepalive)),
  run: (lab: string) => call(appStateSchema, `${labPath(lab)}/run`, json('POST')),
  stop: (lab: string) => call(appStateSchema, `${labPath(lab)}/stop`, json('POST')),
  check: (lab: string) => call(checkReportSchema, `${labPath(lab)}/check`, json('POST')),
  reset: (lab: string) => call(filesAnswerSchema, `${labPath(lab)}/reset`, json('POST')),
  solution: (lab: string) => call(filesAnswerSchema, `${labPath(lab)}/solution`),
};
