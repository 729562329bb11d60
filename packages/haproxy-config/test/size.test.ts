import { describe, expect, it } from 'vitest';
import { expectLinearCosts, measureSizes } from '@ha/core/testing';
import { safeParse } from '../src/parse/cst.js';
import { validate } from '../src/validate/rules.js';
import { generateConfig } from './generate.js';

describe('size', () => {
  it('parse and validate take time linear in the input: 1, 10 and 50 MB (the ratios, not the times)', async () => {
    const costs = await measureSizes(
      [1, 10, 50],
      (megabytes) => generateConfig(megabytes * 1_000_000),
      (text) => expect(validate(safeParse(text).document)).toEqual([]),
    );
    expectLinearCosts(costs);
  }, 300_000);
});
