// Control messages of the host <-> supervisor channel (JSON frames; pty bytes travel in binary frames,
// see server/protocol/frame.ts). The host validates everything the supervisor sends with these schemas,
// because the supervisor shares a sandbox with the learner's code. The supervisor imports only the
// types (erased at run time), so zod never loads inside the sandbox.
import { z } from 'zod';
import { appStateSchema } from './api.ts';
import { labAnswerSchema } from './lab-command.ts';
import { serviceNameSchema } from './terminal.ts';

const terminalId = z.number().int().positive().max(0xffffffff);
const requestId = z.number().int().nonnegative();
const size = { cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) };
/** Relative to the learner's home; the supervisor refuses anything that escapes it. */
const relativePath = z.string().max(1024).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), {
  message: 'must be a relative path inside the home folder',
});

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open-terminal'), id: terminalId, cwd: relativePath, ...size }),
  z.object({ type: z.literal('resize'), id: terminalId, ...size }),
  /** The host's viewer has processed this many more bytes of the terminal's output. */
  z.object({ type: z.literal('ack'), id: terminalId, bytes: z.number().int().positive() }),
  z.object({ type: z.literal('close-terminal'), id: terminalId }),
  z.object({ type: z.literal('start-app'), req: requestId, cwd: relativePath, entry: relativePath.refine((p) => p.length > 0) }),
  z.object({ type: z.literal('stop-app'), req: requestId }),
  /** nginx runs `nginx -p <cwd> -c <config>` after `nginx -t`; redis ignores config. */
  z.object({ type: z.literal('start-service'), req: requestId, service: serviceNameSchema, cwd: relativePath, config: relativePath }),
  z.object({ type: z.literal('stop-service'), req: requestId, service: serviceNameSchema }),
  /** nginx only: test the config, then SIGHUP (the running one stays when the test fails). */
  z.object({ type: z.literal('reload-service'), req: requestId, service: serviceNameSchema }),
  /** The answer to a `lab` command (lab-command below), for the supervisor to hand to the CLI. */
  z.object({ type: z.literal('lab-answer'), req: requestId, ...labAnswerSchema.shape }),
  /** Stop everything and exit. */
  z.object({ type: z.literal('shutdown') }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

const MAX_TEXT = 64 * 1024;

export const supervisorMessageSchema = z.discriminatedUnion('type', [
  /** First message: the supervisor runs; uid and interfaces let the host check the isolation it got. */
  z.object({ type: z.literal('ready'), uid: z.number().int(), interfaces: z.array(z.string().max(64)).max(64) }),
  z.object({ type: z.literal('terminal-opened'), id: terminalId }),
  z.object({ type: z.literal('terminal-error'), id: terminalId, message: z.string().max(MAX_TEXT) }),
  z.object({ type: z.literal('terminal-exit'), id: terminalId, code: z.number().int().nullable(), signal: z.string().max(32).nullable() }),
  z.object({ type: z.literal('app-state'), state: appStateSchema }),
  z.object({ type: z.literal('app-output'), stream: z.enum(['stdout', 'stderr', 'system']), text: z.string().max(MAX_TEXT) }),
  z.object({ type: z.literal('service-state'), service: serviceNameSchema, state: appStateSchema }),
  z.object({ type: z.literal('service-output'), service: serviceNameSchema, stream: z.enum(['stdout', 'stderr', 'system']), text: z.string().max(MAX_TEXT) }),
  /** The app's event-loop delay, the largest over the last quarter second, from the supervisor's lag preload. */
  z.object({ type: z.literal('app-lag'), maxMs: z.number().nonnegative().max(600_000) }),
  z.object({ type: z.literal('reply'), req: requestId, error: z.string().max(MAX_TEXT).nullable(), state: appStateSchema }),
  /** The learner typed `lab ...`: the request is theirs, unvalidated (labRequestSchema judges it, not this). */
  z.object({ type: z.literal('lab-command'), req: requestId, request: z.unknown() }),
]);
export type SupervisorMessage = z.infer<typeof supervisorMessageSchema>;
