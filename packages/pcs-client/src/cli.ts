import { createPackageCli } from '@ha/core';
import { pacemakerTools } from './tools.js';

/** The `ha-pcs` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-pcs',
  description: 'Drive and read a Pacemaker cluster through pcs and the Pacemaker CLI tools',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: pacemakerTools,
});
