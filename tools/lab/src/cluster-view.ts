import { XMLParser } from 'fast-xml-parser';
import { HaError } from '@ha/core';

/**
 * The little the lab must know of a cluster to decide it is up and to let its
 * own tests check failover: who is DC, which nodes are online, where each
 * primitive runs. The full typed status model is @ha/pcs-client's job.
 */
export interface LabClusterView {
  /** Name of the Designated Controller; undefined while none is elected. */
  dc: string | undefined;
  /** Whether the partition crm_mon ran in has quorum. */
  quorate: boolean;
  /** Every node in the CIB, with its membership flags as crm_mon reports them. */
  nodes: {
    /** Node name (`node1` …). */
    name: string;
    /** A cluster member right now. */
    online: boolean;
    /** In standby: may run no resources. */
    standby: boolean;
    /** Lost without a clean shutdown; the cluster has not yet fenced or confirmed it. */
    unclean: boolean;
  }[];
  /** Every primitive, also those inside groups, clones and bundles. */
  resources: {
    /** The primitive's id, as crm_mon prints it. */
    id: string;
    /** Pacemaker's role: `Started`, `Stopped`, `Promoted` … */
    role: string;
    /** Whether it runs anywhere. */
    active: boolean;
    /** Pacemaker marks it failed (`failed="true"` in crm_mon's XML) until its failure is cleaned up. */
    failed: boolean;
    /** Nodes it runs on (empty when stopped). */
    nodes: string[];
  }[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['node', 'resource', 'group', 'clone', 'bundle', 'replica'].includes(name),
});

type XmlElement = Record<string, unknown>;

/** Reads `crm_mon --output-as=xml` output into the lab's view. */
export function parseClusterView(xml: string): LabClusterView {
  const document = parser.parse(xml) as XmlElement;
  const result = document['pacemaker-result'] as XmlElement | undefined;
  if (!result) throw new HaError('PARSE_ERROR', 'crm_mon output has no <pacemaker-result> element');
  const summary = (result.summary ?? {}) as XmlElement;
  const dc = (summary.current_dc ?? {}) as XmlElement;
  const nodes = (((result.nodes ?? {}) as XmlElement).node ?? []) as XmlElement[];
  return {
    dc: dc.present === 'true' ? String(dc.name) : undefined,
    quorate: dc.with_quorum === 'true',
    nodes: nodes.map((node) => ({
      name: String(node.name),
      online: node.online === 'true',
      standby: node.standby === 'true',
      unclean: node.unclean === 'true',
    })),
    resources: collectPrimitives(result.resources as XmlElement | undefined),
  };
}

// Primitives sit directly under <resources> or inside group/clone/bundle elements.
function collectPrimitives(container: XmlElement | undefined): LabClusterView['resources'] {
  if (!container) return [];
  const found: LabClusterView['resources'] = [];
  for (const resource of (container.resource ?? []) as XmlElement[]) {
    const nodes = ((resource.node ?? []) as XmlElement[]).map((node) => String(node.name));
    found.push({
      id: String(resource.id),
      role: String(resource.role),
      active: resource.active === 'true',
      failed: resource.failed === 'true',
      nodes,
    });
  }
  for (const kind of ['group', 'clone', 'bundle', 'replica']) {
    for (const child of (container[kind] ?? []) as XmlElement[]) found.push(...collectPrimitives(child));
  }
  return found;
}

/** One fencing operation as `stonith_admin --history` reports it. */
export interface LabFenceEvent {
  /** The node fenced. */
  target: string;
  /** `reboot`, `off` or `on`. */
  action: string;
  /** `success`, `failed` or `pending`. */
  status: string;
  /** The node whose device carried it out. */
  delegate: string | undefined;
  /** The node it was asked from. */
  origin: string | undefined;
  /** When it completed, in ms since the epoch (undefined while pending). */
  completed: number | undefined;
}

/** The events of `stonith_admin --history '*' --output-as=xml`, oldest first. */
export function parseFenceEvents(xml: string): LabFenceEvent[] {
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'fence_event',
  }).parse(xml) as {
    'pacemaker-result'?: { list?: { fence_event?: Record<string, string>[] } };
  };
  const events = parsed['pacemaker-result']?.list?.fence_event ?? [];
  return events
    .map((event) => {
      const completed = event.completed === undefined ? undefined : Date.parse(event.completed.replace(' ', 'T'));
      return {
        target: String(event.target),
        action: String(event.action),
        status: String(event.status),
        delegate: event.delegate,
        origin: event.origin,
        completed: completed === undefined || Number.isNaN(completed) ? undefined : completed,
      };
    })
    .sort((a, b) => (a.completed ?? Infinity) - (b.completed ?? Infinity));
}
