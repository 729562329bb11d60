import {
  CommandError,
  defaultRunner,
  HaError,
  ValidationError,
  type HaErrorOptions,
  type Runner,
  type ValidationIssue,
} from '@ha/core';
import { checkAgentParameters, type AgentParameterFinding } from '../agents/check.js';
import type { AgentMetadata } from '../agents/model.js';
import { fencerParameters, fencerSupplied } from '../fencing/validate.js';
import { pathKeys } from '../agents/errors.js';
import { formatAgentName } from '../agents/name.js';
import { readAgentMetadata } from '../agents/read.js';
import { assemblePlan, readCib } from '../plan/plan.js';
import type { CibSource, Plan } from '../plan/model.js';
import { parseSimulation } from '../plan/simulation.js';
import { runVerify, type VerifyReport } from '../plan/verify.js';
import { pcsParseError } from '../errors.js';
import { parseXmlTree } from '../xml/tree.js';
import { formatSpecPath, specProblems, type SpecProblem } from './check.js';
import { applySpecChanges, diffSpecs, type SpecChange } from './diff.js';
import { specFromCib } from './from-cib.js';
import { clusterSpecSchema, type ClusterSpec, type SpecPrimitive } from './model.js';
import { cibWithConfiguration } from './to-cib.js';

/** A CIB's version: `admin_epoch`, `epoch` (bumped by each configuration change) and `num_updates` (by status). */
export interface CibVersion {
  /** Raised by hand only, to win over any other copy. */
  adminEpoch: number;
  /** Raised by every change of the configuration. */
  epoch: number;
  /** Raised by every change of the status since the last configuration change. */
  numUpdates: number;
}

/**
 * A spec that cannot be applied as written: its problems (`specProblems`) and
 * its primitives' parameters that do not fit their agents' metadata, each at
 * the path of its field. Nothing ran on the cluster.
 */
export class SpecError extends ValidationError {
  /** Every problem, at its path: the spec's own first, then the agents'. */
  readonly problems: SpecProblem[];
  /** The agents' findings, warnings too (a deprecated parameter). */
  readonly agentFindings: AgentParameterFinding[];

  constructor(
    problems: readonly SpecProblem[],
    agentFindings: readonly AgentParameterFinding[],
    options: HaErrorOptions = {},
  ) {
    const errors = agentFindings.filter((finding) => finding.severity === 'error');
    const all: SpecProblem[] = [
      ...problems,
      ...errors.map((finding): SpecProblem => ({ code: 'INVALID', path: finding.path, message: finding.message })),
    ];
    const first = all[0];
    const more = all.length > 1 ? ` (and ${all.length - 1} more)` : '';
    super('cluster spec', all.map(issueOf), {
      ...options,
      message: first ? `${first.path}: ${first.message}${more}` : 'the spec has no problem',
    });
    this.problems = all;
    this.agentFindings = [...agentFindings];
  }
}

function issueOf(problem: SpecProblem): ValidationIssue {
  return { path: pathKeys(problem.path), code: problem.code, message: problem.message };
}

/** Options of `diffSpec`, `applySpec` and `exportSpec`. */
export interface SpecSourceOptions {
  /** Runs the tools where the cluster is (default: this machine). */
  runner?: Runner;
  /** Deadline of each tool, ms (default 60 s). */
  timeoutMs?: number;
}

/** Options of `exportSpec` and `diffSpec`: they also read a saved CIB, or one in memory. */
export interface SpecReadOptions extends SpecSourceOptions {
  /** Where the CIB comes from (default: the live cluster, `cibadmin --query`). */
  source?: CibSource;
}

/** Options of `applySpec`. */
export interface ApplySpecOptions extends SpecSourceOptions {
  /** Diff, verify and plan only: push nothing. */
  dryRun?: boolean;
  /** Push also when the plan stops something that starts nowhere after (refused by default). */
  allowServiceLoss?: boolean;
  /**
   * When the configuration changed since it was read, read it again, diff and plan again, and push
   * that (still refused when the new plan loses service) rather than refuse. Never a blind overwrite.
   */
  force?: boolean;
  /** Check every primitive's parameters against its agent's metadata first (default true). */
  checkAgents?: boolean;
  /** Agent metadata already read, by agent name: reused, and filled with what is read. */
  agentCache?: Map<string, Promise<AgentMetadata>>;
}

/** What `applySpec` did. */
export interface SpecApplyReport {
  /**
   * `applied`: pushed in one CIB update; `unchanged`: the cluster already is the spec; `planned`: a
   * dry run; `refused`: the plan loses service, or the configuration changed meanwhile (see `refused`).
   */
  outcome: 'applied' | 'unchanged' | 'planned' | 'refused';
  /** The changes from the cluster's configuration to the spec, minimal, by id. */
  changes: SpecChange[];
  /** crm_verify's findings on the CIB the spec makes (absent when nothing changes). */
  verify?: VerifyReport;
  /** What the scheduler will do once the CIB is pushed (absent when nothing changes). */
  plan?: Plan;
  /** Why nothing was pushed, for `refused`. */
  refused?: {
    /** `SERVICE_LOSS`: the plan stops something for good; `CONCURRENT_CHANGE`: someone changed the configuration. */
    reason: 'SERVICE_LOSS' | 'CONCURRENT_CHANGE';
    /** In words, naming what. */
    message: string;
  };
  /** The CIB's version as read (the last read, with `force`). */
  versionBefore: CibVersion;
  /** The version the push made, for `applied`. */
  versionAfter?: CibVersion;
  /**
   * Patches sent, for `applied`: more than one when the status moved on between the read and the push
   * (each refused patch changed nothing; the next was made against the new read).
   */
  attempts?: number;
}

/**
 * The cluster's configuration as a spec: the live CIB (`cibadmin --query`), a saved one
 * (`CIB_file=PATH cibadmin --query`, where the runner runs) or one in memory.
 */
export async function exportSpec(options: SpecReadOptions = {}): Promise<ClusterSpec> {
  const { text, where } = await readSourceCib(options);
  return specFromCib(text, { file: where });
}

/** The changes that would make the configuration (live by default, see `exportSpec`) the spec (none: it already is). */
export async function diffSpec(spec: unknown, options: SpecReadOptions = {}): Promise<SpecChange[]> {
  const desired = checkedSpec(spec);
  return diffSpecs(await exportSpec(options), desired);
}

async function readSourceCib(options: SpecReadOptions): Promise<{ text: string; where: string }> {
  return readCib(options.runner ?? defaultRunner, options.source ?? { kind: 'live' }, options.timeoutMs ?? 60_000);
}

/**
 * Makes the live cluster's configuration the spec, safely:
 * 1. the spec is checked (its own problems, every primitive's parameters against its agent's
 *    metadata, the cluster name): a `SpecError` with every problem, before anything runs;
 * 2. the CIB is read once, the minimal diff made; nothing to change ends here (`unchanged`);
 * 3. the new CIB (the spec's configuration, everything else as read) is checked by `crm_verify`
 *    (an error: a `SpecError`, nothing pushed) and planned by `crm_simulate`; a plan that stops
 *    something for good is refused unless `allowServiceLoss`;
 * 4. the change goes in as one `cibadmin --patch` made by `crm_diff` against the CIB as read: the
 *    CIB manager applies a patch only to the version it was made from, so a change made meanwhile
 *    is never overwritten. A status update meanwhile (same `epoch`) only remakes the patch; a
 *    configuration change refuses the apply (`CONCURRENT_CHANGE`), or with `force` starts over.
 */
export async function applySpec(spec: unknown, options: ApplySpecOptions = {}): Promise<SpecApplyReport> {
  const runner = options.runner ?? defaultRunner;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const desired = checkedSpec(spec);
  if (options.checkAgents !== false) await checkAgents(desired, runner, timeoutMs, options.agentCache);
  let read = await queryCib(runner, timeoutMs);
  for (let restarts = 0; ; restarts++) {
    const attempt = await prepare(desired, read, runner, timeoutMs);
    const base = { changes: attempt.changes, versionBefore: cibVersion(read) };
    if (attempt.target === undefined) return { outcome: 'unchanged', ...base };
    const reported = { ...base, verify: attempt.verify, plan: attempt.plan };
    if (options.dryRun) return { outcome: 'planned', ...reported };
    const lost = unintendedLoss(attempt.plan, desired, attempt.changes);
    if (lost.length > 0 && !options.allowServiceLoss)
      return {
        outcome: 'refused',
        ...reported,
        refused: {
          reason: 'SERVICE_LOSS',
          message: `the plan stops ${lost.join(', ')} and starts it nowhere (allowServiceLoss to go on)`,
        },
      };
    const pushed = await push(read, attempt.target, runner, timeoutMs);
    if (pushed.outcome === 'applied')
      return { outcome: 'applied', ...reported, versionAfter: pushed.version, attempts: pushed.attempts };
    if (!options.force || restarts >= 3)
      return {
        outcome: 'refused',
        ...reported,
        refused: {
          reason: 'CONCURRENT_CHANGE',
          message:
            `the configuration changed since it was read (epoch ${cibVersion(read).epoch} → ${cibVersion(pushed.current).epoch}); ` +
            'nothing was pushed (read, diff and plan again, or force)',
        },
      };
    read = pushed.current;
  }
}

/**
 * The primitives the plan stops for good that the spec did not mean to stop: not removed (itself
 * or what holds it) and not stopped on purpose (`target-role=Stopped` on it or what holds it).
 */
export function unintendedLoss(plan: Plan, desired: ClusterSpec, changes: readonly SpecChange[]): string[] {
  const removed = new Set(
    changes.filter((change) => change.op === 'remove' && change.field === undefined).map((change) => change.id),
  );
  const stopped = new Set<string>();
  const visit = (resource: { id: string; meta?: Record<string, string> | undefined }) => {
    if (resource.meta?.['target-role']?.toLowerCase() === 'stopped') stopped.add(resource.id);
  };
  for (const resource of desired.resources ?? []) {
    if (resource.kind === 'bundle' || resource.kind === 'raw') continue;
    visit(resource);
    if (resource.kind === 'group') resource.members.forEach(visit);
    if (resource.kind === 'clone') {
      visit(resource.resource);
      if (resource.resource.kind === 'group') resource.resource.members.forEach(visit);
    }
  }
  return plan.lossOfService.filter((id) => {
    const planned = plan.resources.find((resource) => resource.resource === id);
    const holders = [id, ...(planned?.parents ?? []), planned?.top ?? id];
    return !holders.some((holder) => removed.has(holder) || stopped.has(holder));
  });
}

/** The spec as the schema types it; any problem a `SpecError` naming every field. */
function checkedSpec(spec: unknown): ClusterSpec {
  const problems = specProblems(spec);
  if (problems.length > 0) throw new SpecError(problems, []);
  return clusterSpecSchema.parse(spec);
}

async function checkAgents(
  spec: ClusterSpec,
  runner: Runner,
  timeoutMs: number,
  cache: Map<string, Promise<AgentMetadata>> = new Map(),
): Promise<void> {
  const findings: AgentParameterFinding[] = [];
  for (const { primitive, path } of primitivesWithPaths(spec)) {
    const agent = formatAgentName({
      standard: primitive.class,
      ...(primitive.provider === undefined ? {} : { provider: primitive.provider }),
      type: primitive.type,
    });
    const metadata = await readAgentMetadata(agent, { runner, timeoutMs, cache });
    const fence = primitive.class === 'stonith';
    findings.push(
      ...checkAgentParameters(metadata, primitive.params ?? {}, {
        path: `${path}.params`,
        ...(fence ? { extraParameters: fencerParameters, suppliedParameters: [...fencerSupplied] } : {}),
      }),
    );
  }
  if (findings.some((finding) => finding.severity === 'error')) throw new SpecError([], findings);
}

/** Every primitive of the spec (in groups and clones too) with the path of its field. */
export function primitivesWithPaths(spec: ClusterSpec): { primitive: SpecPrimitive; path: string }[] {
  const found: { primitive: SpecPrimitive; path: string }[] = [];
  (spec.resources ?? []).forEach((resource, index) => {
    const path = formatSpecPath(['resources', index]);
    if (resource.kind === 'primitive') found.push({ primitive: resource, path });
    if (resource.kind === 'group')
      resource.members.forEach((member, position) =>
        found.push({ primitive: member, path: `${path}.members[${position}]` }),
      );
    if (resource.kind === 'clone') {
      const child = resource.resource;
      if (child.kind === 'primitive') found.push({ primitive: child, path: `${path}.resource` });
      else
        child.members.forEach((member, position) =>
          found.push({ primitive: member, path: `${path}.resource.members[${position}]` }),
        );
    }
  });
  return found;
}

type Prepared =
  | { changes: SpecChange[]; target: undefined }
  | { changes: SpecChange[]; target: string; verify: VerifyReport; plan: Plan };

// The diff against the CIB as read, and for a change the CIB it makes, verified and planned.
async function prepare(desired: ClusterSpec, read: string, runner: Runner, timeoutMs: number): Promise<Prepared> {
  const current = specFromCib(read, { file: 'cibadmin --query' });
  if (desired.name !== undefined && current.name !== undefined && desired.name !== current.name)
    throw new SpecError(
      [
        {
          code: 'NAME_MISMATCH',
          path: 'name',
          message: `the spec is for cluster '${desired.name}', this is '${current.name}'`,
        },
      ],
      [],
    );
  const changes = diffSpecs(current, desired);
  if (changes.length === 0) return { changes, target: undefined };
  // The diff applied to what is there: ids the spec leaves out stay the CIB's.
  const target = withVersion(
    cibWithConfiguration(read, applySpecChanges(current, changes)),
    nextVersion(cibVersion(read)),
  );
  // The configuration is what the spec changes: crm_verify judges it without the status, whose history
  // speaks of the past (a clone removed has been active on three nodes: an error about the status, not the spec).
  const verify = await runVerify(runner, { kind: 'xml', xml: withoutStatus(target) }, { timeoutMs });
  if (!verify.valid)
    throw new SpecError(
      verify.findings
        .filter((finding) => finding.severity === 'error')
        .map((finding): SpecProblem => ({ code: 'INVALID', path: 'crm_verify', message: finding.message })),
      [],
    );
  return { changes, target, verify, plan: await planTarget(read, target, runner, timeoutMs) };
}

// The scheduler on the new CIB: it starts from the cluster's state (the status as read) under the new configuration.
async function planTarget(read: string, target: string, runner: Runner, timeoutMs: number): Promise<Plan> {
  const simulate = async (xml: string, args: string[]) =>
    (await runner.run('crm_simulate', ['--xml-pipe', '--output-as=xml', ...args], { timeoutMs, input: xml })).stdout;
  const before = parseSimulation(await simulate(read, []), { file: 'crm_simulate (the CIB as read)' }).before;
  const simulation = parseSimulation(await simulate(target, ['--simulate']), {
    file: 'crm_simulate (the CIB the spec makes)',
    simulated: true,
  });
  return assemblePlan([], [simulation], { before });
}

type Pushed = { outcome: 'applied'; version: CibVersion; attempts: number } | { outcome: 'stale'; current: string };

// One `cibadmin --patch` made against `read`; remade (bounded) while only the status moves.
async function push(read: string, target: string, runner: Runner, timeoutMs: number): Promise<Pushed> {
  const dir = (await runner.run('mktemp', ['-d', '-t', 'ha-apply.XXXXXXXX'], { timeoutMs })).stdout.trim();
  try {
    let base = read;
    let next = target;
    for (let tries = 0; ; tries++) {
      await writeOnRunner(runner, `${dir}/original.xml`, base, timeoutMs);
      await writeOnRunner(runner, `${dir}/new.xml`, next, timeoutMs);
      // crm_diff exits 1 when the two differ (the patch is then on its standard output).
      const patch = await runner.run('crm_diff', ['--original', `${dir}/original.xml`, '--new', `${dir}/new.xml`], {
        timeoutMs,
        allowExitCodes: [1],
      });
      try {
        await runner.run('cibadmin', ['--patch', '--xml-pipe'], { timeoutMs, input: patch.stdout });
        return { outcome: 'applied', version: cibVersion(await queryCib(runner, timeoutMs)), attempts: tries + 1 };
      } catch (error) {
        if (!(error instanceof CommandError) || error.exitCode === undefined) throw error;
        const current = await queryCib(runner, timeoutMs);
        const was = cibVersion(base);
        const now = cibVersion(current);
        if (now.adminEpoch !== was.adminEpoch || now.epoch !== was.epoch) return { outcome: 'stale', current };
        // The same configuration, the status moved on (num_updates): the same change against the new read.
        if (tries >= 5) throw error;
        const spec = specFromCib(next, { file: 'the CIB the spec makes' });
        base = current;
        next = withVersion(cibWithConfiguration(current, spec), nextVersion(now));
      }
    }
  } finally {
    await runner.run('rm', ['-rf', '--', dir], { timeoutMs }).catch(() => undefined);
  }
}

async function writeOnRunner(runner: Runner, path: string, text: string, timeoutMs: number): Promise<void> {
  // dd reads its standard input as it is, where the runner runs (a node of the lab, a host over ssh).
  await runner.run('dd', [`of=${path}`, 'status=none'], { timeoutMs, input: text });
}

async function queryCib(runner: Runner, timeoutMs: number): Promise<string> {
  return (await runner.run('cibadmin', ['--query'], { timeoutMs })).stdout;
}

/** The version a CIB's root states. */
export function cibVersion(cib: string): CibVersion {
  const root = parseXmlTree(cib, { file: 'CIB' });
  if (root.name !== 'cib')
    throw pcsParseError('NOT_CIB', `not a CIB: the document is <${root.name}>`, {
      file: 'CIB',
      line: root.line,
      column: root.column,
    });
  const number = (name: string) => Number(root.attributes[name] ?? '0');
  return { adminEpoch: number('admin_epoch'), epoch: number('epoch'), numUpdates: number('num_updates') };
}

// The CIB with an empty `<status/>`: the status is the last child of `<cib>`.
function withoutStatus(cib: string): string {
  const start = cib.search(/<status[\s/>]/);
  const end = cib.lastIndexOf('</cib>');
  if (start < 0 || end < start) return cib;
  return `${cib.slice(0, start)}<status/>${cib.slice(end)}`;
}

function nextVersion(version: CibVersion): CibVersion {
  return { adminEpoch: version.adminEpoch, epoch: version.epoch + 1, numUpdates: 0 };
}

// The CIB's root start tag with the version set: the target of the patch, which the CIB manager takes as the new version.
function withVersion(cib: string, version: CibVersion): string {
  const start = /<cib\b[^>]*>/.exec(cib);
  if (!start) throw new HaError('PARSE_ERROR', 'not a CIB: no <cib> start tag');
  let tag = start[0];
  for (const [name, value] of [
    ['admin_epoch', version.adminEpoch],
    ['epoch', version.epoch],
    ['num_updates', version.numUpdates],
  ] as const) {
    const attribute = new RegExp(`(\\s${name}=)(["'])[^"']*\\2`);
    tag = attribute.test(tag)
      ? tag.replace(attribute, `$1"${value}"`)
      : tag.replace(/^<cib\b/, `<cib ${name}="${value}"`);
  }
  return cib.slice(0, start.index) + tag + cib.slice(start.index + start[0].length);
}
