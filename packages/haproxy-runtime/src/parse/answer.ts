import { safeParseWithSchema, type SourcePosition } from '@ha/core';
import type { z } from 'zod';
import { runtimeParseError, type HaproxyRuntimeParseReason } from '../errors.js';

/**
 * Fields read from an answer, checked against their schema. A mismatch is a
 * `ParseError` (the answer is not what the command prints), with the
 * `ValidationError` and its issues as its `cause`.
 */
export function parseAnswerFields<S extends z.ZodType>(
  schema: S,
  data: unknown,
  subject: string,
  reason: HaproxyRuntimeParseReason,
  position: SourcePosition | { file?: string } = {},
): z.output<S> {
  const result = safeParseWithSchema(schema, data, subject);
  if (!result.success) throw runtimeParseError(reason, result.error.message, position, { cause: result.error });
  return result.data;
}
