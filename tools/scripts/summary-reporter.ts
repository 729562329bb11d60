import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Closes the run with plain lines after vitest's own summary, so that anything
 * reading the log finds the result without parsing colours: one per project
 * (`unit`, `integration:debian12`, `integration:debian13`), then the total,
 * `tests: N passed, N failed[, N skipped]`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const byProject = new Map<string, Counts>();
    for (const module of testModules) {
      const name = module.project.name || 'default';
      const counts = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      byProject.set(name, counts);
      const add = (key: keyof Counts) => {
        counts[key]++;
        total[key]++;
      };
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        add(state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped');
      }
      // A file that failed to load has no tests but is a failure.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) add('failed');
    }
    const line = (counts: Counts) =>
      `${counts.passed} passed, ${counts.failed} failed${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}`;
    process.stdout.write('\n');
    if (byProject.size > 1)
      for (const [name, counts] of [...byProject].sort()) process.stdout.write(`${name}: ${line(counts)}\n`);
    process.stdout.write(`tests: ${line(total)}\n`);
  }
}
