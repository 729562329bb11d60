import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUndocumentedExports } from '../tools/scripts/jsdoc-coverage.js';
import { publishedPackages, repositoryRoot } from './workspace.js';

// Users read the API in their editor: every export, and every field of every exported type
// (zod-inferred model types included), has a JSDoc comment.
describe('JSDoc on the public API', () => {
  for (const { name, directory } of [...publishedPackages, { name: '@ha/lab', directory: 'tools/lab' }]) {
    it(`${name}: every export and every field of an exported type is documented`, () => {
      const missing = findUndocumentedExports(join(repositoryRoot, directory));
      expect(missing.map((item) => `${item.name} (${item.where})`)).toEqual([]);
    }, 120_000);
  }
});
