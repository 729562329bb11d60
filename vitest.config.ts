import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import workspace packages from source, so a unit run needs no build.
const alias = {
  '@ha/core/testing': here('./packages/core/src/testing/index.ts'),
  '@ha/core': here('./packages/core/src/index.ts'),
  '@ha/corosync-config': here('./packages/corosync-config/src/index.ts'),
  '@ha/pcs-client': here('./packages/pcs-client/src/index.ts'),
  '@ha/haproxy-config': here('./packages/haproxy-config/src/index.ts'),
  '@ha/haproxy-runtime': here('./packages/haproxy-runtime/src/index.ts'),
  '@ha/drbd': here('./packages/drbd/src/index.ts'),
  '@ha/monitor': here('./packages/monitor/src/index.ts'),
  '@ha/lab/vitest': here('./tools/lab/src/vitest.ts'),
  '@ha/lab': here('./tools/lab/src/index.ts'),
};

// `HA_LAB_STACKS=debian13` runs the live suites on one generation only.
const stacks = (process.env.HA_LAB_STACKS ?? 'debian12,debian13').split(',').filter((name) => name.length > 0);
// Integration files that run no tool of a generation (the tarballs as users install them, parsers timed on big
// inputs): they run alone, as integration files do, but once, with the first generation.
const generationFree = [
  'test/packages.int.test.ts',
  'packages/corosync-config/test/large-input.int.test.ts',
  'packages/haproxy-config/test/cli-size.int.test.ts',
  'packages/monitor/test/web-config.int.test.ts',
];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ['default', here('./tools/scripts/summary-reporter.ts')],
    // The linear-time checks collect garbage before each measured run (packages/core/src/testing/linear-time.ts).
    execArgv: ['--expose-gc'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'tools/*/src/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
          sequence: { groupOrder: 0 },
        },
      },
      // Every live suite runs once per generation of the stack, one generation after the other.
      ...stacks.map((stack, index) => ({
        extends: true as const,
        test: {
          // Files here boot real clusters and daemons: one file at a time, after the unit tests.
          name: `integration:${stack}`,
          include: [
            'packages/*/src/**/*.int.test.ts',
            'packages/*/test/**/*.int.test.ts',
            'tools/*/src/**/*.int.test.ts',
            'tools/*/test/**/*.int.test.ts',
            'test/**/*.int.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**', ...(index === 0 ? [] : generationFree)],
          env: { HA_LAB_STACK: stack },
          fileParallelism: false,
          sequence: { groupOrder: 1 + index },
          testTimeout: 180_000,
          hookTimeout: 240_000,
          globalSetup: [here('./tools/lab/test/global-setup.ts')],
        },
      })),
    ],
  },
});
