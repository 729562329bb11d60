// Bundles a package's compiled CLI (dist/cli.js) and everything it imports into
// one file, dist/cli.bundle.js, which the package's bin runs. Node 20 spends most
// of a CLI's start in finding, reading and compiling a few hundred module files
// (zod, execa …): one file starts much faster (ha-pcs status in a lab node: about
// 250 ms unbundled, about 110 ms bundled). The library itself (dist/index.js) stays unbundled, with its dependencies.
// Usage (from a package folder, after tsc): node ../../tools/scripts/bundle-cli.mjs
import { dirname } from 'node:path';
import { build } from 'esbuild';

// zod's namespace object re-exports every locale's messages (about 300 KB that must be
// compiled at each start); ha-toolkit speaks English only, which zod keeps on its own.
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({ contents: "export { default as en } from './en.js';\n", loader: 'js', resolveDir: dirname(args.path) }));
  },
};

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
  plugins: [englishOnlyZod],
  logLevel: 'warning',
});
