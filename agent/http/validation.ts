import type { Context } from 'hono';
import type { z } from 'zod';
import { fieldErrors, invalid } from '../errors.js';
import { throwBodyProblem } from './text.js';

/** Used as the OpenAPI routes' validation hook: every schema violation is a 422 listing all fields. */
export function validationHook(result: { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] } }, c?: Context): void {
  if (c) throwBodyProblem(c.req.raw);
  if (!result.success && result.error) throw invalid(fieldErrors(result.error.issues));
}
