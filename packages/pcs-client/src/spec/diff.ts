import { isDeepStrictEqual } from 'node:util';
import { entityKey, flattenSpec, unflattenSpec, type SpecEntity, type SpecEntityKind } from './flatten.js';
import type { ClusterSpec } from './model.js';

/** What a change is about: an entity's kind, or a node's attribute or utilization (`node-attribute`, `node-utilization`). */
export type SpecChangeKind = SpecEntityKind | 'node-attribute' | 'node-utilization';

/**
 * One change from a current spec to a desired one. Without `field`, a whole
 * object is added or removed (or a property, a default, whose value is the
 * object), or a property's value updated; with `field`, one field of it is.
 */
export interface SpecChange {
  /** `add`: there only in the desired spec; `remove`: only in the current one; `update`: in both, different. */
  op: 'add' | 'remove' | 'update';
  /** What it is about (`primitive`, `location`, `property`, `node-attribute` …). */
  kind: SpecChangeKind;
  /** The id of what changes (a property's or default's name, a node's name). */
  id: string;
  /** The field, as people read it: `params.ip`, `meta.target-role`, `operations[monitor 10s].timeout`, `members`. */
  field?: string;
  /** The field's path within the object (`['operations', 'monitor 10s', 'timeout']`): names may hold dots. */
  path?: string[];
  /** The value before (the whole object for a removal, the field's for a field). */
  before?: unknown;
  /** The value after (the whole object for an addition, the field's for a field). */
  after?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `current` without the ids `desired` leaves out, at every level: an id a
 * spec omits is one it does not care about (the apply keeps the CIB's), so it
 * is never a difference. Arrays are matched by position.
 */
export function withoutOmittedIds(current: unknown, desired: unknown): unknown {
  if (Array.isArray(current) && Array.isArray(desired))
    return current.map((item, index) => withoutOmittedIds(item, desired[index]));
  if (!isRecord(current) || !isRecord(desired)) return current;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(current)) {
    if ((key === 'id' || key === 'ids') && !(key in desired)) continue;
    if (key === 'ids' && isRecord(value) && isRecord(desired.ids))
      result.ids = Object.fromEntries(Object.entries(value).filter(([name]) => name in (desired.ids as object)));
    else result[key] = withoutOmittedIds(value, desired[key]);
  }
  return result;
}

// Maps, operations and the fields of one operation are compared key by key; lists (members, sets, rules,
// devices, raw elements) whole, since their order is significant.
function descends(path: readonly string[]): boolean {
  if (path.length <= 1) return true;
  return path[0] === 'operations' && (path.length === 2 || (path.length === 3 && path[2] === 'attributes'));
}

function fieldChanges(
  before: unknown,
  after: unknown,
  path: string[],
  emit: (change: Omit<SpecChange, 'kind' | 'id'>) => void,
): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isRecord(before) && isRecord(after) && descends(path)) {
    // A map one side lacks is an empty one (`meta` added: its keys added), so each key is its own line;
    // an empty map and none write the same configuration.
    const asMap = (value: unknown) => (path.length === 0 && isRecord(value) ? value : undefined);
    for (const key of Object.keys(before)) {
      if (key in after) continue;
      const map = asMap(before[key]);
      if (map) fieldChanges(map, {}, [key], emit);
      else emit({ op: 'remove', path: [...path, key], before: before[key] });
    }
    for (const [key, value] of Object.entries(after)) {
      const map = asMap(value);
      if (key in before) fieldChanges(before[key], value, [...path, key], emit);
      else if (map) fieldChanges({}, map, [key], emit);
      else emit({ op: 'add', path: [...path, key], after: value });
    }
    return;
  }
  emit({ op: 'update', path, before, after });
}

/** A field path as people read it: `params.ip`, `operations[monitor 10s].timeout`. */
export function formatFieldPath(path: readonly string[]): string {
  return path
    .map((part, index) => (index === 1 && path[0] === 'operations' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

/** The change's kind and field as reported: a node's attribute or utilization is a change of its own kind. */
function reported(entity: SpecEntity, path: string[]): Pick<SpecChange, 'kind' | 'field'> {
  if (entity.kind === 'node' && path.length === 2 && (path[0] === 'attributes' || path[0] === 'utilization'))
    return { kind: path[0] === 'attributes' ? 'node-attribute' : 'node-utilization', field: path[1] as string };
  return { kind: entity.kind, ...(path.length > 0 ? { field: formatFieldPath(path) } : {}) };
}

/**
 * The minimal changes that turn `current` into `desired`: ids are the
 * identity (nothing renamed is nothing changed), so a spec equal to the
 * export has no change. Maps compare key by key and their order is not
 * significant; the order of group members, of sets, rules and devices is.
 * Ids `desired` omits are not compared (see `withoutOmittedIds`). Removals of
 * whole objects come first, then updates and additions in desired order.
 */
export function diffSpecs(current: ClusterSpec, desired: ClusterSpec): SpecChange[] {
  const before = flattenSpec(current);
  const after = flattenSpec(desired);
  const changes: SpecChange[] = [];
  for (const [key, entity] of before)
    if (!after.has(key)) changes.push({ op: 'remove', kind: entity.kind, id: entity.id, before: entity.value });
  for (const [key, entity] of after) {
    const old = before.get(key);
    if (!old) {
      changes.push({ op: 'add', kind: entity.kind, id: entity.id, after: entity.value });
      continue;
    }
    fieldChanges(withoutOmittedIds(old.value, entity.value), entity.value, [], (change) => {
      const path = change.path ?? [];
      changes.push({ ...change, ...reported(entity, path), id: entity.id, ...(path.length > 0 ? { path } : {}) });
    });
  }
  return changes;
}

const entityKindOf = (kind: SpecChangeKind): SpecEntityKind =>
  kind === 'node-attribute' || kind === 'node-utilization' ? 'node' : kind;

function setAt(target: unknown, path: readonly string[], value: unknown): unknown {
  const [first, ...rest] = path;
  if (first === undefined) return value;
  const record = isRecord(target) ? { ...target } : {};
  const next = setAt(record[first], rest, value);
  // A map left empty by removals is no map, as the diff reads it.
  if (next === undefined || (rest.length > 0 && isRecord(next) && Object.keys(next).length === 0)) delete record[first];
  else record[first] = next;
  return record;
}

/**
 * `current` with `changes` made (pure): what `diffSpecs(current, desired)`
 * returns turns `current` into `desired`, up to the order of top-level lists
 * and the ids `desired` omits (kept from `current`).
 */
export function applySpecChanges(current: ClusterSpec, changes: readonly SpecChange[]): ClusterSpec {
  const entities = flattenSpec(current);
  for (const change of changes) {
    const kind = entityKindOf(change.kind);
    const key = entityKey(kind, change.id);
    const path = change.path ?? [];
    if (path.length === 0) {
      if (change.op === 'remove') entities.delete(key);
      else entities.set(key, { kind, id: change.id, value: change.after });
      continue;
    }
    const entity = entities.get(key) ?? { kind, id: change.id, value: {} };
    entities.set(key, {
      ...entity,
      value: setAt(entity.value, path, change.op === 'remove' ? undefined : change.after),
    });
  }
  return unflattenSpec(entities);
}

function shown(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What names an added or removed object in a line: an agent, a value, a rule's target. */
function summary(change: SpecChange): string {
  const value = change.op === 'remove' ? change.before : change.after;
  if (typeof value === 'string') return `=${value}`;
  if (!isRecord(value)) return '';
  if (change.kind === 'primitive')
    return ` (${[value.class, value.provider, value.type].filter((part) => part !== undefined).join(':')})`;
  if (change.kind === 'group' && Array.isArray(value.members)) return ` [${value.members.join(', ')}]`;
  if (change.kind === 'clone') return ` (${value.promotable === true ? 'promotable ' : ''}of ${shown(value.resource)})`;
  return '';
}

/**
 * One line per change, for people: `+ primitive Web (ocf:heartbeat:apache)`,
 * `~ primitive VirtualIP params.ip: 10.0.0.1 → 10.0.0.2`, `- location ban-web`,
 * `+ primitive Web meta.target-role=Stopped`, `~ property stonith-enabled: false → true`.
 */
export function formatSpecDiff(changes: readonly SpecChange[]): string[] {
  return changes.map((change) => {
    const subject = `${change.kind}${change.id === '' ? '' : ` ${change.id}`}`;
    const sign = change.op === 'add' ? '+' : change.op === 'remove' ? '-' : '~';
    if (change.op === 'update')
      return `${sign} ${subject}${change.field === undefined ? '' : ` ${change.field}`}: ${shown(change.before)} → ${shown(change.after)}`;
    if (change.field === undefined) return `${sign} ${subject}${summary(change)}`;
    const value = change.op === 'add' ? change.after : change.before;
    return `${sign} ${subject} ${change.field}${typeof value === 'string' ? `=${value}` : ''}`;
  });
}
