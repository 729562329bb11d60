import { SaxesParser } from 'saxes';
import { pcsParseError } from '../errors.js';
import { parseXmlTree } from '../xml/tree.js';
import { fencingTargetName } from './from-cib.js';
import {
  attributeSetId,
  expressionId,
  fencingLevelId,
  nodeSetId,
  operationId,
  pairId,
  resourceSetId,
  ruleId,
  configurationSections as sectionOrder,
  sectionSetIds,
} from './ids.js';
import type {
  ClusterSpec,
  SpecAlert,
  SpecClone,
  SpecConstraint,
  SpecFencingLevel,
  SpecGroup,
  SpecNode,
  SpecPrimitive,
  SpecRecipient,
  SpecResource,
  SpecResourceSet,
  SpecRule,
} from './model.js';
import { nodeOfElement, writeXml, type XmlNode } from './xml-writer.js';

const requiredSections = new Set<string>(['crm_config', 'nodes', 'resources', 'constraints']);

/**
 * The `<configuration>` element of a spec, as XML text (two-space indents, no
 * XML declaration). Ids the spec omits are generated as pcs makes them; the
 * ones it records are kept. Attribute values are escaped (`& < > "`, tab and
 * line breaks as references); a value holding a character XML cannot carry is
 * a `TypeError`, raw XML that is not well-formed a `ParseError`. The spec is
 * taken as it is: check it first with `specProblems`.
 */
export function configurationFromSpec(spec: ClusterSpec): string {
  return writeXml(configurationNode(spec));
}

/**
 * The CIB `cibXml` with its `<configuration>` replaced by the spec's, and
 * everything else (the XML declaration, `<cib>`'s attributes, `<status>`)
 * left exactly as written: the text around the configuration is copied, not
 * re-serialized. A text that is not a CIB is a `ParseError` (`NOT_CIB`).
 */
export function cibWithConfiguration(cibXml: string, spec: ClusterSpec, options: { file?: string } = {}): string {
  const root = parseXmlTree(cibXml, options);
  if (root.name !== 'cib')
    throw pcsParseError('NOT_CIB', `not a CIB: the document is <${root.name}>, expected <cib>`, {
      file: options.file,
      line: root.line,
      column: root.column,
    });
  const span = configurationSpan(cibXml);
  const configuration = configurationFromSpec(spec);
  if (span) return `${cibXml.slice(0, span.start)}${indented(configuration, span.indent)}${cibXml.slice(span.end)}`;
  // A CIB without one (not valid for Pacemaker, but parseable): the configuration goes first in <cib>.
  const open = openTagEnd(cibXml);
  return `${cibXml.slice(0, open)}\n${indented(configuration, '  ')}${cibXml.slice(open)}`;
}

function indented(xml: string, indent: string): string {
  return xml
    .split('\n')
    .map((line, index) => (index === 0 ? line : `${indent}${line}`))
    .join('\n');
}

/** Where `<cib>`'s `<configuration>` element starts and ends (UTF-16 offsets, as saxes counts), and its line's indent. */
function configurationSpan(text: string): { start: number; end: number; indent: string } | undefined {
  const parser = new SaxesParser({ position: true });
  let depth = 0;
  let start: number | undefined;
  let end: number | undefined;
  parser.on('opentag', (tag) => {
    depth += 1;
    if (depth === 2 && tag.name === 'configuration' && start === undefined)
      start = text.lastIndexOf('<configuration', parser.position);
  });
  parser.on('closetag', (tag) => {
    if (depth === 2 && tag.name === 'configuration' && end === undefined) end = parser.position;
    depth -= 1;
  });
  parser.write(text).close();
  if (start === undefined || end === undefined || start < 0) return undefined;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(lineStart, start);
  return { start, end, indent: /^\s*$/.test(before) ? before : '' };
}

function openTagEnd(text: string): number {
  const parser = new SaxesParser({ position: true });
  let end = 0;
  parser.on('opentag', () => {
    end ||= parser.position;
  });
  parser.write(text).close();
  return end;
}

const element = (name: string, attributes: Record<string, string | undefined>, children: XmlNode[] = []): XmlNode => ({
  name,
  attributes: Object.fromEntries(
    Object.entries(attributes).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ),
  children,
});

/** Raw XML of the spec as a node to write (it is parsed, so what is written is well-formed). */
function rawNode(xml: string): XmlNode {
  return nodeOfElement(parseXmlTree(xml, { file: 'raw XML of the spec' }));
}

/** An attribute set: its id and each pair's from `ids` (under `key`), or generated. */
function attributeSet(
  name: string,
  values: Record<string, string> | undefined,
  generatedId: string,
  ids: Record<string, string> | undefined,
  key: string,
): XmlNode[] {
  if (values === undefined) return [];
  const setId = ids?.[key] ?? generatedId;
  const pairs = Object.entries(values).map(([pair, value]) =>
    element('nvpair', { id: ids?.[`${key}.${pair}`] ?? pairId(setId, pair), name: pair, value }),
  );
  return [element(name, { id: setId }, pairs)];
}

function configurationNode(spec: ClusterSpec): XmlNode {
  const raw = (spec.raw ?? []).map(rawNode);
  const sections = new Map<string, XmlNode>();
  const properties =
    spec.name !== undefined && spec.properties?.['cluster-name'] === undefined
      ? { ...spec.properties, 'cluster-name': spec.name }
      : spec.properties;
  if (properties !== undefined || spec.propertySets !== undefined)
    sections.set(
      'crm_config',
      element('crm_config', {}, [
        ...attributeSet('cluster_property_set', properties, sectionSetIds.properties, spec.ids, 'properties'),
        ...(spec.propertySets ?? []).map(rawNode),
      ]),
    );
  if (spec.nodes) sections.set('nodes', element('nodes', {}, spec.nodes.map(nodeNode)));
  if (spec.resources) sections.set('resources', element('resources', {}, spec.resources.map(resourceNode)));
  if (spec.constraints) sections.set('constraints', element('constraints', {}, spec.constraints.map(constraintNode)));
  if (spec.fencingLevels)
    sections.set('fencing-topology', element('fencing-topology', {}, spec.fencingLevels.map(levelNode)));
  for (const [name, key, rawKey] of [
    ['op_defaults', 'operationDefaults', 'operations'],
    ['rsc_defaults', 'resourceDefaults', 'resources'],
  ] as const) {
    const extra = spec.defaultSets?.[rawKey];
    if (spec[key] === undefined && extra === undefined) continue;
    sections.set(
      name,
      element(name, {}, [
        ...attributeSet('meta_attributes', spec[key], sectionSetIds[key], spec.ids, key),
        ...(extra ?? []).map(rawNode),
      ]),
    );
  }
  if (spec.acls !== undefined) sections.set('acls', rawNode(spec.acls));
  if (spec.tags)
    sections.set(
      'tags',
      element(
        'tags',
        {},
        spec.tags.map((tag) =>
          element(
            'tag',
            { id: tag.id },
            tag.refs.map((ref) => element('obj_ref', { id: ref })),
          ),
        ),
      ),
    );
  if (spec.alerts) sections.set('alerts', element('alerts', {}, spec.alerts.map(alertNode)));
  const children: XmlNode[] = [];
  for (const name of sectionOrder) {
    const typed = sections.get(name);
    // A section the spec keeps raw (it could not type it) stands in its place.
    const rawSection = raw.find((node) => node.name === name);
    if (typed) children.push(typed);
    else if (rawSection) children.push(rawSection);
    else if (requiredSections.has(name)) children.push(element(name, {}));
  }
  for (const node of raw)
    if (!children.includes(node) && !sectionOrder.some((name) => name === node.name && sections.has(name)))
      children.push(node);
  return element('configuration', {}, children);
}

function nodeNode(node: SpecNode): XmlNode {
  return element('node', { id: node.id, uname: node.uname, type: node.nodeType, ...node.otherAttributes }, [
    ...attributeSet(
      'instance_attributes',
      node.attributes,
      nodeSetId(node.id, 'instance_attributes'),
      node.ids,
      'attributes',
    ),
    ...attributeSet('utilization', node.utilization, nodeSetId(node.id, 'utilization'), node.ids, 'utilization'),
    ...(node.raw ?? []).map(rawNode),
  ]);
}

function resourceNode(resource: SpecResource): XmlNode {
  switch (resource.kind) {
    case 'primitive':
      return primitiveNode(resource);
    case 'group':
      return groupNode(resource);
    case 'clone':
      return cloneNode(resource);
    default:
      return rawNode(resource.xml);
  }
}

function primitiveNode(primitive: SpecPrimitive): XmlNode {
  const { id, ids } = primitive;
  const operations =
    primitive.operations === undefined
      ? []
      : [
          element(
            'operations',
            { id: ids?.operations },
            primitive.operations.map((op) =>
              element(
                'op',
                {
                  id: op.id ?? operationId(id, op.name, op.interval),
                  name: op.name,
                  interval: op.interval,
                  timeout: op.timeout,
                  role: op.role,
                  ...op.attributes,
                },
                (op.raw ?? []).map(rawNode),
              ),
            ),
          ),
        ];
  return element(
    'primitive',
    { id, class: primitive.class, provider: primitive.provider, type: primitive.type, ...primitive.attributes },
    [
      ...attributeSet(
        'instance_attributes',
        primitive.params,
        attributeSetId(id, 'instance_attributes'),
        ids,
        'params',
      ),
      ...attributeSet('meta_attributes', primitive.meta, attributeSetId(id, 'meta_attributes'), ids, 'meta'),
      ...operations,
      ...attributeSet('utilization', primitive.utilization, attributeSetId(id, 'utilization'), ids, 'utilization'),
      ...(primitive.raw ?? []).map(rawNode),
    ],
  );
}

function groupNode(group: SpecGroup): XmlNode {
  return element('group', { id: group.id, ...group.attributes }, [
    ...group.members.map(primitiveNode),
    ...attributeSet('meta_attributes', group.meta, attributeSetId(group.id, 'meta_attributes'), group.ids, 'meta'),
    ...(group.raw ?? []).map(rawNode),
  ]);
}

function cloneNode(clone: SpecClone): XmlNode {
  const meta = clone.promotable ? { promotable: 'true', ...clone.meta } : clone.meta;
  return element('clone', { id: clone.id, ...clone.attributes }, [
    clone.resource.kind === 'primitive' ? primitiveNode(clone.resource) : groupNode(clone.resource),
    ...attributeSet('meta_attributes', meta, attributeSetId(clone.id, 'meta_attributes'), clone.ids, 'meta'),
    ...(clone.raw ?? []).map(rawNode),
  ]);
}

function setNodes(sets: SpecResourceSet[] | undefined, constraint: string): XmlNode[] {
  return (sets ?? []).map((set, index) =>
    element(
      'resource_set',
      { id: set.id ?? resourceSetId(constraint, index), ...set.attributes },
      set.resources.map((id) => element('resource_ref', { id })),
    ),
  );
}

function ruleNode(rule: SpecRule, generatedId: string): XmlNode {
  const id = rule.id ?? generatedId;
  return element(
    'rule',
    { id, score: rule.score, 'boolean-op': rule.booleanOp, role: rule.role, ...rule.attributes },
    rule.expressions.map((expression, index) =>
      'xml' in expression
        ? rawNode(expression.xml)
        : element('expression', {
            id: expression.id ?? expressionId(id, index),
            attribute: expression.attribute,
            operation: expression.operation,
            value: expression.value,
            type: expression.type,
            ...expression.attributes,
          }),
    ),
  );
}

function constraintNode(constraint: SpecConstraint): XmlNode {
  const raw = 'raw' in constraint ? (constraint.raw ?? []).map(rawNode) : [];
  switch (constraint.type) {
    case 'location':
      return element(
        'rsc_location',
        {
          id: constraint.id,
          rsc: constraint.rsc,
          'rsc-pattern': constraint.rscPattern,
          node: constraint.node,
          score: constraint.score,
          role: constraint.role,
          'resource-discovery': constraint.resourceDiscovery,
          ...constraint.attributes,
        },
        [
          ...setNodes(constraint.sets, constraint.id),
          ...(constraint.rules ?? []).map((rule, index) => ruleNode(rule, ruleId(constraint.id, index))),
          ...raw,
        ],
      );
    case 'colocation':
      return element(
        'rsc_colocation',
        {
          id: constraint.id,
          rsc: constraint.rsc,
          'with-rsc': constraint.withRsc,
          'rsc-role': constraint.rscRole,
          'with-rsc-role': constraint.withRscRole,
          score: constraint.score,
          ...constraint.attributes,
        },
        [...setNodes(constraint.sets, constraint.id), ...raw],
      );
    case 'order':
      return element(
        'rsc_order',
        {
          id: constraint.id,
          first: constraint.first,
          then: constraint.then,
          'first-action': constraint.firstAction,
          'then-action': constraint.thenAction,
          kind: constraint.kind,
          symmetrical: constraint.symmetrical,
          ...constraint.attributes,
        },
        [...setNodes(constraint.sets, constraint.id), ...raw],
      );
    case 'ticket':
      return element(
        'rsc_ticket',
        {
          id: constraint.id,
          ticket: constraint.ticket,
          rsc: constraint.rsc,
          'rsc-role': constraint.rscRole,
          'loss-policy': constraint.lossPolicy,
          ...constraint.attributes,
        },
        [...setNodes(constraint.sets, constraint.id), ...raw],
      );
    default:
      return rawNode(constraint.xml);
  }
}

function levelNode(level: SpecFencingLevel): XmlNode {
  return element('fencing-level', {
    id: level.id ?? fencingLevelId(fencingTargetName(level), level.index),
    index: String(level.index),
    devices: level.devices.join(','),
    target: level.target,
    'target-pattern': level.targetPattern,
    'target-attribute': level.targetAttribute,
    'target-value': level.targetValue,
    ...level.attributes,
  });
}

function recipientNode(recipient: SpecRecipient): XmlNode {
  return element('recipient', { id: recipient.id, value: recipient.value, ...recipient.attributes }, [
    ...attributeSet(
      'meta_attributes',
      recipient.meta,
      attributeSetId(recipient.id, 'meta_attributes'),
      recipient.ids,
      'meta',
    ),
    ...attributeSet(
      'instance_attributes',
      recipient.params,
      attributeSetId(recipient.id, 'instance_attributes'),
      recipient.ids,
      'params',
    ),
    ...(recipient.raw ?? []).map(rawNode),
  ]);
}

function alertNode(alert: SpecAlert): XmlNode {
  return element('alert', { id: alert.id, path: alert.path, ...alert.attributes }, [
    ...(alert.select === undefined ? [] : [rawNode(alert.select)]),
    ...attributeSet('meta_attributes', alert.meta, attributeSetId(alert.id, 'meta_attributes'), alert.ids, 'meta'),
    ...attributeSet(
      'instance_attributes',
      alert.params,
      attributeSetId(alert.id, 'instance_attributes'),
      alert.ids,
      'params',
    ),
    ...(alert.recipients ?? []).map(recipientNode),
    ...(alert.raw ?? []).map(rawNode),
  ]);
}
