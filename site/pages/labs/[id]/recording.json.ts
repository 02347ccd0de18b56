// A lab's recorded run (labs/<NN-id>/recording.json) as a static file beside its page, for browse
// mode; `null` when the lab has none, so the page's request never fails. Checked against the contract
// at build time: a broken recording stops the build instead of a reader's page.
import type { APIRoute } from 'astro';
import { recordingSchema } from '../../../../server/contracts/instruments.ts';
import { readyLabIds } from '../../../lib/labs.ts';

export const prerender = true;

const files = import.meta.glob<unknown>('/labs/*/recording.json', { eager: true, import: 'default' });

function recordingOf(id: string): unknown {
  const entry = Object.entries(files).find(([path]) => path.split('/')[2]!.replace(/^\d+-/, '') === id);
  if (!entry) return null;
  const parsed = recordingSchema.safeParse(entry[1]);
  if (!parsed.success) throw new Error(`${entry[0]} does not match recordingSchema: ${parsed.error.message}`);
  return parsed.data;
}

export function getStaticPaths() {
  return readyLabIds().map((id) => ({ params: { id } }));
}

export const GET: APIRoute = ({ params }) =>
  new Response(JSON.stringify(recordingOf(String(params.id))), { headers: { 'content-type': 'application/json' } });
