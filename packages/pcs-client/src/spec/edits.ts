import { HaError } from '@ha/core';
import { closestName } from '../fencing/validate.js';
import type {
  ClusterSpec,
  SpecConstraint,
  SpecGroup,
  SpecNode,
  SpecOperation,
  SpecPrimitive,
  SpecResource,
} from './model.js';

/** Name → value; `null` removes the name. */
export type SpecValueChanges = Record<string, string | null>;

/**
 * One small change of a cluster's configuration, made to its spec (`applyEdits`)
 * and then applied like any spec (`PcsClient.edit`): verified, planned, pushed in
 * one guarded update.
 */
export type SpecEdit =
  | {
      /** A primitive's params, meta or utilization (a group's or clone's meta too). */
      kind: 'update-resource';
      /** The resource. */
      id: string;
      /** Its params (instance attributes). */
      params?: SpecValueChanges;
      /** Its meta attributes. */
      meta?: SpecValueChanges;
      /** Its utilization. */
      utilization?: SpecValueChanges;
    }
  | {
      /** Pacemaker leaves the resource alone (`is-managed=false`), or takes it back. */
      kind: 'unmanage' | 'manage';
      /** The resource. */
      id: string;
    }
  | {
      /** An operation added to a primitive (replacing one of the same action, interval and role). */
      kind: 'add-operation';
      /** The primitive. */
      id: string;
      /** The operation. */
      operation: SpecOperation;
    }
  | {
      /** An operation removed from a primitive, by action and interval (and role, where it has one). */
      kind: 'remove-operation';
      /** The primitive. */
      id: string;
      /** The action (`monitor`). */
      name: string;
      /** Its interval as written (`10s`). */
      interval: string;
      /** Its role, for a role-bound monitor. */
      role?: string;
    }
  | {
      /** Resource defaults (`rsc_defaults`) or operation defaults (`op_defaults`). */
      kind: 'set-defaults';
      /** Which defaults. */
      of: 'resources' | 'operations';
      /** The values. */
      values: SpecValueChanges;
    }
  | {
      /** Cluster properties (`crm_config`). */
      kind: 'set-properties';
      /** The values. */
      values: SpecValueChanges;
    }
  | {
      /** Primitives moved into a group (made when missing), at its end or before a member; from another group too. */
      kind: 'group-add';
      /** The group. */
      group: string;
      /** The primitives, in order. */
      members: string[];
      /** Insert them before this member (default: at the end). */
      before?: string;
    }
  | {
      /** Members taken out of their group, back to top level; a group left empty is removed, as pcs does. */
      kind: 'group-remove';
      /** The group. */
      group: string;
      /** The members. */
      members: string[];
    }
  | {
      /** A top-level primitive or group cloned (`<id>-clone`, or `cloneId`), promotable or not. */
      kind: 'clone';
      /** The primitive or group. */
      id: string;
      /** A promotable clone. */
      promotable?: boolean;
      /** The clone's id (default `<id>-clone`). */
      cloneId?: string;
      /** The clone's meta attributes (`clone-max`, `interleave` …). */
      meta?: Record<string, string>;
    }
  | {
      /** A clone undone: what it cloned goes back to top level. */
      kind: 'unclone';
      /** The clone, or what it clones. */
      id: string;
    }
  | {
      /** A constraint added, or replaced when its id exists: location (rules too), colocation, order, ticket, sets. */
      kind: 'add-constraint';
      /** The constraint. */
      constraint: SpecConstraint;
    }
  | {
      /** A constraint removed by id. */
      kind: 'remove-constraint';
      /** Its id. */
      id: string;
    }
  | {
      /** A node's attributes (permanent, in its `<node>`) or utilization. */
      kind: 'node-attributes' | 'node-utilization';
      /** The node. */
      node: string;
      /** The values. */
      values: SpecValueChanges;
    };

/**
 * An edit that names what the spec does not have, or cannot be made as asked
 * (a group member that is not a top-level primitive, a clone of a clone). The
 * message names the id, with a close name where there is one.
 */
export class SpecEditError extends HaError {
  /** The edit refused. */
  readonly edit: SpecEdit;

  constructor(edit: SpecEdit, message: string) {
    super('NOT_FOUND', `${edit.kind}: ${message}`);
    this.edit = edit;
  }
}

/** `spec` with `edits` made, in order (pure: `spec` is not changed). */
export function applyEdits(spec: ClusterSpec, edits: readonly SpecEdit[]): ClusterSpec {
  let next: ClusterSpec = structuredClone(spec);
  for (const edit of edits) next = applyEdit(next, edit);
  return next;
}

function applyEdit(spec: ClusterSpec, edit: SpecEdit): ClusterSpec {
  switch (edit.kind) {
    case 'update-resource':
    case 'manage':
    case 'unmanage': {
      const target = findResource(spec, edit.id, edit);
      const changes =
        edit.kind === 'update-resource'
          ? edit
          : { meta: { 'is-managed': edit.kind === 'unmanage' ? 'false' : null } as SpecValueChanges };
      if (isRaw(target)) throw new SpecEditError(edit, `${edit.id} is kept as raw XML: edit it in the spec`);
      if (
        target.kind !== 'primitive' &&
        (('params' in changes && changes.params) || ('utilization' in changes && changes.utilization))
      )
        throw new SpecEditError(edit, `${edit.id} is a ${target.kind}: only a primitive has params and utilization`);
      if (target.kind === 'primitive') {
        if ('params' in changes) target.params = changed(target.params, changes.params);
        if ('utilization' in changes) target.utilization = changed(target.utilization, changes.utilization);
      }
      target.meta = changed(target.meta, changes.meta);
      return tidy(spec);
    }
    case 'add-operation':
    case 'remove-operation': {
      const primitive = findResource(spec, edit.id, edit);
      if (primitive.kind !== 'primitive')
        throw new SpecEditError(edit, `${edit.id} is a ${primitive.kind}, not a primitive`);
      const same = (op: SpecOperation, name: string, interval: string, role: string | undefined) =>
        op.name === name && op.interval === interval && (op.role ?? '') === (role ?? '');
      const operations = primitive.operations ?? [];
      if (edit.kind === 'add-operation') {
        const { name, interval, role } = edit.operation;
        const at = operations.findIndex((op) => same(op, name, interval, role));
        primitive.operations =
          at < 0
            ? [...operations, edit.operation]
            : operations.map((op, index) => (index === at ? edit.operation : op));
      } else {
        const kept = operations.filter((op) => !same(op, edit.name, edit.interval, edit.role));
        if (kept.length === operations.length)
          throw new SpecEditError(
            edit,
            `${edit.id} has no ${edit.name} operation every ${edit.interval}${edit.role ? ` (${edit.role})` : ''}`,
          );
        primitive.operations = kept;
      }
      return tidy(spec);
    }
    case 'set-defaults':
      if (edit.of === 'resources') spec.resourceDefaults = changed(spec.resourceDefaults, edit.values);
      else spec.operationDefaults = changed(spec.operationDefaults, edit.values);
      return tidy(spec);
    case 'set-properties':
      spec.properties = changed(spec.properties, edit.values);
      return tidy(spec);
    case 'group-add':
      return groupAdd(spec, edit);
    case 'group-remove':
      return groupRemove(spec, edit);
    case 'clone': {
      const resources = spec.resources ?? [];
      const index = resources.findIndex((resource) => resource.id === edit.id);
      const target = resources[index];
      if (!target) return refuseMissing(spec, edit, edit.id, 'top-level resource');
      if (target.kind !== 'primitive' && target.kind !== 'group')
        throw new SpecEditError(edit, `${edit.id} is a ${target.kind}: only a primitive or a group is cloned`);
      resources[index] = {
        kind: 'clone',
        id: edit.cloneId ?? `${edit.id}-clone`,
        promotable: edit.promotable === true,
        resource: target,
        ...(edit.meta ? { meta: { ...edit.meta } } : {}),
      };
      return spec;
    }
    case 'unclone': {
      const resources = spec.resources ?? [];
      const index = resources.findIndex(
        (resource) => resource.kind === 'clone' && (resource.id === edit.id || resource.resource.id === edit.id),
      );
      const clone = resources[index];
      if (!clone || clone.kind !== 'clone') return refuseMissing(spec, edit, edit.id, 'clone');
      resources[index] = clone.resource;
      return spec;
    }
    case 'add-constraint': {
      const constraints = (spec.constraints ?? []).filter((constraint) => constraint.id !== edit.constraint.id);
      spec.constraints = [...constraints, structuredClone(edit.constraint)];
      return spec;
    }
    case 'remove-constraint': {
      const constraints = spec.constraints ?? [];
      if (!constraints.some((constraint) => constraint.id === edit.id))
        throw new SpecEditError(
          edit,
          `no constraint '${edit.id}'${suggestion(
            edit.id,
            constraints.map((constraint) => constraint.id),
          )}`,
        );
      spec.constraints = constraints.filter((constraint) => constraint.id !== edit.id);
      return spec;
    }
    case 'node-attributes':
    case 'node-utilization': {
      const node = (spec.nodes ?? []).find((entry) => entry.uname === edit.node);
      if (!node)
        throw new SpecEditError(
          edit,
          `no node '${edit.node}'${suggestion(
            edit.node,
            (spec.nodes ?? []).map((entry: SpecNode) => entry.uname),
          )}`,
        );
      if (edit.kind === 'node-attributes') node.attributes = changed(node.attributes, edit.values);
      else node.utilization = changed(node.utilization, edit.values);
      return tidy(spec);
    }
  }
}

function groupAdd(spec: ClusterSpec, edit: Extract<SpecEdit, { kind: 'group-add' }>): ClusterSpec {
  // A member of another top-level group moves out of it (as pcs moves it); a group it leaves empty goes.
  for (const resource of spec.resources ?? [])
    if (resource.kind === 'group' && resource.id !== edit.group)
      resource.members = resource.members.filter((member) => {
        if (!edit.members.includes(member.id)) return true;
        (spec.resources ?? []).push(member);
        return false;
      });
  const resources = (spec.resources ?? []).filter(
    (resource) => resource.kind !== 'group' || resource.members.length > 0 || resource.id === edit.group,
  );
  const moving: SpecPrimitive[] = edit.members.map((id) => {
    const found = resources.find((resource) => resource.id === id);
    if (!found) return refuseMissing(spec, edit, id, 'primitive (top level, or in a group)');
    if (found.kind !== 'primitive') throw new SpecEditError(edit, `${id} is a ${found.kind}: a group holds primitives`);
    return found;
  });
  let group = resources.find(
    (resource): resource is SpecGroup => resource.kind === 'group' && resource.id === edit.group,
  );
  const kept = resources.filter((resource) => !edit.members.includes(resource.id));
  if (!group) {
    if (resources.some((resource) => resource.id === edit.group))
      throw new SpecEditError(edit, `${edit.group} exists and is not a group`);
    // A new group takes the place of its first member, as pcs puts it.
    group = { kind: 'group', id: edit.group, members: [] };
    const first = resources.findIndex((resource) => resource.id === edit.members[0]);
    kept.splice(Math.min(first, kept.length), 0, group);
  }
  const at =
    edit.before === undefined ? group.members.length : group.members.findIndex((member) => member.id === edit.before);
  if (at < 0) throw new SpecEditError(edit, `${edit.group} has no member '${edit.before}'`);
  group.members.splice(at, 0, ...moving);
  spec.resources = kept;
  return spec;
}

function groupRemove(spec: ClusterSpec, edit: Extract<SpecEdit, { kind: 'group-remove' }>): ClusterSpec {
  const resources = spec.resources ?? [];
  const index = resources.findIndex((resource) => resource.kind === 'group' && resource.id === edit.group);
  const group = resources[index];
  if (!group || group.kind !== 'group') return refuseMissing(spec, edit, edit.group, 'top-level group');
  for (const id of edit.members)
    if (!group.members.some((member) => member.id === id))
      throw new SpecEditError(
        edit,
        `${edit.group} has no member '${id}'${suggestion(
          id,
          group.members.map((member) => member.id),
        )}`,
      );
  const leaving = group.members.filter((member) => edit.members.includes(member.id));
  group.members = group.members.filter((member) => !edit.members.includes(member.id));
  // The members leave right after the group; a group left empty goes, as pcs removes it.
  resources.splice(index + 1, 0, ...leaving);
  if (group.members.length === 0) resources.splice(index, 1);
  return spec;
}

// The resource with `id` anywhere in the spec: top level, a group's member, a clone's child (or its members).
function findResource(spec: ClusterSpec, id: string, edit: SpecEdit): SpecResource {
  const all: SpecResource[] = [];
  const visit = (resource: SpecResource | SpecPrimitive | SpecGroup) => {
    all.push(resource);
    if (resource.kind === 'group') resource.members.forEach(visit);
    if (resource.kind === 'clone') visit(resource.resource);
  };
  (spec.resources ?? []).forEach(visit);
  const found = all.find((resource) => resource.id === id);
  if (!found) return refuseMissing(spec, edit, id, 'resource');
  return found;
}

// A bundle or an untyped resource: its kind is one of two words, which `===` alone does not narrow away.
function isRaw(resource: SpecResource): resource is Extract<SpecResource, { xml: string }> {
  return resource.kind === 'bundle' || resource.kind === 'raw';
}

function refuseMissing(spec: ClusterSpec, edit: SpecEdit, id: string, what: string): never {
  const ids: string[] = [];
  const visit = (resource: SpecResource | SpecPrimitive | SpecGroup) => {
    ids.push(resource.id);
    if (resource.kind === 'group') resource.members.forEach(visit);
    if (resource.kind === 'clone') visit(resource.resource);
  };
  (spec.resources ?? []).forEach(visit);
  throw new SpecEditError(edit, `no ${what} '${id}'${suggestion(id, ids)}`);
}

function suggestion(name: string, names: readonly string[]): string {
  const close = closestName(
    name,
    names.filter((other) => other !== name),
  );
  return close === undefined ? '' : ` (did you mean '${close}'?)`;
}

// A name → value map with the changes made: null removes a name; an empty map is no map.
function changed(
  values: Record<string, string> | undefined,
  changes: SpecValueChanges | undefined,
): Record<string, string> | undefined {
  if (changes === undefined) return values;
  const next: Record<string, string> = { ...values };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return Object.keys(next).length === 0 ? undefined : next;
}

// Optional fields left undefined by `changed` are dropped, so the spec stays as the schema writes it.
function tidy(spec: ClusterSpec): ClusterSpec {
  return JSON.parse(JSON.stringify(spec)) as ClusterSpec;
}
