// What a lab's checks are given and what they answer. Checks run on the host and reach the learner's
// app only through the probe, so a learner cannot tamper with them.
import type { Duplex } from 'node:stream';
import { z } from 'zod';

export const checkResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['pass', 'fail', 'error']).describe('error: the check could not run (app not reachable, timed out)'),
  expected: z.string().optional(),
  seen: z.string().optional(),
  hint: z.string().optional(),
  ms: z.number().nonnegative(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const checkReportSchema = z.object({
  lab: z.string(),
  passed: z.number().int(),
  total: z.number().int(),
  results: z.array(checkResultSchema),
  /** What the playground had to do or say before checking (a service restarted, one that would not start). */
  notes: z.array(z.string()).optional(),
});
export type CheckReport = z.infer<typeof checkReportSchema>;

export interface ProbeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Give up after this long; the result then has status 0 and `timedOut`. */
  timeoutMs?: number;
  port?: 8999 | 8888;
}

export interface ProbeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
  timedOut: boolean;
}

/** The only way a check touches the learner's world: HTTP over the sandbox's port relay. */
export interface Probe {
  request(request: ProbeRequest): Promise<ProbeResponse>;
  /** A raw connection to a lab port, for answers that stream (Server-Sent Events, WebSocket); the check closes it. */
  open?(port: 8999 | 8888): Promise<Duplex>;
}

export type CheckOutcome =
  | { status: 'pass'; seen?: string }
  | { status: 'fail'; expected: string; seen: string; hint?: string };

export interface Check {
  id: string;
  title: string;
  /** Shown when the check fails and the outcome brings no hint of its own. */
  hint: string;
  run(probe: Probe): Promise<CheckOutcome>;
}
