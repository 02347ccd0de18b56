// The feed contract (DESIGN §6) as checks see it: the shapes of its answers and the two requests
// most checks make. Labs 1-2 speak the short-poll part of it; later labs the whole.
import { z } from 'zod';
import type { Probe, ProbeResponse } from '../contracts/check.ts';
import { describeResponse, expectJson, expectStatus, statusText } from './expect.ts';

export const publishAnswerSchema = z.object({
  id: z.number().int().positive(),
  waiters: z.number().int().nonnegative(),
});

export const feedMessageSchema = z.object({ id: z.number().int().positive(), data: z.unknown() });

export const pollAnswerSchema = z.object({
  cursor: z.number().int().nonnegative(),
  messages: z.array(feedMessageSchema),
});
export type PollAnswer = z.infer<typeof pollAnswerSchema>;

export const statsAnswerSchema = z.object({
  waiters: z.number().int().nonnegative(),
  last_id: z.number().int().nonnegative(),
});

export const errorAnswerSchema = z.object({ error: z.unknown() }).refine((body) => body.error !== undefined);

export const PUBLISH_SHAPE = '{"id":N,"waiters":W}';
export const POLL_SHAPE = '{"cursor":N,"messages":[{"id":N,"data":...}]}';
export const STATS_SHAPE = '{"waiters":W,"last_id":N}';

/** Publishes `data` and returns the id the app gave it; fails the check when publishing does not work. */
export async function publish(probe: Probe, data: unknown): Promise<number> {
  return (await publishAnswer(probe, data)).id;
}

/** Publishes `data` and returns the whole answer: the id and how many waiters the publish woke. */
export async function publishAnswer(probe: Probe, data: unknown): Promise<z.infer<typeof publishAnswerSchema>> {
  const res = await probe.request({
    method: 'POST',
    path: '/publish',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(data),
  });
  expectStatus(res, 200, 'for POST /publish with a JSON body', 'Publishing must work before this check can judge anything else.');
  return expectJson(res, publishAnswerSchema, `POST /publish to answer ${PUBLISH_SHAPE}`);
}

export function poll(probe: Probe, query: string): Promise<ProbeResponse> {
  return probe.request({ path: `/poll${query}` });
}

/** `200 OK with 2 messages (ids 4, 5) and cursor 5`, or the plain description when it is no poll answer. */
export function describePoll(res: ProbeResponse): string {
  if (res.timedOut || res.status !== 200) return describeResponse(res);
  let parsed;
  try {
    parsed = pollAnswerSchema.safeParse(JSON.parse(res.body));
  } catch {
    return describeResponse(res);
  }
  if (!parsed.success) return describeResponse(res);
  const { cursor, messages } = parsed.data;
  const ids = messages.map((m) => m.id);
  const listed = ids.length > 8 ? `${ids.slice(0, 4).join(', ')}, …, ${ids.at(-1)}` : ids.join(', ');
  const count = messages.length === 1 ? '1 message' : `${messages.length} messages`;
  const named = ids.length === 0 ? '' : ` (${ids.length === 1 ? 'id' : 'ids'} ${listed})`;
  return `${statusText(res.status)} with ${count}${named} and cursor ${cursor}`;
}
