import { assertInputSize, safeParseDuration } from '@ha/core';
import { pcsParseError } from '../errors.js';
import { childNamed, childrenNamed, parseXmlTree, type XmlElement } from '../xml/tree.js';

/** A resource of the CIB's configuration, as a plan needs it. */
export interface CibResource {
  /** Its id. */
  id: string;
  /** `primitive`, `group`, `clone` or `bundle`. */
  kind: 'primitive' | 'group' | 'clone' | 'bundle';
  /** The resource it sits in (a group, clone or bundle), when any. */
  parent: string | undefined;
  /** Its meta attributes (`target-role`, `promotable`). */
  meta: Record<string, string>;
  /** A promotable clone, or a primitive in one. */
  promotable: boolean;
  /** Its operations (primitives): name, interval in ms, role. */
  operations: { name: string; intervalMs: number; role: string | undefined }[];
}

/** What a plan checks changes against: the CIB's nodes, resources, constraints and every id. */
export interface CibFacts {
  /** The configured cluster nodes (not remote or guest nodes), by name. */
  nodes: Map<
    string,
    {
      /** Its `uname`. */
      name: string;
      /** Its node id. */
      id: string;
      /** Permanent node attributes (`standby`, `maintenance`). */
      attributes: Record<string, string>;
      /** Transient node attributes (until it reboots). */
      transient: Record<string, string>;
    }
  >;
  /** Every resource, by id. */
  resources: Map<string, CibResource>;
  /** Constraint ids. */
  constraints: Set<string>;
  /** Every id of the document. */
  ids: Set<string>;
  /** The cluster options (`crm_config`), by name. */
  options: Record<string, string>;
  /** The recurring monitors the status records on each node (`node resource` → intervals, ms). */
  recurringMonitors: Map<string, number[]>;
}

/**
 * Reads what a plan needs from a CIB. Text that is not XML, or XML whose root
 * is not `<cib>`, is a `ParseError` naming `file`, line and column.
 */
export function readCibFacts(text: string, options: { file?: string; maxBytes?: number } = {}): CibFacts {
  const where = options.file ?? 'CIB';
  assertInputSize(text, where, options.maxBytes);
  const root = parseXmlTree(text, options);
  if (root.name !== 'cib')
    throw pcsParseError('NOT_CIB', `${where} is not a CIB (root element <${root.name}>, expected <cib>)`, {
      file: options.file,
      line: root.line,
      column: root.column,
    });
  const configuration = childNamed(root, 'configuration');
  const facts: CibFacts = {
    nodes: new Map(),
    resources: new Map(),
    constraints: new Set(),
    ids: new Set(),
    options: {},
    recurringMonitors: new Map(),
  };
  for (const set of childrenNamed(childNamed(configuration, 'crm_config'), 'cluster_property_set'))
    Object.assign(facts.options, nvpairs(set));
  const collectIds = (element: XmlElement) => {
    if (element.attributes.id !== undefined) facts.ids.add(element.attributes.id);
    for (const child of element.children) collectIds(child);
  };
  collectIds(root);
  const transientById = new Map<string, Record<string, string>>();
  for (const state of childrenNamed(childNamed(root, 'status'), 'node_state')) {
    const transient: Record<string, string> = {};
    for (const set of childrenNamed(childNamed(state, 'transient_attributes'), 'instance_attributes'))
      Object.assign(transient, nvpairs(set));
    transientById.set(state.attributes.id ?? '', transient);
    const node = state.attributes.uname ?? '';
    for (const resource of childrenNamed(childNamed(childNamed(state, 'lrm'), 'lrm_resources'), 'lrm_resource')) {
      // An anonymous clone's instance may be recorded as `id:N`.
      const key = `${node} ${(resource.attributes.id ?? '').replace(/:\d+$/, '')}`;
      for (const op of childrenNamed(resource, 'lrm_rsc_op')) {
        const interval = Number(op.attributes.interval ?? '0');
        if (op.attributes.operation === 'monitor' && interval > 0)
          facts.recurringMonitors.set(key, [...(facts.recurringMonitors.get(key) ?? []), interval]);
      }
    }
  }
  for (const node of childrenNamed(childNamed(configuration, 'nodes'), 'node')) {
    const type = node.attributes.type;
    if (type !== undefined && type !== 'member' && type !== 'normal') continue;
    const attributes: Record<string, string> = {};
    for (const set of childrenNamed(node, 'instance_attributes')) Object.assign(attributes, nvpairs(set));
    const id = node.attributes.id ?? '';
    facts.nodes.set(node.attributes.uname ?? id, {
      name: node.attributes.uname ?? id,
      id,
      attributes,
      transient: transientById.get(id) ?? {},
    });
  }
  const visit = (element: XmlElement, parent: CibResource | undefined) => {
    const kind = element.name as CibResource['kind'];
    if (!['primitive', 'group', 'clone', 'bundle', 'master'].includes(element.name)) return;
    const meta: Record<string, string> = {};
    for (const set of childrenNamed(element, 'meta_attributes')) Object.assign(meta, nvpairs(set));
    const promotable =
      element.name === 'master' ||
      ['true', 'yes', '1'].includes((meta.promotable ?? '').toLowerCase()) ||
      (parent?.promotable ?? false);
    const resource: CibResource = {
      id: element.attributes.id ?? '',
      kind: element.name === 'master' ? 'clone' : kind,
      parent: parent?.id,
      meta,
      promotable,
      operations: childrenNamed(childNamed(element, 'operations'), 'op').map((op) => ({
        name: op.attributes.name ?? '',
        intervalMs: safeParseDuration(op.attributes.interval ?? '0', { defaultUnit: 's' }) ?? 0,
        role: op.attributes.role,
      })),
    };
    facts.resources.set(resource.id, resource);
    for (const child of element.children) visit(child, resource);
  };
  for (const child of childNamed(configuration, 'resources')?.children ?? []) visit(child, undefined);
  for (const constraint of childNamed(configuration, 'constraints')?.children ?? [])
    if (constraint.attributes.id !== undefined) facts.constraints.add(constraint.attributes.id);
  return facts;
}

/** The name → value pairs of the `<nvpair>` elements among `elements` (the children of an attribute set). */
export function nvpairValues(elements: readonly XmlElement[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const pair of elements)
    if (pair.name === 'nvpair' && pair.attributes.name !== undefined)
      values.set(pair.attributes.name, pair.attributes.value ?? '');
  return values;
}

function nvpairs(set: XmlElement): Record<string, string> {
  return Object.fromEntries(nvpairValues(set.children));
}

/** The primitives a resource holds (itself, for a primitive), in document order. */
export function primitivesOf(facts: CibFacts, id: string): string[] {
  const resource = facts.resources.get(id);
  if (!resource) return [];
  if (resource.kind === 'primitive') return [id];
  return [...facts.resources.values()]
    .filter((child) => child.parent === id)
    .flatMap((child) => primitivesOf(facts, child.id));
}

/** A node's `standby` or `maintenance` as Pacemaker reads it: the transient value wins over the permanent one. */
export function nodeFlag(
  node: { attributes: Record<string, string>; transient: Record<string, string> },
  name: string,
): boolean {
  return ['on', 'true', 'yes', '1', 'y'].includes((node.transient[name] ?? node.attributes[name] ?? '').toLowerCase());
}
