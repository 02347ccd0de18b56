// The load engine's options, checked at the boundary: who to load (an app or nginx on this machine
// only), how many clients, and how they poll.
import { z } from 'zod';

/** `http://127.0.0.1:PORT` with an optional path prefix; anything else could aim the load elsewhere. */
export const loopbackUrlSchema = z.string().transform((raw, ctx) => {
  const url = URL.parse(raw);
  if (url === null || url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.port === ''
    || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: `the base URL must be http://127.0.0.1:PORT with an optional path, not ${raw}` });
    return z.NEVER;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
});

export const loadOptionsSchema = z.object({
  baseUrl: loopbackUrlSchema,
  clients: z.number().int().min(1).max(20_000),
  /** short: `timeout=0` every intervalMs; long: `timeout=timeoutS`, polling again as soon as an answer comes. */
  mode: z.enum(['short', 'long']),
  intervalMs: z.number().int().min(10).max(60_000).default(1000),
  timeoutS: z.number().min(0.1).max(600).default(30),
  durationMs: z.number().int().min(100).max(3_600_000),
  /** Publish a stamped message this often; none when absent. */
  publishEveryMs: z.number().int().min(10).max(600_000).optional(),
  /** How many delay samples to keep for the percentiles. */
  sampleCapacity: z.number().int().min(1).max(1_000_000).default(10_000),
});
export type LoadOptionsInput = z.input<typeof loadOptionsSchema>;
export type LoadOptions = z.output<typeof loadOptionsSchema>;

export function parseLoadOptions(input: unknown): LoadOptions {
  return loadOptionsSchema.parse(input);
}
