#!/usr/bin/env node
// Shim: all behaviour lives in the typed library; see src/cli.ts.
// Node 22.1+ keeps compiled modules between runs: a CLI starts tens of ms faster. (Node 20 has no cache.)
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
await main();
