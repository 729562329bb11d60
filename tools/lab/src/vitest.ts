import { afterAll, beforeAll } from 'vitest';
import { LabCluster, type LabUpOptions } from './cluster.js';
import { startHaproxyLab, type HaproxyLab, type HaproxyLabOptions } from './haproxy.js';
import { teardownLab } from './teardown.js';
import { defaultStack, locateStack, stackDefinitions, stackToolRunner, type StackName } from './stacks.js';
import { defaultStateRoot } from './layout.js';
import type { Runner } from '@ha/core';

/** The generation this test run's live suites use (`HA_LAB_STACK`, set per vitest project; else the host's). */
export function labStack(): StackName {
  return defaultStack();
}

/**
 * A pattern for a version of this run's generation: `labSeries('pacemaker')`
 * matches `2.1.5` on debian12, `3.0.0` on debian13.
 */
export function labSeries(program: keyof (typeof stackDefinitions)[StackName]['series']): RegExp {
  const series = stackDefinitions[defaultStack()].series[program];
  return new RegExp(`^${series.replace(/\./g, '\\.')}\\.`);
}

/**
 * This generation's tools on the host side, seeing the host's files: `haproxy -c`,
 * `corosync -t`, a reload command. On the host's own generation, the host's runner.
 */
export async function labTools(): Promise<Runner> {
  return stackToolRunner(await locateStack(defaultStack()), defaultStateRoot);
}

/**
 * Gives the calling test file one booted cluster, shared by its tests, and
 * always tears it down afterwards, also when tests fail. A lab left by a
 * crashed run is removed first. Returns a getter, valid inside tests.
 */
export function useLabCluster(options: LabUpOptions): () => LabCluster {
  return useLab('the lab cluster', () => LabCluster.up(options), 240_000);
}

/** The same for the lab's HAProxy and its backends. */
export function useLabHaproxy(options: HaproxyLabOptions = {}): () => HaproxyLab {
  return useLab('the lab HAProxy', () => startHaproxyLab(options), 60_000);
}

/** A cluster and the lab's HAProxy together (one teardown for both: each alone would remove the other). */
export function useLabStack(options: {
  cluster: LabUpOptions;
  haproxy?: HaproxyLabOptions;
}): () => { cluster: LabCluster; haproxy: HaproxyLab } {
  return useLab(
    'the lab cluster and HAProxy',
    async () => {
      const cluster = await LabCluster.up(options.cluster);
      return { cluster, haproxy: await startHaproxyLab(options.haproxy ?? {}) };
    },
    240_000,
  );
}

function useLab<T>(what: string, start: () => Promise<T>, startTimeoutMs: number): () => T {
  let value: T | undefined;
  beforeAll(async () => {
    await teardownLab();
    value = await start();
  }, startTimeoutMs);
  afterAll(async () => {
    const left = await teardownLab();
    if (left.length > 0) throw new Error(`the lab left things behind: ${left.join('; ')}`);
  }, 120_000);
  return () => {
    if (value === undefined) throw new Error(`${what} is not up (did its beforeAll fail?)`);
    return value;
  };
}
