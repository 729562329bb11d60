import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { publishedPackages, repositoryRoot } from './workspace.js';

/** The TypeScript examples of one README, as one script: the blocks in order, imports merged at the top. */
export interface ReadmeScript {
  readme: string;
  /** The script, with each block's first line kept as a `//# block N (README line L)` marker. */
  source: string;
  /** How many ```ts blocks the README has. */
  blocks: number;
}

/** The package directories whose READMEs carry examples, and where their sources are (for the alias). */
export const sourceAliases: Record<string, string> = {
  ...Object.fromEntries(
    publishedPackages.map((pkg) => [pkg.name, join(repositoryRoot, pkg.directory, 'src', 'index.ts')]),
  ),
  '@ha/lab/vitest': join(repositoryRoot, 'tools/lab/src/vitest.ts'),
  '@ha/lab': join(repositoryRoot, 'tools/lab/src/index.ts'),
};

/**
 * Reads a README's ```ts blocks. They are written to be read one after the other,
 * as one script: later blocks use what earlier ones declared.
 */
export async function readReadmeScript(readme: string): Promise<ReadmeScript> {
  const text = await readFile(join(repositoryRoot, readme), 'utf8');
  const lines = text.split('\n');
  const imports = new Map<string, { names: Set<string>; types: Set<string> }>();
  const body: string[] = [];
  let blocks = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    blocks++;
    body.push(`//# block ${blocks} (${readme}:${i + 2})`);
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) {
      const line = lines[i] as string;
      const match = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';\s*$/.exec(line);
      if (!match) {
        body.push(line);
        continue;
      }
      const entry = imports.get(match[3] as string) ?? { names: new Set<string>(), types: new Set<string>() };
      for (const raw of (match[2] as string)
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)) {
        if (match[1] !== undefined || raw.startsWith('type ')) entry.types.add(raw.replace(/^type\s+/, ''));
        else entry.names.add(raw);
      }
      imports.set(match[3] as string, entry);
    }
  }
  const header = [...imports].map(([from, { names, types }]) => {
    const list = [...names, ...[...types].filter((type) => !names.has(type)).map((type) => `type ${type}`)];
    return `import { ${list.join(', ')} } from '${from}';`;
  });
  return { readme, source: `${header.join('\n')}\n${body.join('\n')}\n`, blocks };
}

/** What the harness adds around a README's script: the reader's own names, declared, and defined for a run. */
export interface ExampleContext {
  /** Declarations of names the examples take as given (`newText`, `restartMyService`): for the type check. */
  declarations?: string;
  /** Their definitions, for a run. */
  definitions?: string;
  /** Statements run before the examples (after the imports), e.g. a timer that ends a loop meant to run for ever. */
  prologue?: string;
  /** Statements run after the last example, e.g. closing a server the examples left listening. */
  epilogue?: string;
  /** Literal replacements for a run, e.g. a path that exists only on a production host → a test copy. */
  replace?: Record<string, string>;
}

/** Type-checks README scripts against the packages' sources (strict, as users compile). One diagnostic a line. */
export async function typeCheckScripts(
  scripts: readonly { script: ReadmeScript; context: ExampleContext }[],
  workDirectory: string,
): Promise<string[]> {
  await mkdir(workDirectory, { recursive: true });
  const files: string[] = [];
  for (const { script, context } of scripts) {
    const file = join(workDirectory, `${script.readme.replace(/[^a-z0-9]+/gi, '-')}.ts`);
    // `declare` lines go after the imports: a module keeps its imports first for readability only.
    await writeFile(file, `${script.source}\n${context.declarations ?? ''}\nexport {};\n`);
    files.push(file);
  }
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node', 'vitest/globals'],
    typeRoots: [join(repositoryRoot, 'node_modules/@types'), join(repositoryRoot, 'node_modules')],
    baseUrl: repositoryRoot,
    paths: Object.fromEntries(Object.entries(sourceAliases).map(([name, path]) => [name, [path]])),
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || files.includes(diagnostic.file.fileName))
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      if (!diagnostic.file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      // Name the README line, not the generated file's.
      const lines = diagnostic.file.text.split('\n');
      let marker = 'imports';
      let markerLine = 0;
      for (let i = line; i >= 0; i--) {
        const found = /^\/\/# block \d+ \((.+):(\d+)\)$/.exec(lines[i] ?? '');
        if (found) {
          marker = found[1] as string;
          markerLine = Number(found[2]) + (line - i - 1);
          break;
        }
      }
      return `${marker}:${markerLine}: ${message}`;
    });
}

/** Bundles a README script (packages from source) with its context into one runnable ES module file. */
export async function bundleScript(script: ReadmeScript, context: ExampleContext, outFile: string): Promise<void> {
  const [imports, ...body] = script.source.split('\n//# block ');
  // The reader's own names are defined before the examples that use them.
  let source = `${imports}\n${context.definitions ?? ''}\n${context.prologue ?? ''}\n//# block ${body.join('\n//# block ')}\n${context.epilogue ?? ''}\n`;
  for (const [from, to] of Object.entries(context.replace ?? {})) source = source.split(from).join(to);
  await build({
    stdin: { contents: source, loader: 'ts', resolveDir: repositoryRoot, sourcefile: script.readme },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: outFile,
    alias: sourceAliases,
    // Dependencies load from node_modules as they would for a user; only our packages come from source.
    packages: 'external',
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
}

/** Removes what the harness wrote. */
export async function cleanWorkDirectory(workDirectory: string): Promise<void> {
  await rm(workDirectory, { recursive: true, force: true });
}
