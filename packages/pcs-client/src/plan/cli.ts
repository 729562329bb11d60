import { defineCliCommand, jsonArg, parseDuration, parseMaxBytes, printJson, UsageError, type CliIo } from '@ha/core';
import { describeChange } from './errors.js';
import type { ClusterChange, Plan, PlannedResource, SimulatedAction } from './model.js';
import { parseSince, transitionHistory, type Transition, type TransitionHistoryOptions } from './history.js';
import { planChanges, type PlanOptions } from './plan.js';

const nodeKinds = ['standby', 'online', 'maintenance', 'unmaintenance', 'down'] as const;
const resourceKinds = ['enable', 'disable', 'restart'] as const;
const placeKinds = ['move', 'ban', 'clear'] as const;
const operations = ['monitor', 'start', 'stop', 'promote', 'demote'] as const;

/** Flags of `ha-pcs plan` that shape its changes. */
export interface PlanWordFlags {
  /** `--node`: where a `fail` happens. */
  node?: string | undefined;
  /** `--exit-code`: what a `fail` returns. */
  exitCode?: string | undefined;
  /** `--interval`: which monitor fails. */
  interval?: string | undefined;
  /** `--promoted`: a move or ban of the promoted role. */
  promoted?: boolean | undefined;
  /** `--keep-constraint`: a move keeps its constraint. */
  keepConstraint?: boolean | undefined;
}

/**
 * The changes of `ha-pcs plan` words: `standby node1`, `move WebServer node3`,
 * `fail WebServer monitor` (with `--node`), several joined by `+`
 * (`standby node1 + disable WebServer`). Anything else is a `UsageError`.
 */
export function parsePlanWords(words: readonly string[], flags: PlanWordFlags = {}): ClusterChange[] {
  const groups: string[][] = [[]];
  for (const word of words) {
    if (word === '+') groups.push([]);
    else groups[groups.length - 1]?.push(word);
  }
  return groups.map((group) => {
    const [kind, first, second, ...rest] = group;
    const usage = (detail: string) =>
      new UsageError(`'${group.join(' ') || '(nothing)'}': ${detail} (see ha-pcs plan --help)`);
    if (kind === undefined) throw usage('say what to plan');
    if ((nodeKinds as readonly string[]).includes(kind)) {
      if (first === undefined || second !== undefined) throw usage(`write: ${kind} NODE`);
      return { kind: kind as (typeof nodeKinds)[number], node: first };
    }
    if ((resourceKinds as readonly string[]).includes(kind)) {
      if (first === undefined || second !== undefined) throw usage(`write: ${kind} RESOURCE`);
      return { kind: kind as (typeof resourceKinds)[number], resource: first };
    }
    if ((placeKinds as readonly string[]).includes(kind)) {
      if (first === undefined || rest.length > 0) throw usage(`write: ${kind} RESOURCE [NODE]`);
      const node = second === undefined ? {} : { node: second };
      if (kind === 'clear') return { kind, resource: first, ...node };
      if (kind === 'ban') return { kind, resource: first, ...node, ...(flags.promoted ? { promoted: true } : {}) };
      return {
        kind: 'move',
        resource: first,
        ...node,
        ...(flags.promoted ? { promoted: true } : {}),
        ...(flags.keepConstraint ? { keepConstraint: true } : {}),
      };
    }
    if (kind === 'fail') {
      if (first === undefined || second === undefined || rest.length > 0)
        throw usage('write: fail RESOURCE OPERATION --node NODE');
      if (!(operations as readonly string[]).includes(second))
        throw usage(`the operation is one of ${operations.join(', ')}`);
      if (flags.node === undefined) throw usage('say on which node it fails: --node NODE');
      const exitCode = flags.exitCode === undefined ? undefined : Number(flags.exitCode);
      if (exitCode !== undefined && !(Number.isInteger(exitCode) && exitCode >= 0 && exitCode <= 255))
        throw usage(`--exit-code '${flags.exitCode}' is not an exit code (0-255)`);
      return {
        kind: 'fail',
        resource: first,
        operation: second as (typeof operations)[number],
        node: flags.node,
        ...(exitCode === undefined ? {} : { exitCode }),
        ...(flags.interval === undefined
          ? {}
          : { intervalMs: parseDuration(flags.interval, { what: '--interval', defaultUnit: 's' }) }),
      };
    }
    throw usage(
      `'${kind}' is not a change: one of ${[...nodeKinds, ...placeKinds, ...resourceKinds, 'fail'].join(', ')}`,
    );
  });
}

function placeWords(placements: PlannedResource['before']): string {
  if (placements.length === 0) return 'stopped';
  return placements.map((p) => (p.role === 'Started' ? p.node : `${p.node} (${p.role})`)).join(', ');
}

/** One action in words: `stop WebServer on node1`, `fence node2 (reboot)`, `clear_failcount WebServer on node1`. */
function actionWords(action: SimulatedAction): string {
  if (action.kind === 'fence') return `fence ${action.node} (${action.action})`;
  if (action.kind === 'cluster')
    return `${action.action}${action.resource ? ` ${action.resource}` : ''} on ${action.node}`;
  return `${action.action} ${action.resource} on ${action.node}`;
}

/** The plan as an operator reads it: what changes place, restarts or stops, the actions, and the verdict. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [`plan: ${plan.changes.map(describeChange).join(' + ')}`];
  const changed = plan.resources.filter(
    (resource) =>
      placeWords(resource.before) !== placeWords(resource.after) ||
      resource.restartedOn.length > 0 ||
      resource.stoppedOn.length > 0,
  );
  if (changed.length === 0) lines.push('  nothing moves, restarts or stops');
  for (const resource of changed) {
    const notes = [
      resource.restartedOn.length > 0 ? `restarts on ${resource.restartedOn.join(', ')}` : '',
      resource.lost
        ? 'LOSES SERVICE'
        : resource.stoppedOn.length > 0
          ? `stops on ${resource.stoppedOn.join(', ')}`
          : '',
    ].filter(Boolean);
    lines.push(
      `  ${resource.resource.padEnd(20)} ${placeWords(resource.before)} -> ${placeWords(resource.after)}${notes.length ? `  [${notes.join('; ')}]` : ''}`,
    );
  }
  for (const node of plan.nodes) {
    const words = (c: Plan['nodes'][number]['before']) =>
      [c.online ? 'online' : 'offline', c.standby ? 'standby' : '', c.maintenance ? 'maintenance' : '']
        .filter(Boolean)
        .join(', ');
    if (words(node.before) !== words(node.after))
      lines.push(`  node ${node.name}: ${words(node.before)} -> ${words(node.after)}`);
  }
  const work = plan.actions.filter((action) => !(action.kind === 'resource' && action.action === 'monitor'));
  if (work.length > 0) {
    lines.push('actions:');
    work.forEach((action, index) => {
      lines.push(`  ${String(index + 1).padStart(2)}. ${actionWords(action)}`);
    });
  }
  for (const entry of plan.blocked)
    lines.push(
      `blocked: ${entry.action} ${entry.resource ?? ''}${entry.node ? ` on ${entry.node}` : ''}${entry.reason ? ` (${entry.reason})` : ''}`,
    );
  if (plan.fenced.length > 0) lines.push(`fences: ${plan.fenced.join(', ')}`);
  lines.push(
    plan.lossOfService.length > 0
      ? `LOSS OF SERVICE: ${plan.lossOfService.join(', ')} would stop and not start again`
      : `no loss of service${plan.restarted.length > 0 ? `; restarts ${plan.restarted.join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** Prints a plan (or its JSON) and gives the exit code: 1 when something would lose service. */
export function reportPlan(io: CliIo, plan: Plan, json: boolean | undefined): number {
  if (json) printJson(io, { ...plan, simulations: undefined });
  else io.stdout(formatPlan(plan));
  return plan.lossOfService.length > 0 ? 1 : 0;
}

/** `ha-pcs plan …` over `planOf` (the real scheduler on this machine by default). */
export function createPlanCommand(
  planOf: (changes: ClusterChange[], options: PlanOptions) => Promise<Plan> = planChanges,
) {
  return defineCliCommand({
    meta: {
      name: 'plan',
      description:
        "What a change would do, by Pacemaker's own scheduler on a copy of the CIB: " +
        'standby|online|maintenance|unmaintenance|down NODE, move|ban|clear RESOURCE [NODE], ' +
        'enable|disable|restart RESOURCE, fail RESOURCE OPERATION --node NODE; join several with +. ' +
        'Exit 1 when something would stop and not start again',
    },
    args: {
      change: {
        type: 'positional',
        valueHint: 'CHANGE…',
        description: 'The change, e.g. standby node1, move WebServer node3',
        required: true,
      },
      node: { type: 'string', valueHint: 'NODE', description: 'For fail: the node the operation fails on' },
      exitCode: {
        type: 'string',
        valueHint: 'N',
        description: 'For fail: its OCF exit code (default 1; 7: not running)',
      },
      interval: { type: 'string', valueHint: 'DURATION', description: "For fail monitor: the monitor's interval" },
      promoted: { type: 'boolean', description: 'For move and ban: the promoted role of a promotable clone' },
      keepConstraint: {
        type: 'boolean',
        description: "For move: keep the move's constraint (as move-with-constraint)",
      },
      cibFile: { type: 'string', valueHint: 'PATH', description: 'Plan on a saved CIB instead of the live cluster' },
      scores: { type: 'boolean', description: 'Include the allocation scores (with --json)' },
      maxBytes: { type: 'string', valueHint: 'N', description: 'Refuse a CIB larger than N bytes (default 16777216)' },
      ...jsonArg,
    },
    async run({ args, io }) {
      const changes = parsePlanWords(args._, args);
      const maxBytes = parseMaxBytes(args.maxBytes);
      const plan = await planOf(changes, {
        source: args.cibFile === undefined ? { kind: 'live' } : { kind: 'cib-file', path: args.cibFile },
        scores: args.scores === true,
        ...(maxBytes === undefined ? {} : { maxBytes }),
      });
      return reportPlan(io, plan, args.json);
    },
  });
}

/** `ha-pcs plan` on this machine. */
export const planCommand = createPlanCommand();

/** One transition as `ha-pcs history` prints it: when, why, and what it ran. */
export function formatTransition(transition: Transition): string {
  const name = `pe-${transition.series}-${transition.sequence}`;
  const why = transition.triggers.filter((trigger) => trigger.kind !== 'operation');
  const done = transition.triggers.length - why.length;
  const reasons = [
    ...why.map((trigger) => trigger.detail),
    ...(done > 0 ? [`${done} operation result${done === 1 ? '' : 's'}`] : []),
  ];
  const by = [
    transition.lastChange.client ? `via ${transition.lastChange.client}` : '',
    transition.lastChange.user ? `by ${transition.lastChange.user}` : '',
    transition.lastChange.origin ? `on ${transition.lastChange.origin}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [
    `${transition.time} ${name}: ${reasons.join('; ') || 'no change found'}${by ? ` (last change ${by})` : ''}`,
  ];
  for (const action of transition.actions) lines.push(`    ${actionWords(action)}`);
  if (transition.actions.length === 0) lines.push('    (no action)');
  return `${lines.join('\n')}\n`;
}

/** `ha-pcs history` over `historyOf` (the DC's saved inputs on this machine by default). */
export function createHistoryCommand(
  historyOf: (options: TransitionHistoryOptions) => Promise<Transition[]> = transitionHistory,
) {
  return defineCliCommand({
    meta: {
      name: 'history',
      description:
        'The last transitions the DC computed (its saved scheduler inputs), newest first: when, what triggered each, the actions it ran. Run it on the DC',
    },
    args: {
      since: {
        type: 'string',
        valueHint: 'TIME',
        description: 'Only since then: 2026-12-01T03:00:00Z, or a duration ago (90m, 2h)',
      },
      resource: { type: 'string', valueHint: 'RESOURCE', description: 'Only transitions that name this resource' },
      limit: { type: 'string', valueHint: 'N', description: 'At most N transitions (default 10)' },
      directory: {
        type: 'string',
        valueHint: 'DIR',
        description: 'Where the inputs are (default /var/lib/pacemaker/pengine)',
      },
      ...jsonArg,
    },
    async run({ args, io }) {
      const limit = args.limit === undefined ? 10 : Number(args.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit '${args.limit}' is not a positive number`);
      const transitions = await historyOf({
        limit,
        ...(args.since === undefined ? {} : { since: parseSince(args.since) }),
        ...(args.resource === undefined ? {} : { resource: args.resource }),
        ...(args.directory === undefined ? {} : { directory: args.directory }),
      });
      if (args.json) printJson(io, transitions);
      else if (transitions.length === 0) io.stdout('no transition found\n');
      else for (const transition of transitions) io.stdout(formatTransition(transition));
    },
  });
}

/** `ha-pcs history` on this machine. */
export const historyCommand = createHistoryCommand();
