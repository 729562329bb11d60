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
 * `tests: N passed, N failed[, N skipped]`. Each project's line also says the
 * seconds its files took, and the slowest files follow: the suite has a time
 * budget (45 minutes on two cores), and this is where to look when it grows.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const byProject = new Map<string, Counts>();
    const seconds = new Map<string, number>();
    const files: { name: string; seconds: number }[] = [];
    for (const module of testModules) {
      const name = module.project.name || 'default';
      const counts = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      byProject.set(name, counts);
      const diagnostic = module.diagnostic();
      const took = (diagnostic.duration + diagnostic.collectDuration + diagnostic.setupDuration) / 1000;
      seconds.set(name, (seconds.get(name) ?? 0) + took);
      files.push({ name: `${name} ${module.moduleId.replace(`${process.cwd()}/`, '')}`, seconds: took });
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
      for (const [name, counts] of [...byProject].sort())
        process.stdout.write(`${name}: ${line(counts)}, ${Math.round(seconds.get(name) ?? 0)} s\n`);
    const slowest = files.sort((a, b) => b.seconds - a.seconds).slice(0, 12);
    if (slowest.length > 1) {
      process.stdout.write('slowest files:\n');
      for (const file of slowest) process.stdout.write(`  ${Math.round(file.seconds)} s ${file.name}\n`);
    }
    process.stdout.write(`tests: ${line(total)}\n`);
  }
}
