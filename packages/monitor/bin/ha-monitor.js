#!/usr/bin/env node
// Shim: all behaviour lives in the typed library; see src/cli.ts. The bin runs the CLI
// bundled into one file (tools/scripts/bundle-cli.mjs): it starts several times faster.
// Node 22.1+ also keeps compiled code between runs. (Node 20 has no such cache.)
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli.bundle.js');
await main();
