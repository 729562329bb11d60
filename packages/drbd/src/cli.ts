import { createPackageCli } from '@ha/core';
import { drbdTools } from './tools.js';

/** The `ha-drbd` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-drbd',
  description: 'Read and write DRBD resource files, drive drbdadm, read replication status',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: drbdTools,
});
