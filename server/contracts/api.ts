// Bodies and answers of the JSON API (/api/...). The server validates every body against these.
import { z } from 'zod';
import { labMetaSchema, workspacePathSchema } from './lab.ts';

export const MAX_FILE_BYTES = 256 * 1024;
export const MAX_BODY_BYTES = MAX_FILE_BYTES + 4096;

export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const saveFileBodySchema = z.object({
  content: z.string().max(MAX_FILE_BYTES),
}).strict();

export const fileSchema = z.object({
  path: workspacePathSchema,
  content: z.string(),
  editable: z.boolean(),
});

export const savedFileSchema = z.object({ path: workspacePathSchema, bytes: z.number().int(), savedAt: z.string() });

export const appStateSchema = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'exited']),
  /** True once something accepts connections on the app port. */
  listening: z.boolean(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  since: z.string().describe('ISO time of the last change'),
});
export type AppState = z.infer<typeof appStateSchema>;

/** Started and not ended yet: running, or on its way. */
export const isUp = (state: AppState): boolean => state.state === 'running' || state.state === 'starting';

/** One protection the preflight tried: whether it is in force here, and what it saw. */
export const launcherCheckSchema = z.object({
  feature: z.enum(['sandbox', 'uid', 'seccomp', 'cgroup-memory', 'cgroup-pids', 'cgroup-cpu', 'rlimits']),
  ok: z.boolean(),
  detail: z.string(),
});
export type LauncherCheck = z.infer<typeof launcherCheckSchema>;

export const launcherStatusSchema = z.object({
  kind: z.enum(['bwrap', 'plain', 'none']),
  sandboxed: z.boolean(),
  reason: z.string(),
  checks: z.array(launcherCheckSchema).optional(),
});
export type LauncherStatus = z.infer<typeof launcherStatusSchema>;

export const statusSchema = z.object({
  version: z.string(),
  mode: z.enum(['local', 'workshop']),
  launcher: launcherStatusSchema,
});

export const labProgressSchema = z.object({
  passed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  passedChecks: z.array(z.string()),
  checkedAt: z.string(),
  /** The first time every check passed; it stays set when a later run fails. */
  completedAt: z.string().nullable(),
});
export type LabProgress = z.infer<typeof labProgressSchema>;

export const progressSchema = z.object({ labs: z.record(z.string(), labProgressSchema) });

export const labDetailSchema = z.object({
  lab: labMetaSchema,
  files: z.array(fileSchema),
  app: appStateSchema,
});
