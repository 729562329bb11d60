import { readFile, rmdir } from 'node:fs/promises';
import { defaultRunner, type Runner } from '@ha/core';
import { teardownCluster } from './cluster.js';
import { stopHaproxyLab } from './haproxy.js';
import { defaultStateRoot, labPaths } from './layout.js';
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

/**
 * The PID of another live process whose cluster this is (not this process, nor one of its
 * children): a test run started beside a lab in use leaves it alone rather than removing it
 * as a leftover. Undefined when there is no cluster, or its booter is gone or ours.
 */
export async function foreignLabOwner(stateRoot: string = defaultStateRoot): Promise<number | undefined> {
  const pid = Number((await readFile(labPaths(stateRoot).owner, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  for (
    let ancestor: number | undefined = pid;
    ancestor !== undefined && ancestor > 1;
    ancestor = await parentOf(ancestor)
  ) {
    if (ancestor === process.pid) return undefined;
  }
  return (await parentOf(pid)) === undefined ? undefined : pid;
}

// The parent PID from /proc/PID/stat (after the command's closing parenthesis); undefined once the process is gone.
async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
