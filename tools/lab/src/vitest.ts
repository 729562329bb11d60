import { afterAll, beforeAll } from 'vitest';
import { LabCluster, type LabUpOptions } from './cluster.js';
import { startHaproxyLab, type HaproxyLab, type HaproxyLabOptions } from './haproxy.js';
import { teardownLab } from './teardown.js';

/**
 * Gives the calling test file one booted cluster, shared by its tests, and
 * always tears it down afterwards, also when tests fail. A lab left by a
 * crashed run is removed first. Returns a getter, valid inside tests.
 */
export function useLabCluster(options: LabUpOptions): () => LabCluster {
  let lab: LabCluster | undefined;
  beforeAll(async () => {
    await teardownLab();
    lab = await LabCluster.up(options);
  }, 240_000);
  afterAll(async () => {
    const left = await teardownLab();
    if (left.length > 0) throw new Error(`the lab left things behind: ${left.join('; ')}`);
  }, 120_000);
  return () => {
    if (!lab) throw new Error('the lab cluster is not up (did its beforeAll fail?)');
    return lab;
  };
}

/** The same for the lab's HAProxy and its backends. */
export function useLabHaproxy(options: HaproxyLabOptions = {}): () => HaproxyLab {
  let lab: HaproxyLab | undefined;
  beforeAll(async () => {
    await teardownLab();
    lab = await startHaproxyLab(options);
  }, 60_000);
  afterAll(async () => {
    const left = await teardownLab();
    if (left.length > 0) throw new Error(`the lab left things behind: ${left.join('; ')}`);
  }, 60_000);
  return () => {
    if (!lab) throw new Error('the lab HAProxy is not up (did its beforeAll fail?)');
    return lab;
  };
}
