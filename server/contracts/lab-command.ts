// The `lab` command inside the learner's terminal: what it asks the host and what the host answers.
// The request crosses the learner's own socket and the supervisor before the host sees it, so the host
// trusts nothing in it: it validates it here and acts only for the learner whose sandbox sent it.
// The CLI and the supervisor import only the types (zod is not mounted in the sandbox).
import { z } from 'zod';
import { loadRunBodySchema } from './instruments.ts';
import { labIdSchema } from './lab.ts';

/** A request line larger than this is refused by the supervisor before it reaches the host. */
export const LAB_REQUEST_MAX_BYTES = 4096;
export const LAB_ANSWER_MAX_CHARS = 64 * 1024;
export const MAX_LOG_LINES = 500;

export const labCommandSchema = z.enum(['run', 'stop', 'check', 'status', 'hint', 'reset', 'nginx', 'load']);
export type LabCommand = z.infer<typeof labCommandSchema>;
export const nginxActionSchema = z.enum(['start', 'reload', 'stop', 'logs']);
export type NginxAction = z.infer<typeof nginxActionSchema>;

/**
 * `lab load`: start a run of simulated clients (the page's panel's body), then ask for its state until it
 * ends, or stop it. The answer's text to a load request that succeeds is the run's LoadRunState as JSON,
 * which the CLI draws (a progress bar, then the summary table).
 */
export const loadRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('start'), run: loadRunBodySchema }),
  z.strictObject({ action: z.literal('status') }),
  z.strictObject({ action: z.literal('stop') }),
]);
export type LoadRequest = z.input<typeof loadRequestSchema>;

export const labRequestSchema = z.strictObject({
  command: labCommandSchema,
  /** `--lab ID`; null: the lab folder the command runs in. */
  lab: labIdSchema.nullable(),
  /** The working directory relative to the home folder (the supervisor sets it); null when outside it. */
  cwd: z.string().max(1024).nullable(),
  /** `lab hint N`; null: the next one. */
  hint: z.number().int().min(1).max(99).nullable(),
  /** `lab reset --yes`. */
  yes: z.boolean(),
  /** `lab nginx <action>`; null for every other command. */
  action: nginxActionSchema.nullable(),
  /** `lab nginx logs --lines N`. */
  lines: z.number().int().min(1).max(MAX_LOG_LINES).nullable(),
  /** `lab load ...`; absent for every other command. */
  load: loadRequestSchema.optional(),
});
export type LabRequest = z.infer<typeof labRequestSchema>;

/** ok decides the exit code (0 or 1); text is printed as it is. */
export const labAnswerSchema = z.object({ ok: z.boolean(), text: z.string().max(LAB_ANSWER_MAX_CHARS) });
export type LabAnswer = z.infer<typeof labAnswerSchema>;
