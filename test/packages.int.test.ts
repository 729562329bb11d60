import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { labPackage, publishedPackages, repositoryRoot } from './workspace.js';

// Each package as a user gets it: `npm pack`, installed into an empty folder outside the repository.
const scratch = await mkdtemp(join(tmpdir(), 'ha-packages-'));
const consumer = join(scratch, 'consumer');
afterAll(() => rm(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  const tarballs: string[] = [];
  // The lab too: private to the workspace, but operators install it from its tarball.
  for (const pkg of [...publishedPackages, labPackage]) {
    const directory = join(repositoryRoot, pkg.directory);
    if (!existsSync(join(directory, 'dist', 'index.js')))
      throw new Error(`${pkg.name} is not built: run 'npm run build' first`);
    const { stdout } = await defaultRunner.run('npm', ['pack', '--silent', '--pack-destination', scratch], {
      cwd: directory,
    });
    tarballs.push(join(scratch, stdout.trim().split('\n').at(-1) as string));
  }
  await mkdir(consumer);
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await defaultRunner.run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, '@types/node@20'],
    { cwd: consumer, timeoutMs: 300_000 },
  );
}, 360_000);

describe('published packages', () => {
  it.each([...publishedPackages.filter((pkg) => pkg.bin !== undefined), labPackage])(
    '$name: its bin runs from the install and prints --help',
    async ({ bin }) => {
      const { stdout } = await defaultRunner.run(join(consumer, 'node_modules', '.bin', bin as string), ['--help'], {
        cwd: consumer,
      });
      expect(stdout).toContain(bin);
      expect(stdout).toMatch(/^usage\b/im);
    },
  );

  // Its test-runner integration (`@ha/lab/vitest`) is an optional peer: installing the lab for its
  // CLI and library brings no vitest, vite or rolldown (about 98 MB when it was a required peer).
  it('@ha/lab: its library imports from the install, and no test runner came with it', async () => {
    await writeFile(
      join(consumer, 'lab.mjs'),
      `const lab = await import('@ha/lab');\nconsole.log(typeof lab.LabCluster, typeof lab.parseClusterView);\n`,
    );
    const { stdout } = await defaultRunner.run(process.execPath, ['lab.mjs'], { cwd: consumer });
    expect(stdout).toBe('function function\n');
    for (const name of ['vitest', 'vite', 'rolldown'])
      expect(existsSync(join(consumer, 'node_modules', name)), name).toBe(false);
  });

  it('every package imports at run time from the install', async () => {
    const script =
      publishedPackages.map((pkg, i) => `import * as p${i} from '${pkg.name}';`).join('\n') +
      `\nconsole.log(JSON.stringify([${publishedPackages.map((_, i) => `Object.keys(p${i}).length`).join(', ')}]));\n`;
    await writeFile(join(consumer, 'run.mjs'), script);
    const { stdout } = await defaultRunner.run(process.execPath, ['run.mjs'], { cwd: consumer });
    for (const count of JSON.parse(stdout) as number[]) expect(count).toBeGreaterThan(0);
  });

  it("types resolve for a consumer compiling with moduleResolution nodenext, and deep imports don't", async () => {
    await writeFile(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        include: ['consumer.ts'],
      }),
    );
    await writeFile(
      join(consumer, 'consumer.ts'),
      [
        `import { createRunner, CommandError, type CommandResult, type Diagnostic, type ToolSpec } from '@ha/core';`,
        `import { corosyncTools, parse, toConfig, type CorosyncConfig } from '@ha/corosync-config';`,
        `import { pacemakerTools } from '@ha/pcs-client';`,
        `import { haproxyConfigTools } from '@ha/haproxy-config';`,
        `import { haproxyRuntimeTools } from '@ha/haproxy-runtime';`,
        `import { drbdTools } from '@ha/drbd';`,
        `import { monitorTools } from '@ha/monitor';`,
        `import { parseClusterView, type LabClusterView } from '@ha/lab';`,
        `// @ts-expect-error only the package root is public`,
        `import { createRunner as deep } from '@ha/core/dist/run/runner.js';`,
        `const specs: readonly ToolSpec[] = [...corosyncTools, ...pacemakerTools, ...haproxyConfigTools, ...haproxyRuntimeTools, ...drbdTools, ...monitorTools];`,
        `const result: Promise<CommandResult> = createRunner({ timeoutMs: 1000 }).run('true', []);`,
        `const diagnostic: Diagnostic<'X'> | undefined = undefined;`,
        `const config: CorosyncConfig = toConfig(parse('totem {\\n cluster_name: x\\n}\\n'));`,
        `const view: (xml: string) => LabClusterView = parseClusterView;`,
        `export { specs, result, diagnostic, deep, CommandError, config, view };`,
        ``,
      ].join('\n'),
    );
    const tsc = join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = await defaultRunner.run(process.execPath, [tsc, '-p', consumer], {
      cwd: consumer,
      allowExitCodes: [1, 2],
    });
    expect(compiled.stdout).toBe('');
    expect(compiled.exitCode).toBe(0);
  });
});
