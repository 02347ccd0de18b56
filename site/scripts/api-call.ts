// One JSON call to the playground, seen from the browser: every answer is checked against its schema in
// server/contracts, and every failure becomes an ApiError carrying the server's own words.
import type { z } from 'zod';
import { apiErrorSchema } from '../../server/contracts/api.ts';

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call<T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, 'unreachable', 'The playground server is not answering. Is it still running?');
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const problem = apiErrorSchema.safeParse(body);
    throw problem.success
      ? new ApiError(response.status, problem.data.error.code, problem.data.error.message)
      : new ApiError(response.status, 'http', `The server answered ${response.status} ${response.statusText}.`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(response.status, 'bad-answer', `Unexpected answer from ${path}.`);
  return parsed.data;
}

/** A request with a JSON body (or none). */
export const jsonInit = (method: string, body?: unknown, extra: RequestInit = {}): RequestInit =>
  body === undefined
    ? { ...extra, method }
    : { ...extra, method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
