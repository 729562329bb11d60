import { createPackageCli } from '@ha/core';
import { corosyncTools } from './tools.js';

/** The `ha-corosync` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-corosync',
  description: 'Read, generate, validate and change corosync.conf; show ring status',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: corosyncTools,
});
