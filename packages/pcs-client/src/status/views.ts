import { evaluateHealthFindings, type Health, type HealthReason } from '@ha/core';
import type {
  Ban,
  ClusterNode,
  ClusterStatus,
  FailedAction,
  PrimitiveResource,
  ResourceNode,
  ResourceRole,
} from './model.js';

/** One running (or stopped) instance of a primitive, with the collections around it. */
export interface ResourceInstance {
  /** The primitive's id (clone instances share it). */
  id: string;
  /** Its agent (`ocf:heartbeat:IPaddr2`). */
  agent: string;
  /** Its role now. */
  role: ResourceRole;
  /** Active on at least one node. */
  active: boolean;
  /** Failed. */
  failed: boolean;
  /** Pacemaker manages it. */
  managed: boolean;
  /** Node names it runs on (more than one: a multi-active problem, or a migration). */
  nodes: string[];
  /** Enclosing group, clone and bundle ids, outermost first. */
  parents: string[];
  /** The top-level resource this instance belongs to. */
  top: string;
  /** The primitive itself, whole. */
  resource: PrimitiveResource;
}

/** Every primitive instance of the tree, in document order. */
export function listInstances(status: Pick<ClusterStatus, 'resources'>): ResourceInstance[] {
  const instances: ResourceInstance[] = [];
  const visit = (node: ResourceNode, parents: string[]) => {
    if (node.kind === 'primitive') {
      instances.push({
        id: node.id,
        agent: node.agent,
        role: node.role,
        active: node.active,
        failed: node.failed,
        managed: node.managed,
        nodes: node.nodes.map((entry) => entry.name),
        parents,
        top: parents[0] ?? node.id,
        resource: node,
      });
    } else if (node.kind === 'bundle') {
      for (const replica of node.replicas)
        for (const primitive of replica.resources) visit(primitive, [...parents, node.id]);
    } else {
      for (const child of node.children) visit(child, [...parents, node.id]);
    }
  };
  for (const resource of status.resources) visit(resource, []);
  return instances;
}

/** Where each resource runs: primitive id → the nodes its active instances are on, with their roles. */
export function resourceLocations(
  status: Pick<ClusterStatus, 'resources'>,
): Map<string, { node: string; role: ResourceRole }[]> {
  const locations = new Map<string, { node: string; role: ResourceRole }[]>();
  for (const instance of listInstances(status)) {
    const entries = locations.get(instance.id) ?? [];
    if (instance.active) for (const node of instance.nodes) entries.push({ node, role: instance.role });
    locations.set(instance.id, entries);
  }
  return locations;
}

/** The node names a resource (a primitive, or a group, clone or bundle by its id) is active on. */
export function nodesRunning(status: ClusterStatus, resourceId: string): string[] {
  const nodes = new Set<string>();
  for (const instance of listInstances(status)) {
    if ((instance.id === resourceId || instance.parents.includes(resourceId)) && instance.active)
      for (const node of instance.nodes) nodes.add(node);
  }
  return [...nodes];
}

/** Why a resource that should run does not: a primitive `stopped`, `failed` or `blocked`; a clone or bundle none of whose instances runs. */
export type StoppedReason = 'stopped' | 'failed' | 'blocked' | 'no instance runs' | 'no replica runs';

/** A resource that is stopped although nothing asked it to stop. */
export interface StoppedResource {
  /** The primitive, or the clone or bundle, that should run. */
  id: string;
  /** The top-level resource it belongs to. */
  top: string;
  /** Why it is not running. */
  reason: StoppedReason;
}

/**
 * Resources that are stopped but should run: a primitive or group member whose
 * target role is not Stopped, managed, in no disabled group; and a clone or
 * bundle none of whose instances runs. (A clone with more instances than
 * nodes to run them is not a problem.)
 */
export function stoppedThatShouldRun(status: ClusterStatus): StoppedResource[] {
  const found: StoppedResource[] = [];
  const disabled = (targetRole: string | undefined) => targetRole !== undefined && /^stopped$/i.test(targetRole);
  const visit = (node: ResourceNode, top: string, parentDisabled: boolean) => {
    if (node.kind === 'primitive') {
      if (!node.active && node.managed && !parentDisabled && !disabled(node.targetRole) && node.role !== 'Starting') {
        found.push({ id: node.id, top, reason: node.failed ? 'failed' : node.blocked ? 'blocked' : 'stopped' });
      }
    } else if (node.kind === 'group') {
      for (const child of node.children) visit(child, top, parentDisabled || node.disabled);
    } else if (node.kind === 'clone') {
      const instances = listInstances({ resources: [node] } as ClusterStatus);
      if (
        !node.disabled &&
        !parentDisabled &&
        !disabled(node.targetRole) &&
        node.managed &&
        instances.length > 0 &&
        instances.every((instance) => !instance.active)
      ) {
        found.push({ id: node.id, top, reason: 'no instance runs' });
      }
    } else {
      const instances = node.replicas.flatMap((replica) => replica.resources);
      if (
        node.managed &&
        !parentDisabled &&
        instances.length > 0 &&
        instances.every((instance) => !instance.active || disabled(instance.targetRole))
      ) {
        if (!instances.every((instance) => disabled(instance.targetRole)))
          found.push({ id: node.id, top, reason: 'no replica runs' });
      }
    }
  };
  for (const resource of status.resources) visit(resource, resource.id, false);
  return found;
}

/** Failed actions, by node. */
export function failuresByNode(status: ClusterStatus): Map<string, FailedAction[]> {
  const byNode = new Map<string, FailedAction[]>();
  for (const failure of status.failures) byNode.set(failure.node, [...(byNode.get(failure.node) ?? []), failure]);
  return byNode;
}

/** Fail counts above zero, from the node history: resource, node, count, last failure. */
export function failCounts(
  status: ClusterStatus,
): { resource: string; node: string; count: number; lastFailure: string | undefined }[] {
  return status.nodeHistory.flatMap((history) =>
    history.resources
      .filter((entry) => (entry.failCount ?? 0) > 0)
      .map((entry) => ({
        resource: entry.id,
        node: history.node,
        count: entry.failCount as number,
        lastFailure: entry.lastFailure,
      })),
  );
}

/** What can be wrong with a node, one code each (`nodeProblems`); each is also a health reason code. */
export type NodeProblemCode =
  | 'NODE_OFFLINE'
  | 'NODE_UNCLEAN'
  | 'NODE_STANDBY'
  | 'NODE_MAINTENANCE'
  | 'NODE_PENDING'
  | 'NODE_SHUTDOWN'
  | 'NODE_HEALTH_RED';

/** One thing wrong with a node. */
export interface NodeProblem {
  /** What kind of problem. */
  code: NodeProblemCode;
  /** A word or two, as `ha-pcs status` lists it and health reasons say it: `offline`, `standby (on-fail)`, `pending (joining)`. */
  label: string;
}

/** What is wrong with a node, in a fixed order; empty for a healthy online node. */
export function nodeProblems(node: ClusterNode): NodeProblem[] {
  const problems: NodeProblem[] = [];
  const add = (code: NodeProblemCode, label: string) => problems.push({ code, label });
  if (!node.online && !node.pending) add('NODE_OFFLINE', 'offline');
  if (node.unclean) add('NODE_UNCLEAN', 'unclean');
  if (node.standby) add('NODE_STANDBY', node.standbyOnFail ? 'standby (on-fail)' : 'standby');
  if (node.maintenance) add('NODE_MAINTENANCE', 'maintenance');
  if (node.pending) add('NODE_PENDING', 'pending (joining)');
  if (node.shutdown) add('NODE_SHUTDOWN', 'shutting down');
  if (node.health === 'red') add('NODE_HEALTH_RED', 'health red');
  return problems;
}

/** A resource's constraints of place: location constraints from the CIB, and bans from the status. */
export function bansOf(status: ClusterStatus, resourceId: string): Ban[] {
  return status.bans.filter((ban) => ban.resource === resourceId);
}

/**
 * How healthy a cluster is, best to worst: `healthy`; `degraded` (it serves, with less margin or by an
 * operator's choice: a node offline or in standby, maintenance mode, a failed action, fencing pending);
 * `failed` (something that should run does not, or is in doubt: a resource stopped or active twice, a node
 * unclean, fencing failed); `no-quorum` (this partition cannot act: no DC, or quorum lost).
 */
export type PacemakerHealthState = 'healthy' | 'degraded' | 'failed' | 'no-quorum';

/** Every state, best first (the order `evaluateHealthFindings` ranks them in). */
export const pacemakerHealthStates = [
  'healthy',
  'degraded',
  'failed',
  'no-quorum',
] as const satisfies readonly PacemakerHealthState[];

/** Every reason code `evaluateHealth` gives. Each reason's `subject` names the node or resource (none for the cluster-wide ones). */
export type PacemakerHealthCode =
  | 'NO_DC'
  | 'NO_QUORUM'
  | 'MAINTENANCE_MODE'
  | 'STOP_ALL'
  | NodeProblemCode
  | 'RESOURCE_STOPPED'
  | 'RESOURCE_MULTI_ACTIVE'
  | 'FAILED_ACTION'
  | 'FENCING_FAILED'
  | 'FENCING_PENDING'
  | 'FENCING_DISABLED'
  | 'NO_FENCE_DEVICE'
  | 'FENCE_DEVICE_FAILED'
  | 'NODE_UNFENCEABLE';

/** The verdict on a cluster: core's one health shape with Pacemaker's states and codes. */
export type PacemakerHealth = Health<PacemakerHealthState, PacemakerHealthCode>;

/** A reason of a Pacemaker health verdict. */
export type PacemakerHealthReason = HealthReason<PacemakerHealthCode>;

// The state each node problem puts the cluster in: an unclean node is waiting to be fenced, what ran there is in doubt.
const nodeProblemStates: Record<NodeProblemCode, PacemakerHealthState> = {
  NODE_OFFLINE: 'degraded',
  NODE_UNCLEAN: 'failed',
  NODE_STANDBY: 'degraded',
  NODE_MAINTENANCE: 'degraded',
  NODE_PENDING: 'degraded',
  NODE_SHUTDOWN: 'degraded',
  NODE_HEALTH_RED: 'degraded',
};

/** Options of `evaluateHealth`. */
export interface EvaluateHealthOptions {
  /**
   * Which devices can fence each node (`PcsClient.fencingTargets()`): a node
   * with none is `NODE_UNFENCEABLE`. Without it, that is judged from the
   * status alone, and only when no fence device is active at all.
   */
  fencing?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** The fence devices (stonith primitives) of a status. */
export function fenceDevicesOf(status: ClusterStatus): ResourceInstance[] {
  return listInstances(status).filter((instance) => instance.agent.startsWith('stonith:'));
}

/**
 * Healthy, or why not (see `PacemakerHealthState` for what each state means): no DC or quorum lost, the
 * cluster in maintenance mode or stop-all-resources set, a node offline, unclean, in standby, in
 * maintenance, joining, shutting down or health red, a resource stopped that should run (disabled ones are
 * not), a resource active on more than one node, a failed action, fencing failed or pending; and a cluster
 * that cannot fence (each `degraded`: it serves, but a lost node could not be fenced, so its resources
 * could not be recovered safely): fencing disabled (`FENCING_DISABLED`), no fence device
 * (`NO_FENCE_DEVICE`), a device failed, blocked or stopped though enabled (`FENCE_DEVICE_FAILED`, subject
 * the device), a node no device can fence (`NODE_UNFENCEABLE`, subject the node; see `options.fencing`).
 *
 * @example
 * evaluateHealth(status)
 * // { healthy: false, state: 'degraded', reasons: [{ code: 'NODE_STANDBY', message: 'node node1 is standby', subject: 'node1' }] }
 * evaluateHealth(status, { fencing: { node1: ['lab-fence'], node2: [] } })
 * // … { code: 'NODE_UNFENCEABLE', message: 'no fence device can fence node node2', subject: 'node2' }
 */
export function evaluateHealth(status: ClusterStatus, options: EvaluateHealthOptions = {}): PacemakerHealth {
  const findings: (PacemakerHealthReason & { state: PacemakerHealthState })[] = [];
  const add = (state: PacemakerHealthState, code: PacemakerHealthCode, message: string, subject?: string) =>
    findings.push({ state, code, message, subject });
  if (!status.summary.dc.present) add('no-quorum', 'NO_DC', 'no DC is elected');
  else if (!status.summary.quorate) add('no-quorum', 'NO_QUORUM', 'quorum is lost');
  if (status.summary.options.maintenanceMode) add('degraded', 'MAINTENANCE_MODE', 'the cluster is in maintenance mode');
  if (status.summary.options.stopAllResources) add('degraded', 'STOP_ALL', 'stop-all-resources is set');
  for (const node of status.nodes) {
    for (const problem of nodeProblems(node)) {
      // A guest or remote node offline because its resource is stopped on purpose is that resource's story.
      if (problem.code === 'NODE_OFFLINE' && node.type !== 'member' && !node.expectedUp) continue;
      add(nodeProblemStates[problem.code], problem.code, `node ${node.name} is ${problem.label}`, node.name);
    }
  }
  for (const resource of stoppedThatShouldRun(status)) {
    add(
      'failed',
      'RESOURCE_STOPPED',
      `resource ${resource.id} is ${resource.reason === 'stopped' ? 'stopped but should run' : resource.reason}`,
      resource.id,
    );
  }
  for (const instance of listInstances(status)) {
    if (instance.nodes.length > 1 && instance.role !== 'Migrating') {
      add(
        'failed',
        'RESOURCE_MULTI_ACTIVE',
        `resource ${instance.id} is active on ${instance.nodes.length} nodes (${instance.nodes.join(', ')})`,
        instance.id,
      );
    }
  }
  for (const failure of status.failures) {
    const why = failure.exitReason ? ` (${failure.exitReason})` : '';
    add(
      'degraded',
      'FAILED_ACTION',
      `failed action ${failure.task ?? 'operation'} of ${failure.resource} on ${failure.node}: ${failure.exitStatus}${why}`,
      failure.resource,
    );
  }
  for (const event of status.fenceHistory) {
    if (event.status === 'failed')
      add('failed', 'FENCING_FAILED', `fencing (${event.action}) of ${event.target} failed`, event.target);
    else if (event.status === 'pending')
      add('degraded', 'FENCING_PENDING', `fencing (${event.action}) of ${event.target} is pending`, event.target);
  }
  for (const finding of fencingFindings(status, options.fencing))
    add('degraded', finding.code, finding.message, finding.subject);
  return evaluateHealthFindings(pacemakerHealthStates, findings);
}

/** Why the cluster cannot fence (the fencing codes of `evaluateHealth`), in that order; empty when it can. */
export function fencingFindings(
  status: ClusterStatus,
  fencing?: Readonly<Record<string, readonly string[]>>,
): PacemakerHealthReason[] {
  if (status.summary.options.stonithEnabled === false)
    return [{ code: 'FENCING_DISABLED', message: 'fencing is disabled (stonith-enabled=false)' }];
  const devices = fenceDevicesOf(status);
  if (devices.length === 0)
    return [{ code: 'NO_FENCE_DEVICE', message: 'fencing is enabled but no fence device is configured' }];
  const found: PacemakerHealthReason[] = [];
  const stopped = (role: string | undefined) => role !== undefined && /^stopped$/i.test(role);
  const failedIds = new Set(status.failures.map((failure) => failure.resource));
  for (const device of devices) {
    // A disabled device (target-role Stopped) is the operator's choice: it only counts through the nodes it leaves unfenceable.
    const why = device.failed
      ? 'has failed'
      : device.resource.blocked
        ? 'is blocked'
        : failedIds.has(device.id)
          ? `failed its ${status.failures.find((failure) => failure.resource === device.id)?.task ?? 'action'}`
          : !device.active && !stopped(device.resource.targetRole) && device.managed
            ? 'is stopped'
            : undefined;
    if (why !== undefined)
      found.push({ code: 'FENCE_DEVICE_FAILED', message: `fence device ${device.id} ${why}`, subject: device.id });
  }
  const fenceable = status.nodes.filter((node) => node.type === 'member' || node.type === 'remote');
  if (fencing !== undefined) {
    for (const node of fenceable) {
      const able = fencing[node.name];
      if (able !== undefined && able.length === 0)
        found.push({
          code: 'NODE_UNFENCEABLE',
          message: `no fence device can fence node ${node.name}`,
          subject: node.name,
        });
    }
  } else if (!devices.some((device) => device.active)) {
    for (const node of fenceable)
      found.push({
        code: 'NODE_UNFENCEABLE',
        message: `no fence device is active: node ${node.name} cannot be fenced`,
        subject: node.name,
      });
  }
  return found;
}
