// The shape of a lab's metadata (labs/<folder>/lab.ts) and of the course outline (labs/course.ts).
import { z } from 'zod';

export const labIdSchema = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'a lab id is lower-case letters, digits and dashes');

/** A path inside a lab's workspace: relative, forward slashes, no `..`, no hidden or odd characters. */
export const workspacePathSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._\-/]+$/, 'a file path is relative and stays inside the workspace');

export const labMetaSchema = z.object({
  id: labIdSchema,
  number: z.number().int().min(1).max(99),
  title: z.string().min(3).max(80),
  summary: z.string().min(10).max(300).describe('one sentence: what the learner will be able to do'),
  entry: workspacePathSchema.default('server.ts').describe('the file `Run` starts with `node`'),
  files: z.array(z.object({
    path: workspacePathSchema,
    editable: z.boolean().default(true),
    description: z.string().max(200).optional(),
  })).min(1).describe('the files shown in the editor, in tab order'),
  ports: z.object({ app: z.literal(8999), nginx: z.literal(8888).optional() }).default({ app: 8999 }),
  services: z.array(z.enum(['nginx', 'redis'])).default([]),
  timing: z.record(z.string(), z.number().nonnegative()).default({})
    .describe('every duration the lesson quotes, in ms, so prose and checks use the same numbers'),
  hints: z.array(z.string().min(5)).default([]).describe('progressive hints, gentlest first'),
});
export type LabMeta = z.infer<typeof labMetaSchema>;
export type LabMetaInput = z.input<typeof labMetaSchema>;

export const courseEntrySchema = z.object({
  id: labIdSchema,
  number: z.number().int().min(1).max(99),
  title: z.string().min(3).max(80),
  summary: z.string().min(10).max(300),
});
export type CourseEntry = z.infer<typeof courseEntrySchema>;
