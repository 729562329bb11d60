import { createPackageCli } from '@ha/core';
import { haproxyConfigTools } from './tools.js';

/** The `ha-haproxy-config` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-haproxy-config',
  description: 'Read, build, validate and safely install haproxy.cfg',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: haproxyConfigTools,
});
