import type { Ban, ClusterNode, ClusterStatus, FailedAction, PrimitiveResource, ResourceNode, ResourceRole } from './model.js';

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
export function listInstances(status: ClusterStatus): ResourceInstance[] {
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
      for (const replica of node.replicas) for (const primitive of replica.resources) visit(primitive, [...parents, node.id]);
    } else {
      for (const child of node.children) visit(child, [...parents, node.id]);
    }
  };
  for (const resource of status.resources) visit(resource, []);
  return instances;
}

/** Where each resource runs: primitive id → the nodes its active instances are on, with their roles. */
export function resourceLocations(status: ClusterStatus): Map<string, { node: string; role: ResourceRole }[]> {
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
    if ((instance.id === resourceId || instance.parents.includes(resourceId)) && instance.active) for (const node of instance.nodes) nodes.add(node);
  }
  return [...nodes];
}

/** A resource that is stopped although nothing asked it to stop. */
export interface StoppedResource {
  /** The primitive, or the clone or bundle, that should run. */
  id: string;
  /** The top-level resource it belongs to. */
  top: string;
  /** `stopped`, `failed`, `blocked`, `no instance runs` or `no replica runs`. */
  reason: string;
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
      if (!node.disabled && !parentDisabled && !disabled(node.targetRole) && node.managed && instances.length > 0 && instances.every((instance) => !instance.active)) {
        found.push({ id: node.id, top, reason: 'no instance runs' });
      }
    } else {
      const instances = node.replicas.flatMap((replica) => replica.resources);
      if (node.managed && !parentDisabled && instances.length > 0 && instances.every((instance) => !instance.active || disabled(instance.targetRole))) {
        if (!instances.every((instance) => disabled(instance.targetRole))) found.push({ id: node.id, top, reason: 'no replica runs' });
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
export function failCounts(status: ClusterStatus): { resource: string; node: string; count: number; lastFailure: string | undefined }[] {
  return status.nodeHistory.flatMap((history) =>
    history.resources.filter((entry) => (entry.failCount ?? 0) > 0).map((entry) => ({ resource: entry.id, node: history.node, count: entry.failCount as number, lastFailure: entry.lastFailure })),
  );
}

/** What is wrong with a node, as short words; empty for a healthy online node. */
export function nodeProblems(node: ClusterNode): string[] {
  const problems: string[] = [];
  if (!node.online && !node.pending) problems.push('offline');
  if (node.unclean) problems.push('unclean');
  if (node.standby) problems.push(node.standbyOnFail ? 'standby (on-fail)' : 'standby');
  if (node.maintenance) problems.push('maintenance');
  if (node.pending) problems.push('pending (joining)');
  if (node.shutdown) problems.push('shutting down');
  if (node.health === 'red') problems.push('health red');
  return problems;
}

/** A resource's constraints of place: location constraints from the CIB, and bans from the status. */
export function bansOf(status: ClusterStatus, resourceId: string): Ban[] {
  return status.bans.filter((ban) => ban.resource === resourceId);
}

/** The one verdict operators and scripts need. */
export interface HealthVerdict {
  /** Nothing is wrong (`reasons` is empty). */
  healthy: boolean;
  /** One sentence each: "node node2 is offline", "quorum is lost" … Empty when healthy. */
  reasons: string[];
}

/**
 * Healthy, or degraded because …: a node offline, unclean or in standby, no
 * DC or quorum lost, a resource stopped that should run, a failed action, or
 * the cluster in maintenance mode.
 */
export function evaluateHealth(status: ClusterStatus): HealthVerdict {
  const reasons: string[] = [];
  if (!status.summary.dc.present) reasons.push('no DC is elected');
  else if (!status.summary.quorate) reasons.push('quorum is lost');
  if (status.summary.options.maintenanceMode) reasons.push('the cluster is in maintenance mode');
  if (status.summary.options.stopAllResources) reasons.push('stop-all-resources is set');
  for (const node of status.nodes) {
    // A guest or remote node offline because its resource is stopped on purpose is that resource's story.
    const problems = nodeProblems(node).filter((problem) => !(problem === 'offline' && node.type !== 'member' && !node.expectedUp));
    if (problems.length > 0) reasons.push(`node ${node.name} is ${problems.join(', ')}`);
  }
  for (const resource of stoppedThatShouldRun(status)) reasons.push(`resource ${resource.id} is ${resource.reason === 'stopped' ? 'stopped but should run' : resource.reason}`);
  for (const instance of listInstances(status)) {
    if (instance.nodes.length > 1 && instance.role !== 'Migrating') reasons.push(`resource ${instance.id} is active on ${instance.nodes.length} nodes (${instance.nodes.join(', ')})`);
  }
  for (const failure of status.failures) {
    reasons.push(`failed action ${failure.task ?? 'operation'} of ${failure.resource} on ${failure.node}: ${failure.exitStatus}${failure.exitReason ? ` (${failure.exitReason})` : ''}`);
  }
  for (const event of status.fenceHistory) {
    if (event.status === 'failed') reasons.push(`fencing (${event.action}) of ${event.target} failed`);
    else if (event.status === 'pending') reasons.push(`fencing (${event.action}) of ${event.target} is pending`);
  }
  return { healthy: reasons.length === 0, reasons };
}
