import { foreignLabOwner, teardownLab } from '../src/teardown.js';

/** Before the integration files: remove whatever a crashed earlier run left (a lab another live run uses is not that). */
export async function setup(): Promise<void> {
  const owner = await foreignLabOwner();
  if (owner !== undefined)
    throw new Error(`the lab is in use by process ${owner}; run the integration tests when it is done`);
  await teardownLab();
}

/** After them: nothing of the lab may remain on the machine. */
export async function teardown(): Promise<void> {
  if ((await foreignLabOwner()) !== undefined) return;
  const left = await teardownLab();
  if (left.length > 0) throw new Error(`integration tests left lab resources behind: ${left.join('; ')}`);
}
