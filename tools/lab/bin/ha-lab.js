#!/usr/bin/env node
// Shim: all behaviour lives in the typed library; see src/cli.ts.
import { main } from '../dist/cli.js';

await main();
