import { describe, expect, it } from 'vitest';
import { safeParse } from '../src/parse/cst.js';
import { validate } from '../src/validate/rules.js';
import { generateConfig } from './generate.js';

describe('size', () => {
  it('parse and validate take time linear in the input: 1, 10 and 50 MB (the ratios, not the times)', () => {
    const texts = new Map([1, 10, 50].map((megabytes) => [megabytes, generateConfig(megabytes * 1_000_000)]));
    const measure = (megabytes: number) => {
      const text = texts.get(megabytes) as string;
      const started = performance.now();
      const findings = validate(safeParse(text));
      const elapsed = performance.now() - started;
      expect(findings).toEqual([]);
      return elapsed;
    };
    // The first run compiles the code; the small input is measured twice and its faster run kept.
    measure(1);
    const small = Math.min(measure(1), measure(1));
    const medium = measure(10);
    const large = measure(50);
    // Linear: about 10 and 5 times as long (a busy machine may double that); quadratic: 100 and 25.
    expect(medium / small, `1 MB ${small.toFixed(0)} ms, 10 MB ${medium.toFixed(0)} ms`).toBeLessThan(30);
    expect(large / medium, `10 MB ${medium.toFixed(0)} ms, 50 MB ${large.toFixed(0)} ms`).toBeLessThan(12);
  }, 300_000);
});
