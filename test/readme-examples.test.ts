import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readmeContexts } from './readme-contexts.js';
import { cleanWorkDirectory, readReadmeScript, typeCheckScripts } from './readme-examples.js';
import { repositoryRoot } from './workspace.js';

const work = join(repositoryRoot, 'node_modules', '.cache', 'ha-readme-examples', 'check');
afterAll(() => cleanWorkDirectory(work));

describe('README examples', () => {
  it('compile as written against the packages (strict TypeScript, one script a README)', async () => {
    const scripts = await Promise.all(
      Object.entries(readmeContexts).map(async ([readme, context]) => ({
        script: await readReadmeScript(readme),
        context,
      })),
    );
    expect(scripts.filter(({ script }) => script.blocks > 0).length).toBeGreaterThanOrEqual(8);
    const diagnostics = await typeCheckScripts(scripts, work);
    expect(diagnostics).toEqual([]);
  }, 120_000);
});
