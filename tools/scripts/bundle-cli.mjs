// Bundles a package's compiled CLI (dist/cli.js) and everything it imports into
// dist/cli.bundle.js, which the package's bin runs. Node 20 spends most of a
// CLI's start in finding, reading and compiling a few hundred module files
// (zod, execa …): one file starts much faster (ha-pcs status in a lab node: about
// 250 ms unbundled, about 110 ms bundled). What the code imports only when it
// needs it (`await import(…)`: execa, for one) goes into chunks beside it
// (dist/cli.chunk-*.js), so a command that never runs a program does not even
// compile execa (about 10 ms less for ha-haproxy). The library itself
// (dist/index.js) stays unbundled, with its dependencies.
// Usage (from a package folder, after tsc): node ../../tools/scripts/bundle-cli.mjs
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

// zod's namespace object re-exports every locale's messages (about 300 KB that must be
// compiled at each start); ha-toolkit speaks English only, which zod keeps on its own.
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// Chunks are named by their content: the ones of an earlier build go first.
for (const file of await readdir('dist')) if (file.startsWith('cli.chunk-')) await rm(join('dist', file));

await build({
  entryPoints: ['dist/cli.js'],
  outdir: 'dist',
  // Beside dist/cli.js, so that `new URL('../package.json', import.meta.url)` finds the package.
  entryNames: '[name].bundle',
  chunkNames: 'cli.chunk-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies (ini …) call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire as __haCreateRequire } from 'node:module';\nconst require = __haCreateRequire(import.meta.url);",
  },
  // Smaller source compiles faster; names are kept (errors carry their class names).
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  plugins: [englishOnlyZod],
  logLevel: 'warning',
});
