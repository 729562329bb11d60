import { fencingTargetName } from './from-cib.js';
import { fencingLevelId } from './ids.js';
import type {
  ClusterSpec,
  SpecAlert,
  SpecConstraint,
  SpecFencingLevel,
  SpecGroup,
  SpecNode,
  SpecOperation,
  SpecPrimitive,
  SpecRecipient,
  SpecResource,
  SpecTag,
} from './model.js';

/**
 * What a spec is made of, one object a Pacemaker id names: the diff compares
 * these, and `applySpecChanges` edits them. A group names its members and a
 * clone its resource by id; a primitive's operations are keyed by what
 * identifies an operation (`monitor 10s`, `monitor 10s Promoted`).
 */
export type SpecEntityKind =
  | 'cluster'
  | 'property'
  | 'resource-default'
  | 'operation-default'
  | 'node'
  | 'primitive'
  | 'group'
  | 'clone'
  | 'bundle'
  | 'raw-resource'
  | 'location'
  | 'colocation'
  | 'order'
  | 'ticket'
  | 'raw-constraint'
  | 'fencing-level'
  | 'alert'
  | 'recipient'
  | 'tag';

/** One entity: its kind, its id, and its fields as plain data (a property's is its value). */
export interface SpecEntity {
  /** What it is. */
  kind: SpecEntityKind;
  /** Its id (a property's name, a node's name). */
  id: string;
  /** Its fields: the spec's object without what identifies it. */
  value: unknown;
}

/** An operation's identity within its primitive: action, interval and role (`monitor 10s`). */
export function operationKey(op: Pick<SpecOperation, 'name' | 'interval' | 'role'>): string {
  return [op.name, op.interval, op.role].filter((part) => part !== undefined).join(' ');
}

/** A fencing level's id, written or generated. */
export function fencingLevelIdOf(level: SpecFencingLevel): string {
  return level.id ?? fencingLevelId(fencingTargetName(level), level.index);
}

const without = <T extends object, K extends keyof T>(object: T, ...keys: K[]): Omit<T, K> => {
  const copy = { ...object };
  for (const key of keys) delete copy[key];
  return copy;
};

/** The entities of a spec, in document order, keyed `kind id`. */
export function flattenSpec(spec: ClusterSpec): Map<string, SpecEntity> {
  const entities = new Map<string, SpecEntity>();
  const add = (kind: SpecEntityKind, id: string, value: unknown) =>
    entities.set(entityKey(kind, id), { kind, id, value });
  const cluster = Object.fromEntries(
    Object.entries({
      name: spec.properties?.['cluster-name'] === undefined ? spec.name : undefined,
      propertySets: spec.propertySets,
      defaultSets: spec.defaultSets,
      acls: spec.acls,
      ids: spec.ids,
      raw: spec.raw,
    }).filter(([, value]) => value !== undefined),
  );
  if (Object.keys(cluster).length > 0) add('cluster', '', cluster);
  for (const [name, value] of Object.entries(spec.properties ?? {})) add('property', name, value);
  for (const [name, value] of Object.entries(spec.resourceDefaults ?? {})) add('resource-default', name, value);
  for (const [name, value] of Object.entries(spec.operationDefaults ?? {})) add('operation-default', name, value);
  for (const node of spec.nodes ?? []) add('node', node.uname, without(node, 'uname'));
  const addPrimitive = (primitive: SpecPrimitive) => {
    const { operations, ...rest } = without(primitive, 'kind', 'id');
    const value =
      operations === undefined
        ? rest
        : { ...rest, operations: Object.fromEntries(operations.map((op) => [operationKey(op), op])) };
    add('primitive', primitive.id, value);
  };
  const addGroup = (group: SpecGroup) => {
    add('group', group.id, { ...without(group, 'kind', 'id'), members: group.members.map((member) => member.id) });
    group.members.forEach(addPrimitive);
  };
  const addResource = (resource: SpecResource) => {
    if (resource.kind === 'primitive') addPrimitive(resource);
    else if (resource.kind === 'group') addGroup(resource);
    else if (resource.kind === 'clone') {
      add('clone', resource.id, { ...without(resource, 'kind', 'id'), resource: resource.resource.id });
      addResource(resource.resource);
    } else add(resource.kind === 'bundle' ? 'bundle' : 'raw-resource', resource.id, { xml: resource.xml });
  };
  (spec.resources ?? []).forEach(addResource);
  for (const constraint of spec.constraints ?? [])
    add(
      constraint.type === 'raw' ? 'raw-constraint' : constraint.type,
      constraint.id,
      without(constraint, 'type', 'id'),
    );
  for (const level of spec.fencingLevels ?? []) add('fencing-level', fencingLevelIdOf(level), without(level, 'id'));
  for (const alert of spec.alerts ?? []) {
    add('alert', alert.id, without(alert, 'id', 'recipients'));
    for (const recipient of alert.recipients ?? [])
      add('recipient', recipient.id, { ...without(recipient, 'id'), alert: alert.id });
  }
  for (const tag of spec.tags ?? []) add('tag', tag.id, { refs: tag.refs });
  return entities;
}

/** The key of an entity in `flattenSpec`'s map. */
export function entityKey(kind: SpecEntityKind, id: string): string {
  return `${kind} ${id}`;
}

const ofKind = (entities: Map<string, SpecEntity>, kind: SpecEntityKind) =>
  [...entities.values()].filter((entity) => entity.kind === kind);

/**
 * The spec of entities, the inverse of `flattenSpec`: lists in the entities'
 * order; a primitive or group some group or clone names sits inside it.
 */
export function unflattenSpec(entities: Map<string, SpecEntity>): ClusterSpec {
  const spec: ClusterSpec = {};
  const cluster = entities.get(entityKey('cluster', ''))?.value as Partial<ClusterSpec> | undefined;
  const map = (kind: SpecEntityKind) =>
    Object.fromEntries(ofKind(entities, kind).map((entity) => [entity.id, entity.value as string]));
  const properties = map('property');
  if (Object.keys(properties).length > 0) spec.properties = properties;
  const name = cluster?.name ?? properties['cluster-name'];
  if (name !== undefined) spec.name = name;
  if (cluster?.propertySets) spec.propertySets = cluster.propertySets;
  const resourceDefaults = map('resource-default');
  if (Object.keys(resourceDefaults).length > 0) spec.resourceDefaults = resourceDefaults;
  const operationDefaults = map('operation-default');
  if (Object.keys(operationDefaults).length > 0) spec.operationDefaults = operationDefaults;
  if (cluster?.defaultSets) spec.defaultSets = cluster.defaultSets;
  const nodes = ofKind(entities, 'node');
  if (nodes.length > 0)
    spec.nodes = nodes.map((node) => ({ uname: node.id, ...(node.value as Omit<SpecNode, 'uname'>) }));
  const primitive = (id: string): SpecPrimitive | undefined => {
    const value = entities.get(entityKey('primitive', id))?.value as
      (Omit<SpecPrimitive, 'operations' | 'kind' | 'id'> & { operations?: Record<string, SpecOperation> }) | undefined;
    if (!value) return undefined;
    const { operations, ...rest } = value;
    return {
      kind: 'primitive',
      id,
      ...rest,
      ...(operations === undefined ? {} : { operations: Object.values(operations) }),
    } as SpecPrimitive;
  };
  const group = (id: string): SpecGroup | undefined => {
    const value = entities.get(entityKey('group', id))?.value as
      (Omit<SpecGroup, 'members' | 'kind' | 'id'> & { members: string[] }) | undefined;
    if (!value) return undefined;
    const members = value.members.map(primitive).filter((member): member is SpecPrimitive => member !== undefined);
    return { kind: 'group', id, ...value, members } as SpecGroup;
  };
  const nested = new Set<string>();
  for (const entity of ofKind(entities, 'group'))
    for (const member of (entity.value as { members: string[] }).members) nested.add(member);
  for (const entity of ofKind(entities, 'clone')) nested.add((entity.value as { resource: string }).resource);
  const resources: SpecResource[] = [];
  for (const entity of entities.values()) {
    if (nested.has(entity.id) && (entity.kind === 'primitive' || entity.kind === 'group')) continue;
    if (entity.kind === 'primitive') resources.push(primitive(entity.id) as SpecPrimitive);
    else if (entity.kind === 'group') resources.push(group(entity.id) as SpecGroup);
    else if (entity.kind === 'clone') {
      const value = entity.value as { resource: string };
      const child = primitive(value.resource) ?? group(value.resource);
      if (child)
        resources.push({ kind: 'clone', id: entity.id, ...(value as object), resource: child } as SpecResource);
    } else if (entity.kind === 'bundle' || entity.kind === 'raw-resource')
      resources.push({
        kind: entity.kind === 'bundle' ? 'bundle' : 'raw',
        id: entity.id,
        xml: (entity.value as { xml: string }).xml,
      });
  }
  if (resources.length > 0) spec.resources = resources;
  const constraintKinds: SpecEntityKind[] = ['location', 'colocation', 'order', 'ticket', 'raw-constraint'];
  const constraints = [...entities.values()]
    .filter((entity) => constraintKinds.includes(entity.kind))
    .map(
      (entity) =>
        ({
          type: entity.kind === 'raw-constraint' ? 'raw' : entity.kind,
          id: entity.id,
          ...(entity.value as object),
        }) as SpecConstraint,
    );
  if (constraints.length > 0) spec.constraints = constraints;
  const levels = ofKind(entities, 'fencing-level').map((entity) => {
    const level = entity.value as SpecFencingLevel;
    return fencingLevelIdOf(level) === entity.id ? level : { ...level, id: entity.id };
  });
  if (levels.length > 0) spec.fencingLevels = levels;
  if (cluster?.acls !== undefined) spec.acls = cluster.acls;
  const tags = ofKind(entities, 'tag').map((entity) => ({ id: entity.id, ...(entity.value as Omit<SpecTag, 'id'>) }));
  if (tags.length > 0) spec.tags = tags;
  const recipients = ofKind(entities, 'recipient');
  const alerts = ofKind(entities, 'alert').map((entity): SpecAlert => {
    const own = recipients
      .filter((recipient) => (recipient.value as { alert: string }).alert === entity.id)
      .map(({ id, value }) => ({ id, ...without(value as Omit<SpecRecipient, 'id'> & { alert: string }, 'alert') }));
    return {
      id: entity.id,
      ...(entity.value as Omit<SpecAlert, 'id' | 'recipients'>),
      ...(own.length > 0 ? { recipients: own } : {}),
    };
  });
  if (alerts.length > 0) spec.alerts = alerts;
  if (cluster?.ids) spec.ids = cluster.ids;
  if (cluster?.raw) spec.raw = cluster.raw;
  return spec;
}
