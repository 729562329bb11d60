import { createPackageCli } from '@ha/core';
import { haproxyRuntimeTools } from './tools.js';

/** The `ha-haproxy` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-haproxy',
  description: 'Talk to a running HAProxy over its Runtime API (stats socket)',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: haproxyRuntimeTools,
});
