import { teardownLab } from '../src/teardown.js';

/** Before the integration files: remove whatever a crashed earlier run left. */
export async function setup(): Promise<void> {
  await teardownLab();
}

/** After them: nothing of the lab may remain on the machine. */
export async function teardown(): Promise<void> {
  const left = await teardownLab();
  if (left.length > 0) throw new Error(`integration tests left lab resources behind: ${left.join('; ')}`);
}
