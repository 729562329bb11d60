import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors/ha-error.js';
import { parseWithSchema, safeParseWithSchema } from './zod.js';

const schema = z.object({ nodes: z.array(z.object({ name: z.string(), id: z.number().int().positive() })) });

describe('zod helpers', () => {
  it('returns the parsed data', () => {
    expect(parseWithSchema(schema, { nodes: [{ name: 'node1', id: 1 }] }, 'node list')).toEqual({
      nodes: [{ name: 'node1', id: 1 }],
    });
  });

  it('throws a ValidationError naming the subject and the path', () => {
    const bad = {
      nodes: [
        { name: 'node1', id: 1 },
        { name: 'node2', id: -2 },
      ],
    };
    expect(() => parseWithSchema(schema, bad, 'node list')).toThrow(ValidationError);
    const result = safeParseWithSchema(schema, bad, 'node list');
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.code).toBe('VALIDATION_ERROR');
    expect(result.error.issues[0]).toMatchObject({ path: ['nodes', 1, 'id'], code: 'too_small' });
    expect(result.error.message).toMatch(/^invalid node list at nodes\.1\.id: /);
  });
});
