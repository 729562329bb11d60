import { readFileSync } from 'node:fs';
import { defineCliCommand, runCliMain, type CliCommand } from '../cli/cli.js';
import { defaultRunner } from '../run/runner.js';
import type { ToolSpec } from './tool-version.js';

/**
 * The `tools` subcommand every ha-toolkit CLI has: which of the real programs
 * it drives are installed, and their versions. Exit 1 when one is missing.
 */
export function createToolsCommand(specs: readonly ToolSpec[]): CliCommand<any> {
  return defineCliCommand({
    meta: { name: 'tools', description: 'Show the real programs this CLI drives and their versions' },
    args: { json: { type: 'boolean', description: 'Print JSON' } },
    async run({ args, io }) {
      // Loaded for this command only: its schema (zod) would cost every other command's start.
      const { detectToolVersion } = await import('./tool-version.js');
      const versions = await Promise.all(specs.map((spec) => detectToolVersion(spec, defaultRunner)));
      if (args.json) io.stdout(`${JSON.stringify(versions, null, 2)}\n`);
      else {
        for (const tool of versions) {
          const state = !tool.found
            ? 'not installed'
            : (tool.version ?? `installed (${tool.error ?? 'version unknown'})`);
          io.stdout(`${tool.name.padEnd(14)} ${tool.file.padEnd(16)} ${state}\n`);
        }
      }
      return versions.every((tool) => tool.found) ? 0 : 1;
    },
  });
}

/** What a package CLI declares; `createPackageCli` adds the shared parts. */
export interface PackageCliOptions {
  /** The program's name, as in the package's `bin` (`ha-pcs`): shown in help and error lines. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** `new URL('../package.json', import.meta.url)` of the package, for `--version`. */
  packageJsonUrl: URL;
  /** The real programs the CLI drives, listed by its `tools` subcommand. */
  tools: readonly ToolSpec[];
  /** The CLI's commands by name; `tools` is added to them. */
  subCommands?: Record<string, CliCommand<any>>;
  /** The root's own options and run, for a CLI whose main job needs no subcommand (`ha-monitor --config FILE`). */
  root?: Pick<CliCommand<any>, 'args' | 'run'>;
}

/**
 * The root command of a package's CLI (with `--version` and `tools`) and the
 * `main` its bin shim calls.
 */
export function createPackageCli(options: PackageCliOptions): { command: CliCommand<any>; main: () => Promise<void> } {
  const { version } = JSON.parse(readFileSync(options.packageJsonUrl, 'utf8')) as { version: string };
  const command = defineCliCommand({
    meta: { name: options.name, version, description: options.description },
    subCommands: { ...options.subCommands, tools: createToolsCommand(options.tools) },
    ...(options.root ? { args: options.root.args, run: options.root.run } : {}),
  });
  return { command, main: () => runCliMain(command) };
}
