import { CommandError, defaultRunner, HaError, parseWithSchema, type Runner } from '@ha/core';
import { z } from 'zod';
import { pcsParseError } from '../errors.js';
import { listInstances } from '../status/views.js';
import { nodeFlag, readCibFacts, type CibFacts } from './cib.js';
import { checkAgainstState, checkChanges, editsOf, type CibEdit } from './changes.js';
import { describeChange, PlanChangeError } from './errors.js';
import {
  clusterChangeSchema,
  type CibSource,
  type ClusterChange,
  type NodeCondition,
  type Placement,
  type Plan,
  type PlannedResource,
  type SimulatedState,
  type Simulation,
} from './model.js';
import { parseSimulation } from './simulation.js';

/** Options of `planChanges`. */
export interface PlanOptions {
  /** Where the CIB comes from (default: the live cluster, read once). */
  source?: CibSource;
  /** Runs the tools (default: this machine). */
  runner?: Runner;
  /** Also report the first phase's allocation scores (`crm_simulate --show-scores`). */
  scores?: boolean;
  /** Deadline of each tool, ms (default 60 s). */
  timeoutMs?: number;
  /** Refuse a CIB larger than this many bytes. */
  maxBytes?: number;
}

/**
 * What `changes` would do, computed by Pacemaker's own scheduler: the CIB is
 * read once (or taken from a file or memory), copied into a private
 * directory where the runner runs, changed there with the real tools
 * (`crm_attribute`, `crm_resource`, `cibadmin` with `CIB_file`), and
 * `crm_simulate --simulate` runs on the copy. A node lost and a failed
 * operation are crm_simulate's own injections. The cluster is never
 * changed; the copy is removed.
 *
 * A change that names what the CIB lacks, or would change nothing, is a
 * `PlanChangeError` (before anything runs where the CIB alone tells).
 */
export async function planChanges(
  changes: ClusterChange | readonly ClusterChange[],
  options: PlanOptions = {},
): Promise<Plan> {
  const list = parseWithSchema(
    z.array(clusterChangeSchema).min(1),
    Array.isArray(changes) ? changes : [changes],
    'changes',
  );
  const runner = options.runner ?? defaultRunner;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const source = options.source ?? { kind: 'live' };
  const { text, where } = await readCib(runner, source, timeoutMs);
  const facts = readCibFacts(text, {
    file: where,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
  checkChanges(list, facts);
  const phased = editsOf(list, facts);
  const dir = (await runner.run('mktemp', ['-d', '-t', 'ha-plan.XXXXXXXX'], { timeoutMs })).stdout.trim();
  try {
    const cib = `${dir}/cib.xml`;
    if (source.kind === 'cib-file') await runner.run('cp', ['--', source.path, cib], { timeoutMs });
    // dd reads its standard input as it is (a socket too, which /dev/stdin cannot be opened as).
    else await runner.run('dd', [`of=${cib}`, 'status=none'], { timeoutMs, input: text });
    const edit = async (edits: readonly CibEdit[], file: string) => {
      for (const step of edits) await runEdit(runner, step, file, list, timeoutMs);
    };
    await edit(phased.first.edits, cib);
    const simulate = async (file: string, extra: string[], output?: string) => {
      const args = ['--xml-file', file, '--simulate', '--output-as=xml', ...extra];
      if (output) args.push('--save-output', output);
      const result = await runner.run('crm_simulate', args, { timeoutMs });
      return parseSimulation(result.stdout, { file: 'crm_simulate', simulated: true });
    };
    // A node lost or an operation failed goes into the copy's status first (crm_simulate --save-input):
    // Pacemaker 3.0.0 prints no transition in XML when the same run injects.
    // Its output's starting state is the cluster's before the injections: what the changes are checked against.
    let input = cib;
    let current: SimulatedState | undefined;
    if (phased.first.inject.length > 0) {
      input = `${dir}/injected.xml`;
      const injected = await runner.run(
        'crm_simulate',
        ['--xml-file', cib, ...phased.first.inject, '--save-input', input, '--output-as=xml'],
        { timeoutMs },
      );
      current = parseSimulation(injected.stdout, { file: 'crm_simulate --save-input' }).before;
      checkAgainstState(list, current, facts);
      await edit(phased.first.afterInject, input);
    }
    const after1 = phased.second ? `${dir}/phase1.xml` : undefined;
    const first = await simulate(input, options.scores ? ['--show-scores'] : [], after1);
    if (!current) checkAgainstState(list, first.before, facts);
    const simulations = [first];
    if (phased.second && after1) {
      await edit(phased.second(first.before), after1);
      simulations.push(await simulate(after1, []));
    }
    return assemblePlan(list, simulations, {
      scores: options.scores === true,
      facts,
      ...(current ? { before: current } : {}),
    });
  } finally {
    await runner.run('rm', ['-rf', '--', dir], { timeoutMs }).catch(() => undefined);
  }
}

/** The CIB of a source as text, with where it came from for messages (a file that is not a CIB: a `ParseError` naming it). */
export async function readCib(
  runner: Runner,
  source: CibSource,
  timeoutMs: number,
): Promise<{ text: string; where: string }> {
  if (source.kind === 'xml') return { text: source.xml, where: 'the CIB given' };
  const env = source.kind === 'cib-file' ? { CIB_file: source.path } : undefined;
  const where = source.kind === 'cib-file' ? source.path : 'cibadmin --query';
  try {
    const result = await runner.run('cibadmin', ['--query'], { timeoutMs, ...(env ? { env } : {}) });
    return { text: result.stdout, where };
  } catch (error) {
    // cibadmin says "No such device or address" for a file that is missing, and a schema error for one
    // that is not a CIB: name the file, keep its words.
    if (source.kind !== 'cib-file' || !(error instanceof CommandError) || error.exitCode === undefined) throw error;
    const missing = error.exitCode === 105;
    throw pcsParseError(
      'NOT_CIB',
      `${missing ? 'missing, or not a CIB' : 'not a valid CIB'} (cibadmin: ${error.message.replace(/^.*?exited with code \d+: /, '')})`,
      { file: source.path },
      { cause: error },
    );
  }
}

// An edit the real tool refuses names the change and the tool's own words; "already exists" from a move
// means the resource is already where it was asked to go.
async function runEdit(
  runner: Runner,
  step: CibEdit,
  file: string,
  changes: readonly ClusterChange[],
  timeoutMs: number,
): Promise<void> {
  try {
    await runner.run(step.file, step.args, { timeoutMs, env: { CIB_file: file } });
  } catch (error) {
    if (!(error instanceof CommandError) || error.exitCode === undefined) throw error;
    const change = changes.find((entry) => 'resource' in entry && step.args.includes(entry.resource)) ?? changes[0];
    if (change && error.exitCode === 108 && step.args.includes('--move'))
      throw new PlanChangeError(
        'NO_EFFECT',
        change,
        'resource' in change ? change.resource : '',
        `it already runs there (${error.message})`,
        {
          cause: error,
        },
      );
    if (change)
      throw new PlanChangeError('NOT_APPLICABLE', change, '', `${step.file} refused it: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

/** Builds the plan from the simulations of its phases (pure; `planChanges` runs them). */
export function assemblePlan(
  changes: readonly ClusterChange[],
  simulations: readonly Simulation[],
  options: {
    /** Include the first phase's allocation scores. */
    scores?: boolean;
    /** The CIB as read: the nodes' standby and maintenance before the edits (phase 1 starts after them). */
    facts?: CibFacts;
    /** The state before the changes, when the first simulation did not start from it (a node lost was injected first). */
    before?: SimulatedState;
  } = {},
): Plan {
  const first = simulations[0];
  const last = simulations[simulations.length - 1];
  if (!first || !last) throw new HaError('USAGE_ERROR', 'a plan needs at least one simulation');
  const before = options.before ?? first.before;
  const after = last.after ?? last.before;
  const actions = simulations.flatMap((simulation) => simulation.actions);
  const resources = plannedResources(before, after, actions);
  const conditions = (state: SimulatedState) =>
    new Map(
      state.nodes.map((node): [string, NodeCondition] => [
        node.name,
        { online: node.online, standby: node.standby, maintenance: node.maintenance },
      ]),
    );
  const beforeNodes = conditions(before);
  for (const [name, condition] of beforeNodes) {
    const node = options.facts?.nodes.get(name);
    if (!node) continue;
    beforeNodes.set(name, {
      ...condition,
      standby: nodeFlag(node, 'standby'),
      maintenance: nodeFlag(node, 'maintenance'),
    });
  }
  const afterNodes = conditions(after);
  const summary = simulations.flatMap((simulation) => simulation.summary);
  return {
    changes: [...changes],
    resources,
    nodes: [...beforeNodes].map(([name, condition]) => ({
      name,
      before: condition,
      after: afterNodes.get(name) ?? { online: false, standby: false, maintenance: false },
    })),
    actions,
    summary,
    lossOfService: resources.filter((resource) => resource.lost).map((resource) => resource.resource),
    restarted: resources.filter((resource) => resource.restartedOn.length > 0).map((resource) => resource.resource),
    fenced: [...new Set(actions.filter((action) => action.kind === 'fence').map((action) => action.node))],
    blocked: summary.filter((entry) => entry.blocked),
    ...(options.scores ? { scores: first.scores } : {}),
    phases: simulations.length,
    simulations: [...simulations],
  };
}

function plannedResources(
  before: SimulatedState,
  after: SimulatedState,
  actions: Simulation['actions'],
): PlannedResource[] {
  const placements = (state: SimulatedState) => {
    const map = new Map<string, { top: string; parents: string[]; at: Placement[] }>();
    for (const instance of listInstances(state)) {
      const entry = map.get(instance.id) ?? { top: instance.top, parents: instance.parents, at: [] };
      if (instance.active) for (const node of instance.nodes) entry.at.push({ node, role: instance.role });
      map.set(instance.id, entry);
    }
    for (const entry of map.values())
      entry.at.sort((a, b) => a.node.localeCompare(b.node) || a.role.localeCompare(b.role));
    return map;
  };
  const was = placements(before);
  const will = placements(after);
  const ids = [...new Set([...was.keys(), ...will.keys()])];
  return ids.map((id): PlannedResource => {
    const from = was.get(id);
    const to = will.get(id);
    const beforeAt = from?.at ?? [];
    const afterAt = to?.at ?? [];
    const stops = new Set(actionNodes(actions, id, 'stop'));
    const starts = new Set(actionNodes(actions, id, 'start'));
    const restartedOn = [...stops].filter(
      (node) => starts.has(node) && beforeAt.some((p) => p.node === node) && afterAt.some((p) => p.node === node),
    );
    const leaving = beforeAt.map((p) => p.node).filter((node) => !afterAt.some((p) => p.node === node));
    const fewer = Math.max(0, beforeAt.length - afterAt.length);
    return {
      resource: id,
      top: (from ?? to)?.top ?? id,
      parents: (from ?? to)?.parents ?? [],
      before: beforeAt,
      after: afterAt,
      restartedOn,
      stoppedOn: leaving.slice(0, fewer),
      lost: beforeAt.length > 0 && afterAt.length === 0,
    };
  });
}

function actionNodes(actions: Simulation['actions'], resource: string, action: string): string[] {
  return actions
    .filter((entry) => entry.kind === 'resource' && entry.resource === resource && entry.action === action)
    .map((entry) => entry.node);
}

export { describeChange };
