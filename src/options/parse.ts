/** Commander hands us loosely typed options; every command checks them with zod first. */
import type * as z from 'zod';
import { usageError } from '../core/errors.js';

export function parseOptions<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const flag = issue?.path.length
    ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    : 'options';
  throw usageError(`${flag}: ${issue?.message ?? 'invalid'}`);
}
