import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRunner } from '@ha/core';
import { labPackage, publishedPackages, repositoryRoot } from './workspace.js';

// What `npm pack` puts in each tarball, read from one `npm pack --dry-run --workspaces` of the
// built packages: nothing is written or installed. (packages.int.test.ts installs and runs them.)

interface PackageJson {
  main?: string;
  types?: string;
  exports?: unknown;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const everyPackage = [...publishedPackages, labPackage];
const packedByName = new Map<string, Set<string>>();

beforeAll(async () => {
  for (const { name, directory } of everyPackage) {
    if (!existsSync(join(repositoryRoot, directory, 'dist', 'index.js')))
      throw new Error(`${name} is not built: run 'npm run build' first`);
  }
  const { stdout } = await defaultRunner.run(
    'npm',
    ['pack', '--dry-run', '--json', '--ignore-scripts', '--workspaces'],
    { cwd: repositoryRoot },
  );
  for (const packed of JSON.parse(stdout) as { name: string; files: { path: string }[] }[]) {
    packedByName.set(packed.name, new Set(packed.files.map((file) => file.path)));
  }
}, 120_000);

function packedFiles(name: string): Set<string> {
  const packed = packedByName.get(name);
  if (packed === undefined) throw new Error(`npm pack --workspaces packed no ${name}`);
  return packed;
}

/** Every file path an `exports` map names (conditions and subpaths nested to any depth). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

const inPackage = (path: string) => posix.normalize(path).replace(/^\.\//, '');

describe.each(everyPackage)('$name: its packed files', ({ name, directory }) => {
  const root = join(repositoryRoot, directory);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  let packed = new Set<string>();
  beforeAll(() => {
    packed = packedFiles(name);
  });

  it('hold every entry point its package.json names (exports, main, types, bin), built', () => {
    const entries = [
      ...exportTargets(manifest.exports),
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin ?? {}),
    ]
      .filter((path) => path !== undefined)
      .map(inPackage);
    expect(entries).toContain('dist/index.js');
    expect(entries.filter((path) => !packed.has(path))).toEqual([]);
  });

  it('hold what each bin shim loads', () => {
    for (const bin of Object.values(manifest.bin ?? {})) {
      const shim = readFileSync(join(root, bin), 'utf8');
      const loaded = [...shim.matchAll(/import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)].map((match) =>
        posix.join(posix.dirname(inPackage(bin)), match[1] as string),
      );
      expect(loaded, `${bin} loads nothing we can see`).not.toEqual([]);
      expect(loaded.filter((path) => !packed.has(path))).toEqual([]);
    }
  });

  // A declaration map sends "go to definition" to its `sources`; a source map sends stack
  // traces there. Each must be shipped, or the map points at nothing.
  it('hold the sources of every declaration and source map', () => {
    const orphans: string[] = [];
    for (const map of [...packed].filter((path) => path.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const path = posix.join(posix.dirname(map), source);
        if (!packed.has(path)) orphans.push(`${map} → ${path}`);
      }
    }
    expect(orphans).toEqual([]);
  });

  it('hold no tests', () => {
    expect([...packed].filter((path) => /\.test\.|^test\//.test(path))).toEqual([]);
  });
});

describe('@ha/lab: a package operators install', () => {
  const root = join(repositoryRoot, labPackage.directory);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

  // The lab copies its scripts into every node and spawns its compiled backend server: each file
  // its code finds beside itself (`new URL('../…', import.meta.url)`) must be in the tarball.
  it('ships every file its code reads beside itself', () => {
    const packed = packedFiles(labPackage.name);
    const wanted = new Set<string>();
    for (const file of [...packed].filter((path) => path.endsWith('.js'))) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/new URL\(\s*['"`](\.{1,2}\/[^'"`]+)['"`]\s*,\s*import\.meta\.url\s*\)/g)) {
        const path = posix.join(posix.dirname(file), match[1] as string);
        // `../../..` and the like leave the package (the repository's own folders, in tests).
        if (!path.startsWith('..')) wanted.add(path);
      }
    }
    expect([...wanted]).toEqual(
      expect.arrayContaining(['dist/backend-server.js', 'scripts/ha-lab-node-init', 'package.json']),
    );
    expect([...wanted].filter((path) => !packed.has(path))).toEqual([]);
  });

  // vitest as a required peer makes npm install it, with vite and rolldown: about 98 MB for a CLI.
  it('needs vitest only for @ha/lab/vitest: an optional peer, and no other peer', () => {
    expect(manifest.peerDependencies).toEqual({ vitest: expect.any(String) });
    expect(manifest.peerDependenciesMeta?.vitest?.optional).toBe(true);
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('vitest');
  });
});
