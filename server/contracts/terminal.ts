// Messages on the WebSocket channels. Pty output travels as binary frames (raw bytes); everything
// else is a JSON text frame of the shapes below.
import { z } from 'zod';
import { appStateSchema, fileSchema } from './api.ts';

export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
export const TERMINAL_COLS = { min: 10, max: 500 };
export const TERMINAL_ROWS = { min: 4, max: 200 };

/** A terminal outlives its socket; the client names the one to reattach to with this (?terminal=<id>). */
export const terminalIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,32}$/);

export const terminalClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(16 * 1024) }),
  z.object({ type: z.literal('resize'), cols: z.number().int(), rows: z.number().int() }),
  /** The client has written this many more bytes to its screen (flow control). */
  z.object({ type: z.literal('ack'), bytes: z.number().int().positive() }),
  /** Close the terminal for good (its tab was closed); merely dropping the socket keeps it running. */
  z.object({ type: z.literal('close') }),
]);
export type TerminalClientMessage = z.infer<typeof terminalClientMessageSchema>;

export const terminalServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), terminal: z.string(), name: z.string() }),
  /** The screen as it is now (scrollback, colours, modes): written into a reset terminal, not acknowledged. */
  z.object({ type: z.literal('screen'), data: z.string() }),
  z.object({ type: z.literal('exit'), code: z.number().int().nullable(), signal: z.string().nullable() }),
  /** The whole sandbox ended under the shell; a new connection gets a fresh one. */
  z.object({ type: z.literal('ended'), reason: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type TerminalServerMessage = z.infer<typeof terminalServerMessageSchema>;

/** Keeps a requested size within what a terminal can sensibly be. */
export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number, { min, max }: { min: number; max: number }) =>
    Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : min;
  return { cols: clamp(cols, TERMINAL_COLS), rows: clamp(rows, TERMINAL_ROWS) };
}

/** Close codes of a terminal socket that tell the client not to reconnect to the same id. */
export const TERMINAL_CLOSE = { unknown: 4404, takenElsewhere: 4409, closed: 4000 } as const;

export const terminalInfoSchema = z.object({ id: terminalIdSchema, name: z.string() });
export type TerminalInfo = z.infer<typeof terminalInfoSchema>;

export const serviceNameSchema = z.enum(['nginx', 'redis']);
const outputStream = z.enum(['stdout', 'stderr', 'system']);

/** The events channel (/ws/events): the app's state and output as they change. */
export const eventMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('app-state'), lab: z.string(), ...appStateSchema.shape }),
  z.object({ type: z.literal('app-output'), lab: z.string(), stream: outputStream, text: z.string() }),
  z.object({ type: z.literal('service-state'), lab: z.string(), service: serviceNameSchema, ...appStateSchema.shape }),
  z.object({ type: z.literal('service-output'), lab: z.string(), service: serviceNameSchema, stream: outputStream, text: z.string() }),
  z.object({ type: z.literal('file-saved'), lab: z.string(), path: z.string(), savedAt: z.string() }),
  /** The lab's files went back to the starter (from the page, another tab, or `lab reset` in a terminal). */
  z.object({ type: z.literal('files-reset'), lab: z.string(), files: z.array(fileSchema) }),
  /** The learner's open terminals in this lab, sent when the channel opens: the client reattaches to them. */
  z.object({ type: z.literal('terminals'), lab: z.string(), terminals: z.array(terminalInfoSchema) }),
  /** The sandbox ended without being asked (its supervisor died); the next use starts a new one. No lab: it is everyone's. */
  z.object({ type: z.literal('sandbox-ended'), reason: z.string() }),
]);
export type EventMessage = z.infer<typeof eventMessageSchema>;
