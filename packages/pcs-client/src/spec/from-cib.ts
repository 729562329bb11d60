import { pcsParseError } from '../errors.js';
import { childNamed, parseXmlTree, type XmlElement } from '../xml/tree.js';
import {
  attributeSetId,
  configurationSections,
  expressionId,
  fencingLevelId,
  nodeSetId,
  operationId,
  pairId,
  resourceSetId,
  ruleId,
  sectionSetIds,
} from './ids.js';
import type {
  ClusterSpec,
  SpecAlert,
  SpecClone,
  SpecConstraint,
  SpecExpression,
  SpecFencingLevel,
  SpecGroup,
  SpecNode,
  SpecOperation,
  SpecPrimitive,
  SpecRecipient,
  SpecResource,
  SpecResourceSet,
  SpecRule,
  SpecTag,
} from './model.js';
import { nodeOfElement, writeXml } from './xml-writer.js';

/**
 * The whole `<configuration>` of a CIB as a spec: a CIB's text, its parsed
 * `<cib>`, or its `<configuration>` element. What the spec does not type is
 * kept as raw XML at the nearest level; ids are kept where they differ from
 * the ones `configurationFromSpec` would generate. Text that is not XML is a
 * `ParseError` (`MALFORMED_XML`, `EMPTY_INPUT`); XML that is neither a `<cib>`
 * nor a `<configuration>`, or a CIB without one, is a `ParseError` (`NOT_CIB`).
 */
export function specFromCib(cib: string | XmlElement, options: { file?: string } = {}): ClusterSpec {
  const root = typeof cib === 'string' ? parseXmlTree(cib, options) : cib;
  const configuration = root.name === 'configuration' ? root : childNamed(root, 'configuration');
  if (!configuration || (root.name !== 'cib' && root.name !== 'configuration'))
    throw pcsParseError(
      'NOT_CIB',
      root.name === 'cib'
        ? 'the CIB has no <configuration>'
        : `not a CIB: the document is <${root.name}>, expected <cib> or <configuration>`,
      { file: options.file, line: root.line, column: root.column },
    );
  const spec: ClusterSpec = {};
  const ids: Record<string, string> = {};
  const raw: string[] = [];
  for (const section of configuration.children) {
    switch (section.name) {
      case 'crm_config': {
        const { values, rest } = sectionSet(
          section,
          'cluster_property_set',
          sectionSetIds.properties,
          'properties',
          ids,
        );
        if (values) spec.properties = values;
        if (rest.length > 0) spec.propertySets = rest;
        break;
      }
      case 'rsc_defaults':
      case 'op_defaults': {
        // An empty section has nothing to type, yet writing it back keeps the configuration as it was.
        if (section.children.length === 0) {
          raw.push(xmlOf(section));
          break;
        }
        const key = section.name === 'rsc_defaults' ? 'resourceDefaults' : 'operationDefaults';
        const { values, rest } = sectionSet(section, 'meta_attributes', sectionSetIds[key], key, ids);
        if (values) spec[key] = values;
        if (rest.length > 0)
          spec.defaultSets = { ...spec.defaultSets, [key === 'resourceDefaults' ? 'resources' : 'operations']: rest };
        break;
      }
      case 'nodes': {
        const nodes = section.children.map(readNode);
        if (!nodes.every(isDefined)) raw.push(xmlOf(section));
        else if (nodes.length > 0) spec.nodes = nodes;
        break;
      }
      // <nodes>, <resources> and <constraints> are always written: empty, they need no list in the spec.
      case 'resources':
        if (section.children.length > 0) spec.resources = section.children.map(readResource);
        break;
      case 'constraints':
        if (section.children.length > 0) spec.constraints = section.children.map(readConstraint);
        break;
      case 'fencing-topology': {
        const levels = section.children.map(readFencingLevel);
        // An empty optional section has nothing to type: kept raw, it is written back as it was.
        if (levels.every(isDefined) && levels.length > 0 && Object.keys(section.attributes).length === 0)
          spec.fencingLevels = levels;
        else raw.push(xmlOf(section));
        break;
      }
      case 'acls':
        spec.acls = xmlOf(section);
        break;
      case 'tags': {
        const tags = section.children.map(readTag);
        if (tags.every(isDefined) && tags.length > 0) spec.tags = tags;
        else raw.push(xmlOf(section));
        break;
      }
      case 'alerts': {
        const alerts = section.children.map(readAlert);
        if (alerts.every(isDefined) && alerts.length > 0) spec.alerts = alerts;
        else raw.push(xmlOf(section));
        break;
      }
      default:
        raw.push(xmlOf(section));
    }
  }
  const clusterName = spec.properties?.['cluster-name'];
  if (clusterName !== undefined) spec.name = clusterName;
  if (Object.keys(ids).length > 0) spec.ids = ids;
  // Raw sections are written back in Pacemaker's order: read in that order, a written spec reads back the same.
  const rank = (xml: string) => {
    const index = configurationSections.findIndex((name) => new RegExp(`^<${name}[\\s/>]`).test(xml));
    return index === -1 ? configurationSections.length : index;
  };
  if (raw.length > 0) spec.raw = [...raw].sort((a, b) => rank(a) - rank(b));
  return spec;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** An element as XML text (the spec's raw form). */
export function xmlOf(element: XmlElement): string {
  return writeXml(nodeOfElement(element));
}

/** The values of a set Pacemaker would read the same way written back plainly: ids, names, values, nothing else. */
function plainSetValues(set: XmlElement): Record<string, string> | undefined {
  if (set.attributes.id === undefined || Object.keys(set.attributes).length !== 1 || set.text !== undefined)
    return undefined;
  const values: Record<string, string> = {};
  for (const pair of set.children) {
    const { id, name, value } = pair.attributes;
    if (pair.name !== 'nvpair' || id === undefined || name === undefined || value === undefined) return undefined;
    if (Object.keys(pair.attributes).length !== 3 || pair.children.length > 0 || name in values) return undefined;
    // A pair named like an array index would be reordered by a JavaScript object.
    if (/^\d+$/.test(name)) return undefined;
    values[name] = value;
  }
  return values;
}

/** Records the ids of a typed set that differ from the generated ones. */
function recordSetIds(set: XmlElement, generated: string, key: string, ids: Record<string, string>): void {
  const setId = set.attributes.id ?? generated;
  if (setId !== generated) ids[key] = setId;
  for (const pair of set.children) {
    const name = pair.attributes.name ?? '';
    if (pair.attributes.id !== pairId(setId, name)) ids[`${key}.${name}`] = pair.attributes.id ?? '';
  }
}

/** A section holding sets (crm_config, the defaults): the first set typed when plain, every other child raw. */
function sectionSet(
  section: XmlElement,
  setName: string,
  generated: string,
  key: string,
  ids: Record<string, string>,
): { values: Record<string, string> | undefined; rest: string[] } {
  const [first, ...others] = section.children;
  // An empty set is kept raw: as a map it would be no properties at all, and not be written back.
  const values = first?.name === setName && first.children.length > 0 ? plainSetValues(first) : undefined;
  if (first && values) recordSetIds(first, generated, key, ids);
  return { values, rest: (values ? others : section.children).map(xmlOf) };
}

/** What a typed element's children read into: its typed sets, and the rest raw. */
interface OwnedChildren {
  /** Typed sets by spec key. */
  sets: Record<string, Record<string, string>>;
  /** Ids that are not the generated ones. */
  ids: Record<string, string>;
  /** Children not typed, raw, in order. */
  raw: string[];
}

/**
 * The attribute sets of an element (`instance_attributes` → `params` …): the
 * first of each name typed when plain, the others of that name raw (the order
 * of same-named sets is their precedence, so a typed one never jumps a raw
 * one). `typed(child)` claims the children some other reader types.
 */
function ownedChildren(
  element: XmlElement,
  owner: string,
  setKeys: Partial<Record<'instance_attributes' | 'meta_attributes' | 'utilization', string>>,
  typed: (child: XmlElement) => boolean,
  generatedSetId: (name: 'instance_attributes' | 'meta_attributes' | 'utilization') => string = (name) =>
    attributeSetId(owner, name),
): OwnedChildren {
  const result: OwnedChildren = { sets: {}, ids: {}, raw: [] };
  const claimed = new Set<XmlElement>();
  for (const [name, key] of Object.entries(setKeys) as [
    'instance_attributes' | 'meta_attributes' | 'utilization',
    string,
  ][]) {
    const first = element.children.find((child) => child.name === name);
    const values = first ? plainSetValues(first) : undefined;
    if (!first || !values) continue;
    result.sets[key] = values;
    recordSetIds(first, generatedSetId(name), key, result.ids);
    claimed.add(first);
  }
  for (const child of element.children) if (!claimed.has(child) && !typed(child)) result.raw.push(xmlOf(child));
  return result;
}

/** The attributes of `element` other than `typedNames`, when there are any. */
function otherAttributes(element: XmlElement, typedNames: readonly string[]): Record<string, string> | undefined {
  const rest = Object.entries(element.attributes).filter(([name]) => !typedNames.includes(name));
  return rest.length > 0 ? Object.fromEntries(rest) : undefined;
}

/** Sets the optional fields that have a value (the spec has no `undefined` keys: it reads as YAML). */
function withDefined<T extends object>(target: T, fields: Partial<T>): T {
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target;
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

function rawResource(element: XmlElement): SpecResource {
  return { kind: element.name === 'bundle' ? 'bundle' : 'raw', id: element.attributes.id ?? '', xml: xmlOf(element) };
}

function readResource(element: XmlElement): SpecResource {
  switch (element.name) {
    case 'primitive':
      return readPrimitive(element) ?? rawResource(element);
    case 'group':
      return readGroup(element) ?? rawResource(element);
    case 'clone':
      return readClone(element) ?? rawResource(element);
    default:
      return rawResource(element);
  }
}

function readPrimitive(element: XmlElement): SpecPrimitive | undefined {
  const { id, class: standard, provider, type } = element.attributes;
  if (id === undefined || standard === undefined || type === undefined || element.text !== undefined) return undefined;
  const operationsElement = element.children.find((child) => child.name === 'operations');
  const operations = operationsElement ? readOperations(operationsElement, id) : undefined;
  const owned = ownedChildren(
    element,
    id,
    { instance_attributes: 'params', meta_attributes: 'meta', utilization: 'utilization' },
    (child) => child === operationsElement && operations !== undefined,
  );
  if (operations?.id !== undefined) owned.ids.operations = operations.id;
  return withDefined<SpecPrimitive>(
    { kind: 'primitive', id, class: standard, type },
    {
      provider,
      params: owned.sets.params,
      meta: owned.sets.meta,
      utilization: owned.sets.utilization,
      operations: operations?.list,
      ids: nonEmpty(owned.ids),
      attributes: otherAttributes(element, ['id', 'class', 'provider', 'type']),
      raw: owned.raw.length > 0 ? owned.raw : undefined,
    },
  );
}

function readOperations(
  element: XmlElement,
  resource: string,
): { list: SpecOperation[]; id: string | undefined } | undefined {
  if (Object.keys(element.attributes).some((name) => name !== 'id') || element.text !== undefined) return undefined;
  const list: SpecOperation[] = [];
  for (const op of element.children) {
    const { name, interval, timeout, role, id } = op.attributes;
    if (op.name !== 'op' || name === undefined || interval === undefined || id === undefined) return undefined;
    list.push(
      withDefined<SpecOperation>(
        { name, interval },
        {
          timeout,
          role,
          id: id === operationId(resource, name, interval) ? undefined : id,
          attributes: otherAttributes(op, ['id', 'name', 'interval', 'timeout', 'role']),
          raw: op.children.length > 0 ? op.children.map(xmlOf) : undefined,
        },
      ),
    );
  }
  return { list, id: element.attributes.id };
}

function readGroup(element: XmlElement): SpecGroup | undefined {
  const id = element.attributes.id;
  if (id === undefined || element.text !== undefined) return undefined;
  const members: SpecPrimitive[] = [];
  for (const child of element.children) {
    if (child.name !== 'primitive') continue;
    const member = readPrimitive(child);
    // A member the spec cannot type would lose its place among the others: keep the whole group raw.
    if (!member) return undefined;
    members.push(member);
  }
  const owned = ownedChildren(element, id, { meta_attributes: 'meta' }, (child) => child.name === 'primitive');
  return withDefined<SpecGroup>(
    { kind: 'group', id, members },
    {
      meta: owned.sets.meta,
      ids: nonEmpty(owned.ids),
      attributes: otherAttributes(element, ['id']),
      raw: owned.raw.length > 0 ? owned.raw : undefined,
    },
  );
}

function readClone(element: XmlElement): SpecClone | undefined {
  const id = element.attributes.id;
  const children = element.children.filter((child) => child.name === 'primitive' || child.name === 'group');
  const [child] = children;
  if (id === undefined || children.length !== 1 || !child || element.text !== undefined) return undefined;
  const resource = child.name === 'primitive' ? readPrimitive(child) : readGroup(child);
  if (!resource) return undefined;
  const owned = ownedChildren(element, id, { meta_attributes: 'meta' }, (candidate) => candidate === child);
  const meta = owned.sets.meta;
  // `promotable` is typed only in the form the spec writes back: `promotable=true`, first of the clone's meta.
  const promotable = meta !== undefined && Object.keys(meta)[0] === 'promotable' && meta.promotable === 'true';
  // Its pair id, if not generated, stays recorded under `meta.promotable`.
  if (promotable && meta) delete meta.promotable;
  return withDefined<SpecClone>(
    { kind: 'clone', id, promotable, resource },
    {
      meta: meta && Object.keys(meta).length === 0 && owned.ids.meta === undefined ? undefined : meta,
      ids: nonEmpty(owned.ids),
      attributes: otherAttributes(element, ['id']),
      raw: owned.raw.length > 0 ? owned.raw : undefined,
    },
  );
}

function readNode(element: XmlElement): SpecNode | undefined {
  const { id, uname } = element.attributes;
  if (element.name !== 'node' || id === undefined || uname === undefined || element.text !== undefined)
    return undefined;
  const owned = ownedChildren(
    element,
    id,
    { instance_attributes: 'attributes', utilization: 'utilization' },
    () => false,
    (name) => nodeSetId(id, name === 'utilization' ? 'utilization' : 'instance_attributes'),
  );
  return withDefined<SpecNode>(
    { id, uname },
    {
      nodeType: element.attributes.type,
      attributes: owned.sets.attributes,
      utilization: owned.sets.utilization,
      ids: nonEmpty(owned.ids),
      otherAttributes: otherAttributes(element, ['id', 'uname', 'type']),
      raw: owned.raw.length > 0 ? owned.raw : undefined,
    },
  );
}

function readConstraint(element: XmlElement): SpecConstraint {
  const typed = typedConstraint(element);
  return typed ?? { type: 'raw', id: element.attributes.id ?? '', xml: xmlOf(element) };
}

function typedConstraint(element: XmlElement): SpecConstraint | undefined {
  const a = element.attributes;
  const id = a.id;
  if (id === undefined || element.text !== undefined) return undefined;
  const setElements = element.children.filter((child) => child.name === 'resource_set');
  const sets = setElements.map((set, index) => readResourceSet(set, id, index));
  if (!sets.every(isDefined)) return undefined;
  const others = (names: string[]) => otherAttributes(element, ['id', ...names]);
  const rawChildren = (claimed: (child: XmlElement) => boolean) => {
    const rest = element.children.filter((child) => !claimed(child)).map(xmlOf);
    return rest.length > 0 ? rest : undefined;
  };
  const isSet = (child: XmlElement) => child.name === 'resource_set';
  switch (element.name) {
    case 'rsc_location': {
      const ruleElements = element.children.filter((child) => child.name === 'rule');
      const names = ['rsc', 'rsc-pattern', 'node', 'score', 'role', 'resource-discovery'];
      return withDefined<SpecConstraint>(
        { type: 'location', id },
        {
          rsc: a.rsc,
          rscPattern: a['rsc-pattern'],
          node: a.node,
          score: a.score,
          role: a.role,
          resourceDiscovery: a['resource-discovery'],
          sets: sets.length > 0 ? sets : undefined,
          rules:
            ruleElements.length > 0 ? ruleElements.map((rule, index) => readRule(rule, ruleId(id, index))) : undefined,
          attributes: others(names),
          raw: rawChildren((child) => child.name === 'rule' || isSet(child)),
        },
      );
    }
    case 'rsc_colocation':
      return withDefined<SpecConstraint>(
        { type: 'colocation', id },
        {
          rsc: a.rsc,
          withRsc: a['with-rsc'],
          rscRole: a['rsc-role'],
          withRscRole: a['with-rsc-role'],
          score: a.score,
          sets: sets.length > 0 ? sets : undefined,
          attributes: others(['rsc', 'with-rsc', 'rsc-role', 'with-rsc-role', 'score']),
          raw: rawChildren(isSet),
        },
      );
    case 'rsc_order':
      return withDefined<SpecConstraint>(
        { type: 'order', id },
        {
          first: a.first,
          then: a.then,
          firstAction: a['first-action'],
          thenAction: a['then-action'],
          kind: a.kind,
          symmetrical: a.symmetrical,
          sets: sets.length > 0 ? sets : undefined,
          attributes: others(['first', 'then', 'first-action', 'then-action', 'kind', 'symmetrical']),
          raw: rawChildren(isSet),
        },
      );
    case 'rsc_ticket':
      if (a.ticket === undefined) return undefined;
      return withDefined<SpecConstraint>(
        { type: 'ticket', id, ticket: a.ticket },
        {
          rsc: a.rsc,
          rscRole: a['rsc-role'],
          lossPolicy: a['loss-policy'],
          sets: sets.length > 0 ? sets : undefined,
          attributes: others(['ticket', 'rsc', 'rsc-role', 'loss-policy']),
          raw: rawChildren(isSet),
        },
      );
    default:
      return undefined;
  }
}

function readResourceSet(element: XmlElement, constraint: string, index: number): SpecResourceSet | undefined {
  const resources: string[] = [];
  for (const ref of element.children) {
    if (ref.name !== 'resource_ref' || ref.attributes.id === undefined || Object.keys(ref.attributes).length !== 1)
      return undefined;
    resources.push(ref.attributes.id);
  }
  if (element.attributes.id === undefined || element.text !== undefined) return undefined;
  return withDefined<SpecResourceSet>(
    { resources },
    {
      id: element.attributes.id === resourceSetId(constraint, index) ? undefined : element.attributes.id,
      attributes: otherAttributes(element, ['id']),
    },
  );
}

function readRule(element: XmlElement, generatedId: string): SpecRule {
  const id = element.attributes.id ?? generatedId;
  const expressions = element.children.map(
    (child, index) => readExpression(child, expressionId(id, index)) ?? { xml: xmlOf(child) },
  );
  return withDefined<SpecRule>(
    { expressions },
    {
      score: element.attributes.score,
      booleanOp: element.attributes['boolean-op'],
      role: element.attributes.role,
      id: element.attributes.id === generatedId ? undefined : element.attributes.id,
      attributes: otherAttributes(element, ['id', 'score', 'boolean-op', 'role']),
    },
  );
}

function readExpression(element: XmlElement, generatedId: string): SpecExpression | undefined {
  const { id, attribute, operation, value, type } = element.attributes;
  if (element.name !== 'expression' || id === undefined || attribute === undefined || operation === undefined)
    return undefined;
  if (element.children.length > 0 || element.text !== undefined) return undefined;
  return withDefined<SpecExpression>(
    { attribute, operation },
    {
      value,
      type,
      id: id === generatedId ? undefined : id,
      attributes: otherAttributes(element, ['id', 'attribute', 'operation', 'value', 'type']),
    },
  );
}

/** What a fencing level targets, as its generated id names it. */
export function fencingTargetName(
  level: Pick<SpecFencingLevel, 'target' | 'targetPattern' | 'targetAttribute' | 'targetValue'>,
): string {
  return level.target ?? level.targetPattern ?? `${level.targetAttribute ?? ''}=${level.targetValue ?? ''}`;
}

function readFencingLevel(element: XmlElement): SpecFencingLevel | undefined {
  const a = element.attributes;
  const index = Number(a.index);
  if (element.name !== 'fencing-level' || a.id === undefined || a.devices === undefined || element.children.length > 0)
    return undefined;
  // Only what writes back the same: an index in its plain decimal form, devices without spaces.
  if (!Number.isInteger(index) || index <= 0 || String(index) !== a.index || /\s|,,|^,|,$/.test(a.devices))
    return undefined;
  const level = withDefined<SpecFencingLevel>(
    { index, devices: a.devices.split(',') },
    {
      target: a.target,
      targetPattern: a['target-pattern'],
      targetAttribute: a['target-attribute'],
      targetValue: a['target-value'],
      attributes: otherAttributes(element, [
        'id',
        'index',
        'devices',
        'target',
        'target-pattern',
        'target-attribute',
        'target-value',
      ]),
    },
  );
  if (a.id !== fencingLevelId(fencingTargetName(level), index)) level.id = a.id;
  return level;
}

function readTag(element: XmlElement): SpecTag | undefined {
  const id = element.attributes.id;
  if (element.name !== 'tag' || id === undefined || Object.keys(element.attributes).length !== 1) return undefined;
  const refs: string[] = [];
  for (const ref of element.children) {
    if (ref.name !== 'obj_ref' || ref.attributes.id === undefined || Object.keys(ref.attributes).length !== 1)
      return undefined;
    refs.push(ref.attributes.id);
  }
  return { id, refs };
}

function readAlert(element: XmlElement): SpecAlert | undefined {
  const { id, path } = element.attributes;
  if (element.name !== 'alert' || id === undefined || path === undefined || element.text !== undefined)
    return undefined;
  const selects = element.children.filter((child) => child.name === 'select');
  const recipients = element.children.filter((child) => child.name === 'recipient').map(readRecipient);
  if (!recipients.every(isDefined) || selects.length > 1) return undefined;
  const owned = ownedChildren(
    element,
    id,
    { meta_attributes: 'meta', instance_attributes: 'params' },
    (child) => child.name === 'select' || child.name === 'recipient',
  );
  return withDefined<SpecAlert>(
    { id, path },
    {
      meta: owned.sets.meta,
      params: owned.sets.params,
      select: selects[0] ? xmlOf(selects[0]) : undefined,
      recipients: recipients.length > 0 ? recipients : undefined,
      ids: nonEmpty(owned.ids),
      attributes: otherAttributes(element, ['id', 'path']),
      raw: owned.raw.length > 0 ? owned.raw : undefined,
    },
  );
}

function readRecipient(element: XmlElement): SpecRecipient | undefined {
  const { id, value } = element.attributes;
  if (id === undefined || value === undefined || element.text !== undefined) return undefined;
  const owned = ownedChildren(element, id, { meta_attributes: 'meta', instance_attributes: 'params' }, () => false);
  return withDefined<SpecRecipient>(
    { id, value },
    {
      meta: owned.sets.meta,
      params: owned.sets.params,
      ids: nonEmpty(owned.ids),
      attributes: otherAttributes(element, ['id', 'value']),
      raw: owned.raw.length > 0 ? owned.raw : undefined,
    },
  );
}
