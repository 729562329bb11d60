// Bundles a package's compiled CLI (dist/cli.js) and everything it imports into
// one file, dist/cli.bundle.js, which the package's bin runs. Node 20 spends most
// of a CLI's start in finding, reading and compiling a few hundred module files
// (zod, execa …): one file starts several times faster (ha-pcs status: ~250 ms →
// ~80 ms). The library itself (dist/index.js) stays unbundled, with its dependencies.
// Usage (from a package folder, after tsc): node ../../tools/scripts/bundle-cli.mjs
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/cli.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (ini …) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __haCreateRequire } from 'node:module';\nconst require = __haCreateRequire(import.meta.url);" },
  // Smaller source compiles faster; names are kept (errors carry their class names).
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
