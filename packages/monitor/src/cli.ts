import { createPackageCli } from '@ha/core';
import { monitorTools } from './tools.js';

/** The `ha-monitor` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-monitor',
  description: 'Watch Pacemaker, Corosync, HAProxy and DRBD and alert on degradation',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: monitorTools,
});
