#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
// Shim: all behaviour lives in the typed library; see src/cli.ts. The bin runs the CLI
// bundled (tools/scripts/bundle-cli.mjs): it starts several times faster.
// Node 22.1+ also keeps compiled code between runs. (Node 20 has no such cache.)
// Node reads and parses NODE_EXTRA_CA_CERTS at every start, before any of our code;
// this CLI opens no TLS connection, so it goes without.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli.bundle.js');
await main();
