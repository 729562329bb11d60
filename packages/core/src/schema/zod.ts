import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors/ha-error.js';

/** The result of a non-throwing validation. */
export type SafeResult<T> =
  | {
      /** The data matched the schema. */
      success: true;
      /** The validated data, as the schema outputs it (defaults applied, transforms run). */
      data: T;
    }
  | {
      /** The data did not match the schema. */
      success: false;
      /** Every problem found, naming the subject. */
      error: ValidationError;
    };

/** Validates `data`, throwing a `ValidationError` that names `subject`. */
export function parseWithSchema<S extends z.ZodType>(schema: S, data: unknown, subject: string): z.output<S> {
  const result = safeParseWithSchema(schema, data, subject);
  if (!result.success) throw result.error;
  return result.data;
}

/** Validates `data` without throwing. */
export function safeParseWithSchema<S extends z.ZodType>(
  schema: S,
  data: unknown,
  subject: string,
): SafeResult<z.output<S>> {
  const result = schema.safeParse(data);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    error: new ValidationError(subject, toValidationIssues(result.error.issues), { cause: result.error }),
  };
}

/** zod's issues in ha-toolkit's shape (paths of strings and numbers only). */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? part.toString() : part)),
    code: issue.code,
    message: issue.message,
  }));
}
