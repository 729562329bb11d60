import { readFile, rename, writeFile } from 'node:fs/promises';
import {
  defaultRunner,
  defineCliCommand,
  escapeForMessage,
  jsonArg,
  maxBytesArg,
  parseDuration,
  parseMaxBytes,
  printJson,
  readTextFile,
  UsageError,
  type CliCommand,
  type CliIo,
} from '@ha/core';
import { isSettled, PcsClient } from '../client/pcs-client.js';
import { resourceLocations } from '../status/views.js';
import type { ApplySpecOptions, SpecApplyReport, SpecReadOptions } from './apply.js';
import type { SpecChange } from './diff.js';
import type { ClusterSpec } from './model.js';

// The spec's code (model, diff, YAML, agents' metadata, apply) is loaded by the spec commands only: the
// other commands of ha-pcs start without compiling it (the CLI's bundle keeps it in chunks of its own).
const applyModule = () => import('./apply.js');
const yamlModule = () => import('./yaml.js');
const wordsModule = () => import('./words.js');

/** What the spec commands call: the real cluster through this machine's tools by default, stand-ins in tests. */
export interface SpecCommandActions {
  /** The live configuration as a spec. */
  exportSpec: (options: SpecReadOptions) => Promise<ClusterSpec>;
  /** The changes from the live configuration (or a saved CIB's) to a spec. */
  diffSpec: (spec: unknown, options: SpecReadOptions) => Promise<SpecChange[]>;
  /** Applies a spec. */
  applySpec: (spec: unknown, options: ApplySpecOptions) => Promise<SpecApplyReport>;
  /** Waits until the cluster has settled after a push; says where each resource runs. */
  settle: (timeoutMs: number) => Promise<string[]>;
}

async function settleLive(timeoutMs: number): Promise<string[]> {
  const status = await new PcsClient().waitFor(isSettled, {
    timeoutMs,
    stableMs: 1_000,
    description: 'the cluster to settle after the apply',
  });
  return [...resourceLocations(status)].map(
    ([id, at]) => `${id}: ${at.map((entry) => `${entry.node} (${entry.role})`).join(', ') || 'stopped'}`,
  );
}

const cibFileArg = {
  cibFile: {
    type: 'string',
    valueHint: 'PATH',
    description: 'Read a saved CIB (cibadmin --query > cib.xml) instead of the live cluster',
  },
} as const;
const sourceOf = (cibFile: string | undefined): SpecReadOptions =>
  cibFile === undefined
    ? { runner: defaultRunner }
    : { runner: defaultRunner, source: { kind: 'cib-file', path: cibFile } };

const fileArg = {
  file: { type: 'positional', required: true, valueHint: 'FILE', description: 'The spec: YAML or JSON' },
} as const;

/** A spec file read and parsed (YAML, so JSON too): its syntax errors name the file, line and column. */
export async function readSpecFile(path: string, maxBytes?: number): Promise<unknown> {
  const text = await readTextFile(path, maxBytes === undefined ? {} : { maxBytes });
  return (await yamlModule()).parseSpecText(text, { file: path });
}

// A spec that cannot be applied says each problem on its own line (the CLI's usual one line is the first).
async function printProblems(io: CliIo, error: unknown): Promise<never> {
  const { SpecError } = await applyModule();
  if (error instanceof SpecError && error.problems.length > 1)
    for (const problem of error.problems.slice(1))
      io.stderr(`${escapeForMessage(`${problem.path}: ${problem.message}`, 2000)}\n`);
  throw error;
}

/** `ha-pcs export`, `ha-pcs diff FILE` and `ha-pcs apply FILE` over `actions`. */
export function createSpecCommands(
  actions: SpecCommandActions = {
    exportSpec: async (options) => (await applyModule()).exportSpec(options),
    diffSpec: async (spec, options) => (await applyModule()).diffSpec(spec, options),
    applySpec: async (spec, options) => (await applyModule()).applySpec(spec, options),
    settle: settleLive,
  },
): Record<'export' | 'diff' | 'apply', CliCommand<any>> {
  const exportCommand = defineCliCommand({
    meta: {
      name: 'export',
      description: "The cluster's configuration as a spec (YAML by default), to keep in version control and apply",
    },
    args: {
      format: { type: 'string', valueHint: 'yaml|json', description: 'Output format (default yaml)' },
      ...cibFileArg,
      into: {
        type: 'string',
        valueHint: 'FILE',
        description: 'Write the spec into FILE (an existing YAML file keeps its comments where it still applies)',
      },
    },
    async run({ args, io }) {
      const format = args.format ?? 'yaml';
      if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format ${format}: yaml or json`);
      const spec = await actions.exportSpec(sourceOf(args.cibFile));
      const previous = args.into === undefined ? undefined : await readFile(args.into, 'utf8').catch(() => undefined);
      const text =
        format === 'json'
          ? `${JSON.stringify(spec, null, 2)}\n`
          : (await yamlModule()).specToYaml(spec, previous === undefined ? {} : { previous });
      if (args.into === undefined) io.stdout(text);
      else {
        // Written beside it, then renamed: a reader never sees half a file.
        await writeFile(`${args.into}.tmp`, text);
        await rename(`${args.into}.tmp`, args.into);
      }
      return 0;
    },
  });

  const diffCommand = defineCliCommand({
    meta: {
      name: 'diff',
      description: 'What applying the spec would change, one line a change. Exit 0 no change, 1 changes, 2 error',
    },
    args: { ...fileArg, ...cibFileArg, ...maxBytesArg, ...jsonArg },
    async run({ args, io }) {
      const spec = await readSpecFile(args.file, parseMaxBytes(args.maxBytes));
      const changes = await actions
        .diffSpec(spec, sourceOf(args.cibFile))
        .catch((error: unknown) => printProblems(io, error));
      if (args.json) printJson(io, changes);
      else
        io.stdout(
          changes.length === 0 ? 'no change: the cluster is the spec\n' : (await wordsModule()).changeLines(changes),
        );
      return changes.length === 0 ? 0 : 1;
    },
  });

  const applyCommand = defineCliCommand({
    meta: {
      name: 'apply',
      description:
        'Make the cluster the spec in one guarded CIB update, verified and planned first. ' +
        'Exit 0 applied or nothing to do, 1 refused (the plan loses service, or the CIB changed meanwhile), 2 error',
    },
    args: {
      ...fileArg,
      dryRun: { type: 'boolean', description: 'Show the changes and the plan; push nothing' },
      allowServiceLoss: {
        type: 'boolean',
        description: 'Push also when the plan stops a resource that starts nowhere after',
      },
      force: {
        type: 'boolean',
        description: 'When the configuration changed since it was read: read, diff and plan again, then push',
      },
      wait: { type: 'boolean', description: 'After the push, wait until the cluster settles and say where things run' },
      timeout: { type: 'string', valueHint: 'DURATION', description: 'How long --wait waits (default 120s)' },
      noAgentCheck: { type: 'boolean', description: "Do not check parameters against the agents' metadata" },
      ...maxBytesArg,
      ...jsonArg,
    },
    async run({ args, io }) {
      const spec = await readSpecFile(args.file, parseMaxBytes(args.maxBytes));
      const report = await actions
        .applySpec(spec, {
          runner: defaultRunner,
          dryRun: args.dryRun === true,
          allowServiceLoss: args.allowServiceLoss === true,
          force: args.force === true,
          checkAgents: args.noAgentCheck !== true,
        })
        .catch((error: unknown) => printProblems(io, error));
      if (args.json)
        printJson(io, { ...report, plan: report.plan ? { ...report.plan, simulations: undefined } : undefined });
      else io.stdout((await wordsModule()).applyWords(report));
      if (args.wait && report.outcome === 'applied') {
        const where = await actions.settle(args.timeout === undefined ? 120_000 : parseDuration(args.timeout));
        if (!args.json) io.stdout(`settled:\n${where.map((line) => `  ${escapeForMessage(line, 2000)}\n`).join('')}`);
      }
      return report.outcome === 'refused' ? 1 : 0;
    },
  });

  return { export: exportCommand, diff: diffCommand, apply: applyCommand };
}

const commands = createSpecCommands();
/** `ha-pcs export [--format yaml|json] [--into FILE]`. */
export const exportCommand = commands.export;
/** `ha-pcs diff FILE [--json]`. */
export const diffCommand = commands.diff;
/** `ha-pcs apply FILE [--dry-run] [--allow-service-loss] [--force] [--json]`. */
export const applyCommand = commands.apply;
