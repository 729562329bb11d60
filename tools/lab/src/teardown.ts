import { rmdir } from 'node:fs/promises';
import { defaultRunner, type Runner } from '@ha/core';
import { teardownCluster } from './cluster.js';
import { stopHaproxyLab } from './haproxy.js';
import { defaultStateRoot } from './layout.js';
import { findLabLeftovers } from './leftovers.js';
import { waitFor } from './wait.js';

/**
 * Removes everything the lab made under `stateRoot` (cluster and HAProxy),
 * whatever state a crashed run left it in, and returns what is still there
 * after a short grace period (empty when the machine is clean).
 */
export async function teardownLab(
  stateRoot: string = defaultStateRoot,
  host: Runner = defaultRunner,
): Promise<string[]> {
  await stopHaproxyLab(stateRoot);
  await teardownCluster(stateRoot, host);
  await rmdir(stateRoot).catch(() => undefined);
  // unshare parents and daemons linger for a second or two after their node dies.
  try {
    return await waitFor(
      'the lab to be gone',
      10_000,
      async () => {
        const left = await findLabLeftovers(host, stateRoot);
        return left.length === 0 ? left : undefined;
      },
      200,
    );
  } catch {
    return findLabLeftovers(host, stateRoot);
  }
}
