import { assertInputSize, parseWithSchema, safeParseInteger } from '@ha/core';
import { pcsParseError, UnsupportedApiVersionError } from '../errors.js';
import { readNode, readResourceList } from '../status/parse.js';
import { parseScore } from '../status/score.js';
import { assertToolSucceeded } from '../xml/pacemaker-result.js';
import { childNamed, childrenNamed, parseXmlTree, type XmlElement } from '../xml/tree.js';
import { simulationSchema, type Simulation, type SimulatedAction, type SummaryAction } from './model.js';

/**
 * Parses what `crm_simulate --simulate --output-as=xml` prints (Pacemaker 2.1
 * and 3.x, `pacemaker-result` API 2.x): the state it started from, the
 * transition summary, the actions it ran in order, the state they lead to
 * and, with `--show-scores`, the allocation scores. A failure the tool
 * reports in its XML is a `PacemakerToolError`; text that is not such an
 * output is a `ParseError` with line and column.
 */
export function parseSimulation(
  text: string,
  options: {
    /** Where the text came from: named in errors. */
    file?: string;
    /** Refuse a text larger than this. */
    maxBytes?: number;
    /** It was a `--simulate` run: its revised state must be there. */
    simulated?: boolean;
  } = {},
): Simulation {
  const where = options.file ?? 'crm_simulate output';
  assertInputSize(text, where, options.maxBytes);
  const root = parseXmlTree(text, options);
  assertToolSucceeded(root, where, { file: options.file });
  const at = (element: XmlElement) => ({ file: options.file, line: element.line, column: element.column });
  if (root.name !== 'pacemaker-result')
    throw pcsParseError(
      'NOT_SIMULATION_XML',
      `not crm_simulate output (root element <${root.name}>, expected <pacemaker-result>)`,
      at(root),
    );
  const apiVersion = root.attributes['api-version'] ?? '';
  if (apiVersion !== 'X' && !/^2\.\d+$/.test(apiVersion)) throw new UnsupportedApiVersionError(where, apiVersion);
  const before = childNamed(root, 'cluster_status');
  if (!before)
    throw pcsParseError(
      'NOT_SIMULATION_XML',
      `<${root.name}> has no <cluster_status>: not crm_simulate output`,
      at(root),
    );
  const after = childNamed(root, 'revised_cluster_status');
  // Pacemaker 3.0.0 ends its XML after injected modifications, with status 0: a run asked to simulate that
  // printed no revised state did not simulate, and must not read as "nothing would happen".
  if (options.simulated && !after)
    throw pcsParseError(
      'NOT_SIMULATION_XML',
      `${where} has no <revised_cluster_status>: crm_simulate did not report the transition ` +
        '(Pacemaker 3.0.0 stops its XML after injected changes; inject with --save-input first)',
      at(root),
    );
  const allocations = childNamed(root, 'allocations') ?? childNamed(root, 'allocations_utilizations');
  const simulation: Simulation = {
    apiVersion,
    before: readState(before),
    after: after ? readState(after) : undefined,
    summary: (childNamed(root, 'actions')?.children ?? []).flatMap(readSummaryAction),
    actions: (childNamed(root, 'transition')?.children ?? []).flatMap(readTransitionAction),
    scores: childrenNamed(allocations, 'node_weight').map((weight) => ({
      resource: weight.attributes.id ?? '',
      node: weight.attributes.node ?? '',
      score: parseScore(weight.attributes.score) ?? 0,
      step: weight.attributes.function ?? '',
    })),
    promotionScores: childrenNamed(allocations, 'promotion_score').map((entry) => ({
      resource: entry.attributes.id ?? '',
      score: parseScore(entry.attributes.score) ?? 0,
      ...(entry.attributes.node === undefined ? {} : { node: entry.attributes.node }),
    })),
  };
  return parseWithSchema(simulationSchema, simulation, where) as Simulation;
}

function readState(element: XmlElement): Simulation['before'] {
  const attributesByNode = new Map<string, Record<string, string>>();
  for (const node of childrenNamed(childNamed(element, 'node_attributes'), 'node')) {
    const attributes: Record<string, string> = {};
    for (const attribute of childrenNamed(node, 'attribute'))
      attributes[attribute.attributes.name ?? ''] = attribute.attributes.value ?? '';
    attributesByNode.set(node.attributes.name ?? '', attributes);
  }
  return {
    nodes: childrenNamed(childNamed(element, 'nodes'), 'node').map((node) =>
      readNode(node, attributesByNode.get(node.attributes.name ?? '') ?? {}),
    ),
    resources: readResourceList(childNamed(element, 'resources')),
  };
}

// The transition summary: what the scheduler decided for each instance ("move WebServer node1 -> node2").
function readSummaryAction(element: XmlElement): SummaryAction[] {
  const a = element.attributes;
  if (element.name === 'node_action') {
    // "Fence (reboot)", "Shutdown": a task word, and for fencing its kind in brackets.
    const fence = /^Fence \((\w+)\)/.exec(a.task ?? '');
    return [
      {
        action: fence ? 'fence' : (a.task ?? '').toLowerCase(),
        node: a.node ?? '',
        ...(fence?.[1] === undefined ? {} : { fenceAction: fence[1] }),
        ...(a.reason === undefined ? {} : { reason: a.reason }),
        blocked: false,
      },
    ];
  }
  if (element.name !== 'rsc_action') return [];
  return [
    {
      action: a.action ?? '',
      resource: a.resource ?? '',
      ...(a.node === undefined ? {} : { node: a.node }),
      ...(a.source === undefined ? {} : { from: a.source }),
      ...(a.dest === undefined ? {} : { to: a.dest }),
      ...(a.role === undefined ? {} : { role: a.role }),
      ...(a['next-role'] === undefined ? {} : { nextRole: a['next-role'] }),
      ...(a.reason === undefined ? {} : { reason: a.reason }),
      blocked: a.blocked === 'true',
    },
  ];
}

// What the simulation ran, in its order. Pseudo-actions (a group's "stopped") are bookkeeping, not work.
function readTransitionAction(element: XmlElement): SimulatedAction[] {
  const a = element.attributes;
  if (element.name === 'rsc_action') {
    const interval = a.interval === undefined ? undefined : safeParseInteger(a.interval);
    return [
      {
        kind: 'resource',
        action: a.op ?? '',
        resource: a.resource ?? '',
        node: a.node ?? '',
        ...(interval === undefined || interval === 0 ? {} : { intervalMs: interval }),
      },
    ];
  }
  if (element.name === 'fencing_action') return [{ kind: 'fence', action: a.op ?? '', node: a.target ?? '' }];
  if (element.name === 'cluster_action')
    return [
      {
        kind: 'cluster',
        action: a.task ?? '',
        node: a.node ?? '',
        ...(a.id === undefined ? {} : { resource: a.id }),
      },
    ];
  return [];
}
