import type { LabCluster } from '@ha/lab';
import { PcsClient, type ClusterStatus } from '../src/index.js';

// Helpers of the live suites that change a lab cluster and compare what happened with what was planned.

/**
 * Waits until the DC has nothing more to do (crm_resource --wait runs the scheduler on the live CIB
 * until it plans no action), then reads the status, both from `node`.
 */
export async function settledStatus(lab: LabCluster, node = 'node1'): Promise<ClusterStatus> {
  return new PcsClient({ runner: lab.runner(node) }).waitUntilIdle({ timeoutMs: 120_000 });
}

/** How many starts of each resource each node's executor has logged ("Result of start operation for R on N"), by `R@N`. */
export async function startCounts(lab: LabCluster): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const node of lab.nodeNames) {
    if (!lab.isPoweredOn(node)) continue;
    const { stdout } = await lab.exec(
      node,
      'grep',
      ['-h', '-o', 'Result of start operation for [^ ]* on [^:]*', '/var/log/pacemaker/pacemaker.log'],
      { allowExitCodes: [1] },
    );
    for (const line of stdout.split('\n')) {
      const match = /for (\S+) on (\S+)$/.exec(line.trim());
      if (!match) continue;
      // Clone instances are logged as R:0 on Pacemaker 2.1.
      const key = `${(match[1] ?? '').replace(/:\d+$/, '')}@${match[2] ?? ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The resources whose start count went up between two `startCounts`. */
export function startedBetween(before: Map<string, number>, after: Map<string, number>): string[] {
  const started = new Set<string>();
  for (const [key, count] of after) if (count > (before.get(key) ?? 0)) started.add(key.split('@')[0] as string);
  return [...started].sort();
}
