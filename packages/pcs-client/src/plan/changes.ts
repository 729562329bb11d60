import { assertId, assertNodeName } from '../client/args.js';
import { closestName } from '../fencing/validate.js';
import { listInstances } from '../status/views.js';
import { nodeFlag, primitivesOf, type CibFacts } from './cib.js';
import { describeChange, PlanChangeError } from './errors.js';
import type { ClusterChange, SimulatedState } from './model.js';

/** One command that edits the CIB copy (run with `CIB_file` set to it). */
export interface CibEdit {
  /** The tool (`crm_attribute`, `crm_resource`, `cibadmin`). */
  file: string;
  /** Its arguments. */
  args: string[];
}

/** How the changes are made on the copy: the edits and crm_simulate's injections of each phase. */
export interface PhasedEdits {
  /** Phase 1: every change, with a restart's stop and a move's constraint. */
  first: {
    /** The edits, in order. */
    edits: CibEdit[];
    /** crm_simulate's injection arguments (`--node-fail node2`, `--op-inject SPEC`). */
    inject: string[];
    /** Edits after the injections: what the cluster itself records on a failed start (its fail-count INFINITY). */
    afterInject: CibEdit[];
  };
  /**
   * Phase 2, from phase 1's result: a restart's start again, and a move's constraint removed;
   * computed once phase 1's starting state is known (where a resource ran). Undefined when
   * no change needs it.
   */
  second: ((before: SimulatedState) => CibEdit[]) | undefined;
}

/**
 * Refuses, before anything runs, a change that names what the CIB does not
 * have, or that would change nothing there (standby of a node already in
 * standby, enable of a resource not disabled, clear with nothing to clear).
 * Ids and node names are checked as every command's are.
 */
export function checkChanges(changes: readonly ClusterChange[], facts: CibFacts): void {
  for (const change of changes) {
    if ('node' in change && change.node !== undefined) assertNodeName(change.node);
    if ('resource' in change) assertId(change.resource, 'resource id');
    if ('node' in change && change.node !== undefined && !facts.nodes.has(change.node))
      throw notFound('NO_SUCH_NODE', change, change.node, [...facts.nodes.keys()]);
    if ('resource' in change && !facts.resources.has(change.resource))
      throw notFound('NO_SUCH_RESOURCE', change, change.resource, [...facts.resources.keys()]);
    const noEffect = (detail: string) => {
      throw new PlanChangeError('NO_EFFECT', change, 'node' in change ? (change.node ?? '') : '', detail);
    };
    switch (change.kind) {
      case 'standby':
      case 'online':
      case 'maintenance':
      case 'unmaintenance': {
        const name = change.kind === 'standby' || change.kind === 'online' ? 'standby' : 'maintenance';
        const node = facts.nodes.get(change.node);
        const on = node !== undefined && nodeFlag(node, name);
        const wantOn = change.kind === 'standby' || change.kind === 'maintenance';
        if (on === wantOn) noEffect(`${change.node} is ${on ? 'already' : 'not'} in ${name}`);
        break;
      }
      case 'enable':
      case 'disable': {
        const roles = [change.resource, ...descendants(facts, change.resource)].map(
          (id) => facts.resources.get(id)?.meta['target-role'],
        );
        const stopped = roles.some((role) => role?.toLowerCase() === 'stopped');
        if (change.kind === 'enable' && !stopped) noEffect(`${change.resource} is not disabled`);
        if (change.kind === 'disable' && facts.resources.get(change.resource)?.meta['target-role'] === 'Stopped')
          noEffect(`${change.resource} is already disabled`);
        break;
      }
      case 'clear': {
        const mine = [...facts.constraints].filter(
          (id) =>
            id === `cli-prefer-${change.resource}` ||
            (id.startsWith(`cli-ban-${change.resource}-on-`) &&
              (change.node === undefined || id === `cli-ban-${change.resource}-on-${change.node}`)),
        );
        if (mine.length === 0) noEffect(`no move or ban constraint of ${change.resource} to clear`);
        break;
      }
      case 'fail': {
        const resource = facts.resources.get(change.resource);
        if (resource?.kind !== 'primitive')
          throw new PlanChangeError(
            'NOT_APPLICABLE',
            change,
            change.resource,
            `${change.resource} is a ${resource?.kind ?? 'resource'}: name one of its primitives (${primitivesOf(facts, change.resource).join(', ')})`,
          );
        if (
          change.operation === 'monitor' &&
          change.intervalMs === undefined &&
          monitorsOf(facts, change.resource).length === 0
        )
          throw new PlanChangeError(
            'NOT_APPLICABLE',
            change,
            change.resource,
            `${change.resource} has no recurring monitor`,
          );
        if ((change.operation === 'promote' || change.operation === 'demote') && !resource.promotable)
          throw new PlanChangeError('NOT_APPLICABLE', change, change.resource, `${change.resource} is not promotable`);
        break;
      }
      default:
        break;
    }
  }
}

/**
 * Checks what needs the cluster's current state (read from phase 1's
 * starting state, which the edits do not change: where things run, which
 * nodes are up): a node lost that is already down, a failed operation of a
 * resource not on that node, a restart of a resource that does not run.
 */
export function checkAgainstState(changes: readonly ClusterChange[], state: SimulatedState, facts?: CibFacts): void {
  const online = new Set(state.nodes.filter((node) => node.online).map((node) => node.name));
  const instances = listInstances(state);
  const runsOn = (id: string) =>
    new Set(
      instances
        .filter((instance) => instance.active && (instance.id === id || instance.parents.includes(id)))
        .flatMap((instance) => instance.nodes),
    );
  for (const change of changes) {
    if (change.kind === 'down' && !online.has(change.node))
      throw new PlanChangeError('NO_EFFECT', change, change.node, `${change.node} is already offline`);
    if (change.kind === 'fail' && !runsOn(change.resource).has(change.node) && change.operation !== 'start')
      throw new PlanChangeError(
        'NOT_APPLICABLE',
        change,
        change.resource,
        `${change.resource} does not run on ${change.node} (${whereItRuns(runsOn(change.resource))})`,
      );
    if (change.kind === 'move' && change.node !== undefined) {
      const mine = instances.filter(
        (instance) =>
          instance.active && (instance.id === change.resource || instance.parents.includes(change.resource)),
      );
      const there = mine.filter(
        (instance) =>
          instance.nodes.includes(change.node as string) && (!change.promoted || instance.role === 'Promoted'),
      );
      // A clone (or what is in one) runs on many nodes: an instance there is where the move would put it.
      const kind = facts?.resources.get(change.resource)?.kind;
      const inCollection =
        kind === 'clone' ||
        kind === 'bundle' ||
        mine.some((instance) => instance.parents.some((p) => isCollection(facts, p)));
      if (there.length > 0 && (inCollection || there.length === mine.length))
        throw new PlanChangeError(
          'NO_EFFECT',
          change,
          change.resource,
          `${change.resource} already runs on ${change.node}${change.promoted ? ' in the promoted role' : ''}`,
        );
    }
    if (change.kind === 'restart' && runsOn(change.resource).size === 0)
      throw new PlanChangeError('NOT_APPLICABLE', change, change.resource, `${change.resource} does not run anywhere`);
  }
}

// A node or resource the CIB does not have: named, with the closest there is (and, for nodes, all of them).
function notFound(
  reason: 'NO_SUCH_NODE' | 'NO_SUCH_RESOURCE',
  change: ClusterChange,
  name: string,
  known: string[],
): PlanChangeError {
  const close = closestName(name, known);
  const suggestion = close ? ` (did you mean ${close}?)` : '';
  const detail =
    reason === 'NO_SUCH_NODE'
      ? `no node '${name}' in the cluster${suggestion} (there are ${known.join(', ') || 'none'})`
      : `no resource '${name}'${suggestion}`;
  return new PlanChangeError(reason, change, name, detail);
}

function isCollection(facts: CibFacts | undefined, id: string): boolean {
  const kind = facts?.resources.get(id)?.kind;
  return kind === 'clone' || kind === 'bundle';
}

function whereItRuns(nodes: Set<string>): string {
  return nodes.size > 0 ? `it runs on ${[...nodes].join(', ')}` : 'it runs nowhere';
}

/** The edits and injections that make `changes` on a copy of the CIB, phase by phase. */
export function editsOf(changes: readonly ClusterChange[], facts: CibFacts): PhasedEdits {
  const edits: CibEdit[] = [];
  const inject: string[] = [];
  const afterInject: CibEdit[] = [];
  const later: ((before: SimulatedState) => CibEdit[])[] = [];
  const attribute = (node: string, name: string, value: string | undefined, lifetime?: 'reboot'): CibEdit => ({
    file: 'crm_attribute',
    args: [
      '--node',
      node,
      '--name',
      name,
      ...(lifetime ? ['--lifetime', lifetime] : []),
      ...(value === undefined ? ['--delete'] : ['--update', value]),
    ],
  });
  const meta = (resource: string, name: string, value: string | undefined): CibEdit => ({
    file: 'crm_resource',
    args: [
      '--resource',
      resource,
      '--meta',
      ...(value === undefined ? ['--delete-parameter', name] : ['--set-parameter', name, '--parameter-value', value]),
    ],
  });
  for (const change of changes) {
    switch (change.kind) {
      case 'standby':
      case 'maintenance':
        edits.push(attribute(change.node, change.kind, 'on'));
        break;
      case 'online':
      case 'unmaintenance': {
        const name = change.kind === 'online' ? 'standby' : 'maintenance';
        const node = facts.nodes.get(change.node);
        if (node?.attributes[name] !== undefined) edits.push(attribute(change.node, name, 'off'));
        if (node?.transient[name] !== undefined) edits.push(attribute(change.node, name, undefined, 'reboot'));
        break;
      }
      case 'down':
        inject.push(change.node);
        break;
      case 'move':
      case 'ban': {
        edits.push({
          file: 'crm_resource',
          args: [
            change.kind === 'move' ? '--move' : '--ban',
            '--resource',
            change.resource,
            ...(change.node === undefined ? [] : ['--node', change.node]),
            ...(change.promoted ? ['--promoted'] : []),
          ],
        });
        if (change.kind === 'move' && !change.keepConstraint) {
          const { resource, node } = change;
          // The constraint the move made, by the id crm_resource gives it, and only that one.
          later.push((before) => {
            const from =
              node ??
              listInstances(before).find(
                (instance) => instance.active && (instance.id === resource || instance.parents.includes(resource)),
              )?.nodes[0];
            const id = node === undefined ? `cli-ban-${resource}-on-${from ?? ''}` : `cli-prefer-${resource}`;
            return [{ file: 'cibadmin', args: ['--delete', '--xml-text', `<rsc_location id="${id}"/>`] }];
          });
        }
        break;
      }
      case 'clear':
        edits.push({
          file: 'crm_resource',
          args: [
            '--clear',
            '--resource',
            change.resource,
            ...(change.node === undefined ? [] : ['--node', change.node]),
          ],
        });
        break;
      case 'enable':
        // As pcs does: the target-role of the resource and of everything in it goes.
        for (const id of [change.resource, ...descendants(facts, change.resource)])
          if (facts.resources.get(id)?.meta['target-role'] !== undefined)
            edits.push(meta(id, 'target-role', undefined));
        break;
      case 'disable':
        edits.push(meta(change.resource, 'target-role', 'Stopped'));
        break;
      case 'restart': {
        const previous = facts.resources.get(change.resource)?.meta['target-role'];
        edits.push(meta(change.resource, 'target-role', 'Stopped'));
        later.push(() => [meta(change.resource, 'target-role', previous)]);
        break;
      }
      case 'fail':
        inject.push(`@${operationSpec(change, facts)}`);
        // crm_simulate counts one failure; the controller makes a failed start's count INFINITY (unless
        // start-failure-is-fatal is false), so the resource leaves the node, as it will for real.
        if (
          change.operation === 'start' &&
          !['false', 'no', '0', 'off'].includes((facts.options['start-failure-is-fatal'] ?? 'true').toLowerCase())
        )
          afterInject.push({
            file: 'crm_attribute',
            args: [
              '--node',
              change.node,
              '--name',
              `fail-count-${change.resource}#start_0`,
              '--lifetime',
              'reboot',
              '--update',
              'INFINITY',
            ],
          });
        break;
    }
  }
  return {
    first: {
      edits,
      inject: inject.flatMap((entry) =>
        entry.startsWith('@') ? ['--op-inject', entry.slice(1)] : ['--node-fail', entry],
      ),
      afterInject,
    },
    second: later.length === 0 ? undefined : (before) => later.flatMap((make) => make(before)),
  };
}

// crm_simulate's operation spec: RESOURCE_TASK_INTERVAL@NODE=RC. A monitor's interval is the one the CIB's status
// records running on that node (a promotable clone monitors each role at its own interval), else its first monitor.
function operationSpec(change: Extract<ClusterChange, { kind: 'fail' }>, facts: CibFacts): string {
  let interval = 0;
  if (change.operation === 'monitor') {
    const running = facts.recurringMonitors.get(`${change.node} ${change.resource}`) ?? [];
    interval = change.intervalMs ?? running[0] ?? monitorsOf(facts, change.resource)[0]?.intervalMs ?? 0;
  }
  return `${change.resource}_${change.operation}_${interval}@${change.node}=${change.exitCode ?? 1}`;
}

function monitorsOf(facts: CibFacts, id: string) {
  return (facts.resources.get(id)?.operations ?? []).filter((op) => op.name === 'monitor' && op.intervalMs > 0);
}

function descendants(facts: CibFacts, id: string): string[] {
  return [...facts.resources.values()]
    .filter((resource) => resource.parent === id)
    .flatMap((resource) => [resource.id, ...descendants(facts, resource.id)]);
}

/** The words of a change for messages (re-exported for the CLI). */
export { describeChange };
