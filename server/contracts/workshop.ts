// Workshop mode (issue 6): the shapes of joining, the instructor's dashboard and the student's own feed.
// The dashboard and the student pages are pushed by long polling behind the same timeouts the course
// teaches: GET .../events?since=N&timeout=S answers at once when there is news after N, else after S.
import { z } from 'zod';
import { labIdSchema } from './lab.ts';

export const studentNameSchema = z.string().trim().min(1, 'Type your name.').max(40, 'A name has at most 40 characters.')
  .regex(/^[^\p{C}<>]+$/u, 'A name cannot hold control characters or angle brackets.');
/** Join codes are short enough to read aloud, random enough not to guess under the join rate limit. */
export const joinCodeSchema = z.string().trim().toUpperCase().regex(/^[A-Z2-9]{6}$/, 'A join code is 6 letters and digits.');
export const studentIdSchema = z.string().regex(/^s_[A-Za-z0-9_-]{10,32}$/);

export const joinBodySchema = z.strictObject({ name: studentNameSchema, code: joinCodeSchema });
export const joinAnswerSchema = z.object({ student: z.object({ id: studentIdSchema, name: z.string() }) });

export const sandboxUsageSchema = z.object({
  /** CPU over the last sample, in cores (1 = one core busy). */
  cpu: z.number().nonnegative(),
  memoryBytes: z.number().int().nonnegative(),
  running: z.boolean(),
});

export const labStandingSchema = z.object({ passed: z.number().int(), total: z.number().int(), completedAt: z.string().nullable() });

export const rosterEntrySchema = z.object({
  id: studentIdSchema,
  name: z.string(),
  online: z.boolean(),
  currentLab: labIdSchema.nullable(),
  labs: z.record(z.string(), labStandingSchema),
  lastActivity: z.string().nullable(),
  joinedAt: z.string(),
  handRaised: z.boolean(),
  usage: sandboxUsageSchema.nullable(),
});
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

export const helpRequestSchema = z.object({
  id: z.number().int(),
  student: studentIdSchema,
  name: z.string(),
  lab: labIdSchema.nullable(),
  message: z.string().max(280),
  raisedAt: z.string(),
  /** null while waiting. */
  answeredAt: z.string().nullable(),
});

export const paceSchema = z.object({
  /** Students may open labs up to this position in the course (1-based); null: all open. */
  unlockedUpTo: z.number().int().min(1).nullable(),
  /** Every student's page is sent to this lab when set (a one-off "everyone to lab N"). */
  everyoneTo: labIdSchema.nullable(),
});

/** Where a request to type in a student's terminal stands: asked, then the student's answer (they may take it back). */
export const controlStateSchema = z.enum(['pending', 'allowed', 'refused']);
export const controlStatusSchema = z.object({ student: studentIdSchema, lab: labIdSchema, state: controlStateSchema, at: z.string() });
export type ControlStatus = z.infer<typeof controlStatusSchema>;

export const workshopStateSchema = z.object({
  title: z.string(),
  startedAt: z.string(),
  ended: z.boolean(),
  /** null: joining is closed. */
  joinCode: joinCodeSchema.nullable(),
  studentUrl: z.string(),
  pace: paceSchema,
  roster: z.array(rosterEntrySchema),
  help: z.array(helpRequestSchema),
  /** Every control request the instructor made, with the student's answer; one per student and lab. */
  controls: z.array(controlStatusSchema),
});
export type WorkshopState = z.infer<typeof workshopStateSchema>;

/** What the dashboard's long poll delivers: the whole state when something changed (a class is small). */
export const dashboardEventsAnswerSchema = z.object({ cursor: z.number().int(), state: workshopStateSchema });

// --- Instructor actions (POST /api/workshop/<action>, instructor token required) ---
export const broadcastBodySchema = z.strictObject({ message: z.string().trim().min(1).max(500) });
export const paceBodySchema = z.strictObject({ unlockedUpTo: z.number().int().min(1).max(99).nullable(), everyoneTo: labIdSchema.nullable().default(null) });
export const resetStudentBodySchema = z.strictObject({ student: studentIdSchema, lab: labIdSchema });
export const joinCodeBodySchema = z.strictObject({ action: z.enum(['close', 'open', 'rotate']) });
export const answerHelpBodySchema = z.strictObject({ id: z.number().int() });
/** Ask a student to let the instructor type in their terminal; the student accepts on their page. */
export const controlRequestBodySchema = z.strictObject({ student: studentIdSchema, lab: labIdSchema });

// --- The student's own feed (GET /api/workshop/me/events?since=N&timeout=S) ---
export const studentEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('broadcast'), id: z.number().int(), message: z.string(), at: z.string() }),
  z.object({ type: z.literal('pace'), id: z.number().int(), pace: paceSchema }),
  z.object({ type: z.literal('control-request'), id: z.number().int(), lab: labIdSchema }),
  z.object({ type: z.literal('lab-reset'), id: z.number().int(), lab: labIdSchema }),
  /** The instructor marked the student's raised hand as answered: they may raise it again. */
  z.object({ type: z.literal('hand-answered'), id: z.number().int() }),
  z.object({ type: z.literal('ended'), id: z.number().int() }),
]);
export const studentEventsAnswerSchema = z.object({ cursor: z.number().int(), events: z.array(studentEventSchema) });
export const raiseHandBodySchema = z.strictObject({ message: z.string().trim().max(280).default(''), lab: labIdSchema.nullable().default(null) });
export const controlAnswerBodySchema = z.strictObject({ lab: labIdSchema, allow: z.boolean() });

// --- Added with the server (helper E): answers the routes above give ---
/** GET /api/workshop/me: who the cookie says, plus what the banner needs at load. */
export const meAnswerSchema = joinAnswerSchema.extend({
  title: z.string(),
  ended: z.boolean(),
  pace: paceSchema,
  /** A help request of theirs is still waiting (a reload must not offer to raise the hand again). */
  handRaised: z.boolean(),
  /** Start the me/events long poll here to skip events from before this page. */
  cursor: z.number().int(),
});
/** GET /api/workshop/students/<id>/labs/<lab>/terminals (instructor): the ids the read-only view attaches to. */
export const studentTerminalsAnswerSchema = z.object({ terminals: z.array(z.object({ id: z.string(), name: z.string() })) });

/**
 * The instructor's watch socket (/ws/terminal?student=...) sends this just before the `screen` message:
 * the student's terminal size, so the view draws the serialized screen exactly as the student sees it.
 */
export const watchSizeMessageSchema = z.object({ type: z.literal('size'), cols: z.number().int().positive(), rows: z.number().int().positive() });
export type WatchSizeMessage = z.infer<typeof watchSizeMessageSchema>;
/** What POST /api/workshop/control answers: a new request is sent unless control is already given. */
export const controlRequestAnswerSchema = z.object({ sent: z.boolean(), state: controlStateSchema });
