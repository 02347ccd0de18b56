// Messages on the WebSocket channels. Pty output travels as binary frames (raw bytes); everything
// else is a JSON text frame of the shapes below.
import { z } from 'zod';
import { appStateSchema } from './api.ts';

export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
export const TERMINAL_COLS = { min: 10, max: 500 };
export const TERMINAL_ROWS = { min: 4, max: 200 };

export const terminalClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(16 * 1024) }),
  z.object({ type: z.literal('resize'), cols: z.number().int(), rows: z.number().int() }),
  /** The client has written this many more bytes to its screen (flow control). */
  z.object({ type: z.literal('ack'), bytes: z.number().int().positive() }),
]);
export type TerminalClientMessage = z.infer<typeof terminalClientMessageSchema>;

export const terminalServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), terminal: z.string() }),
  z.object({ type: z.literal('exit'), code: z.number().int().nullable(), signal: z.string().nullable() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type TerminalServerMessage = z.infer<typeof terminalServerMessageSchema>;

/** Keeps a requested size within what a terminal can sensibly be. */
export function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number, { min, max }: { min: number; max: number }) =>
    Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : min;
  return { cols: clamp(cols, TERMINAL_COLS), rows: clamp(rows, TERMINAL_ROWS) };
}

/** The events channel (/ws/events): the app's state and output as they change. */
export const eventMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('app-state'), lab: z.string(), ...appStateSchema.shape }),
  z.object({ type: z.literal('app-output'), lab: z.string(), stream: z.enum(['stdout', 'stderr', 'system']), text: z.string() }),
  z.object({ type: z.literal('file-saved'), lab: z.string(), path: z.string(), savedAt: z.string() }),
]);
export type EventMessage = z.infer<typeof eventMessageSchema>;
