// Reads and validates a JSON request body, refusing oversized or malformed ones before any work is done.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { HttpError, badRequest } from './errors.ts';

export async function readJsonBody<T extends z.ZodType>(req: IncomingMessage, schema: T, limitBytes: number): Promise<z.infer<T>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.');
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('The body is not valid JSON.', 'invalid_json');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw badRequest(`The body does not fit: ${issue?.message ?? 'invalid'}${where}.`, 'invalid_body');
  }
  return parsed.data;
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, 'body_too_large', `The body is larger than the limit of ${Math.round(limitBytes / 1024)} KiB.`);
}
