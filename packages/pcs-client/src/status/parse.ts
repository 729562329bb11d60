import { assertInputSize, parseWithSchema, safeParseDuration, safeParseInteger } from '@ha/core';
import { pacemakerUnavailable, pcsParseError, UnsupportedApiVersionError } from '../errors.js';
import { assertToolSucceeded } from '../xml/pacemaker-result.js';
import { childNamed, childrenNamed, parseXmlTree, type XmlElement } from '../xml/tree.js';
import { parseScore } from './score.js';
import {
  clusterStatusSchema,
  type Ban,
  type ClusterNode,
  type ClusterStatus,
  type FailedAction,
  type FenceEvent,
  type NodeHistory,
  type PrimitiveResource,
  type ResourceNode,
  type ResourceRole,
  type Ticket,
  type UnknownElement,
} from './model.js';

/** Options of `parseClusterStatus`. */
export interface ParseStatusOptions {
  /** Where the text came from (a file, `crm_mon`): named in errors. */
  file?: string | undefined;
  /** Refuse a text larger than this many bytes (`InputTooLargeError`). Default: core's `DEFAULT_MAX_INPUT_BYTES` (16 MiB). */
  maxBytes?: number | undefined;
}

// Every element the model reads; anything else at the top level is kept in `extra`.
const knownTopLevel = new Set([
  'pacemakerd',
  'summary',
  'nodes',
  'resources',
  'node_attributes',
  'node_history',
  'failures',
  'fence_history',
  'tickets',
  'bans',
  'status',
]);

/**
 * Parses the status XML of `crm_mon --output-as=xml` or `pcs status xml`
 * (Pacemaker 2.0 to 3.x, `pacemaker-result` API 2.x), or the legacy
 * `crm_mon --as-xml` of Pacemaker 1.1, into one typed, validated model.
 * Unknown elements and attributes are kept, never fatal.
 *
 * Only a status is ever read as one: a document in which the tool reports a
 * failure (`<errors>`, or a non-zero `<status code>`, which crm_mon writes
 * for a missing CIB file even with exit status 0) throws
 * `PacemakerToolError` (or `ServiceUnavailableError` for `pacemaker` when
 * crm_mon could not reach the cluster); malformed, truncated or empty text, XML that is not a
 * status, and a status without its `<summary>` throw `ParseError` (with line
 * and column); a future API version throws `UnsupportedApiVersionError`.
 */
export function parseClusterStatus(text: string, options: ParseStatusOptions = {}): ClusterStatus {
  const where = options.file ?? 'status XML';
  assertInputSize(text, where, options.maxBytes);
  const root = parseXmlTree(text, options);
  const at = (element: XmlElement) => ({ file: options.file, line: element.line, column: element.column });
  // The tool's own verdict comes first: the XML of a failure has no status to read.
  const report = assertToolSucceeded(root, where, { file: options.file });
  let format: ClusterStatus['format'];
  let apiVersion: string;
  if (root.name === 'pacemaker-result') {
    format = 'pacemaker-result';
    apiVersion = root.attributes['api-version'] ?? '';
    // Pacemaker's own test outputs write the placeholder "X".
    if (apiVersion !== 'X' && !/^2\.\d+$/.test(apiVersion)) throw new UnsupportedApiVersionError(where, apiVersion);
    const disconnected = childNamed(root, 'crm-mon-disconnected');
    if (disconnected) {
      throw pacemakerUnavailable(102, disconnected.attributes.description ?? 'disconnected', [], {
        pacemakerdState: disconnected.attributes['pacemakerd-state'],
      });
    }
  } else if (root.name === 'crm_mon') {
    format = 'crm_mon-1.1';
    apiVersion = root.attributes.version ?? '';
    if (!/^[12]\./.test(apiVersion)) throw new UnsupportedApiVersionError(where, apiVersion);
  } else {
    throw pcsParseError(
      'NOT_STATUS_XML',
      `not Pacemaker status XML (root element <${root.name}>, expected <pacemaker-result> or <crm_mon>)`,
      at(root),
    );
  }
  // Every crm_mon status has a summary (DC, quorum); without one there is nothing to judge health by.
  if (!childNamed(root, 'summary')) {
    const other =
      report?.tool !== undefined && report.tool !== 'crm_mon'
        ? ` (it is the output of ${report.tool}, not of crm_mon)`
        : '';
    throw pcsParseError('NO_SUMMARY', `<${root.name}> has no <summary>: not a cluster status${other}`, at(root));
  }

  const attributesByNode = new Map<string, Record<string, string>>();
  for (const node of childrenNamed(childNamed(root, 'node_attributes'), 'node')) {
    const attributes: Record<string, string> = {};
    for (const attribute of childrenNamed(node, 'attribute'))
      attributes[attribute.attributes.name ?? ''] = attribute.attributes.value ?? '';
    attributesByNode.set(node.attributes.name ?? '', attributes);
  }

  const model: ClusterStatus = {
    format,
    apiVersion,
    summary: readSummary(childNamed(root, 'summary'), childNamed(root, 'pacemakerd')),
    nodes: childrenNamed(childNamed(root, 'nodes'), 'node').map((node) =>
      readNode(node, attributesByNode.get(node.attributes.name ?? '') ?? {}),
    ),
    resources: readResourceList(childNamed(root, 'resources')),
    nodeHistory: childrenNamed(childNamed(root, 'node_history'), 'node').map(readNodeHistory),
    failures: childrenNamed(childNamed(root, 'failures'), 'failure').map(readFailure),
    fenceHistory: childrenNamed(childNamed(root, 'fence_history'), 'fence_event').map(readFenceEvent),
    tickets: childrenNamed(childNamed(root, 'tickets'), 'ticket').map(readTicket),
    bans: childrenNamed(childNamed(root, 'bans'), 'ban').map(readBan),
    extra: root.children.filter((child) => !knownTopLevel.has(child.name)).map(toUnknown),
  };
  // With --group-by-node, resources are listed under each node instead.
  if (model.resources.length === 0) {
    const seen = new Set<string>();
    for (const node of childrenNamed(childNamed(root, 'nodes'), 'node')) {
      for (const resource of readResourceList(node)) {
        const key = `${resource.kind}:${resource.id}:${JSON.stringify(resource.kind === 'primitive' ? resource.nodes : [])}`;
        if (!seen.has(key)) model.resources.push(resource);
        seen.add(key);
      }
    }
  }
  return parseWithSchema(clusterStatusSchema, model, where) as ClusterStatus;
}

// Reading attributes: each reader takes what it maps and leaves the rest in `extra`.
class Attributes {
  private readonly used = new Set<string>();
  constructor(private readonly element: XmlElement) {}

  text(name: string): string | undefined {
    this.used.add(name);
    return this.element.attributes[name];
  }

  required(name: string, fallback = ''): string {
    return this.text(name) ?? fallback;
  }

  flag(name: string, fallback = false): boolean {
    const value = this.text(name);
    return value === undefined ? fallback : value === 'true' || value === '1' || value === 'yes';
  }

  optionalFlag(name: string): boolean | undefined {
    const value = this.text(name);
    return value === undefined ? undefined : value === 'true' || value === '1' || value === 'yes';
  }

  integer(name: string, fallback = 0): number {
    return this.optionalInteger(name) ?? fallback;
  }

  /** A whole number, or undefined for a missing or odd value. */
  optionalInteger(name: string): number | undefined {
    const value = this.text(name);
    return value === undefined ? undefined : safeParseInteger(value);
  }

  /** A whole number or a score (`INFINITY`), or undefined for a missing or odd value. */
  score(name: string): number | undefined {
    return parseScore(this.text(name));
  }

  /** A duration into ms (status XML writes `10000ms`; a bare number is ms), or undefined: an odd duration is not fatal. */
  durationMs(name: string): number | undefined {
    const value = this.text(name);
    return value === undefined ? undefined : safeParseDuration(value);
  }

  /** Attributes nobody asked for. */
  extra(): Record<string, string> {
    const rest: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.element.attributes)) if (!this.used.has(name)) rest[name] = value;
    return rest;
  }
}

function readSummary(summary: XmlElement | undefined, pacemakerd: XmlElement | undefined): ClusterStatus['summary'] {
  const dc = childNamed(summary, 'current_dc');
  const withQuorum = dc?.attributes.with_quorum;
  const change = childNamed(summary, 'last_change');
  const resources = childNamed(summary, 'resources_configured');
  const options = new Attributes(
    childNamed(summary, 'cluster_options') ?? {
      name: 'cluster_options',
      attributes: {},
      children: [],
      text: undefined,
      line: 0,
      column: 0,
    },
  );
  const present = dc?.attributes.present === 'true';
  const optionalInteger = (element: XmlElement | undefined, name: string) => {
    const value = element?.attributes[name];
    return value === undefined ? undefined : safeParseInteger(value);
  };
  const stack = childNamed(summary, 'stack');
  return {
    stack: stack?.attributes.type,
    pacemakerdState: pacemakerd?.attributes.state ?? stack?.attributes['pacemakerd-state'],
    dc: {
      present,
      name: present ? dc?.attributes.name : undefined,
      id: present ? dc?.attributes.id : undefined,
      version: present ? dc?.attributes.version : undefined,
      withQuorum: withQuorum === undefined ? undefined : withQuorum === 'true',
      mixedVersion: dc?.attributes.mixed_version === undefined ? undefined : dc.attributes.mixed_version === 'true',
    },
    quorate: present && withQuorum === 'true',
    lastUpdate: emptyToUndefined(childNamed(summary, 'last_update')?.attributes.time),
    lastChange: emptyToUndefined(change?.attributes.time)
      ? {
          time: change?.attributes.time as string,
          user: emptyToUndefined(change?.attributes.user),
          client: emptyToUndefined(change?.attributes.client),
          origin: emptyToUndefined(change?.attributes.origin),
        }
      : undefined,
    nodesConfigured: optionalInteger(childNamed(summary, 'nodes_configured'), 'number'),
    resourcesConfigured: optionalInteger(resources, 'number'),
    resourcesDisabled: optionalInteger(resources, 'disabled'),
    resourcesBlocked: optionalInteger(resources, 'blocked'),
    options: {
      stonithEnabled: options.optionalFlag('stonith-enabled'),
      symmetricCluster: options.optionalFlag('symmetric-cluster'),
      noQuorumPolicy: options.text('no-quorum-policy'),
      maintenanceMode: options.optionalFlag('maintenance-mode'),
      stopAllResources: options.optionalFlag('stop-all-resources'),
      stonithTimeoutMs: options.optionalInteger('stonith-timeout-ms'),
      priorityFencingDelayMs: options.optionalInteger('priority-fencing-delay-ms'),
      extra: options.extra(),
    },
  };
}

/** One `<node>` of a status's `<nodes>` (crm_mon's, or crm_simulate's), with its node attributes. */
export function readNode(element: XmlElement, attributes: Record<string, string> = {}): ClusterNode {
  const a = new Attributes(element);
  const resourceId = a.text('id_as_resource') ?? a.text('container_id');
  const rawType = a.text('type') ?? 'unknown';
  const type: ClusterNode['type'] =
    rawType === 'remote' && resourceId !== undefined
      ? 'guest'
      : ((['member', 'remote', 'ping'].includes(rawType) ? rawType : 'unknown') as ClusterNode['type']);
  const health = a.text('health');
  return {
    name: a.required('name'),
    id: a.required('id'),
    online: a.flag('online'),
    standby: a.flag('standby'),
    standbyOnFail: a.flag('standby_onfail'),
    maintenance: a.flag('maintenance'),
    pending: a.flag('pending'),
    unclean: a.flag('unclean'),
    shutdown: a.flag('shutdown'),
    expectedUp: a.flag('expected_up'),
    isDc: a.flag('is_dc'),
    resourcesRunning: a.integer('resources_running'),
    type,
    health: health === 'green' || health === 'yellow' || health === 'red' ? health : undefined,
    featureSet: a.text('feature_set'),
    resourceId,
    attributes,
    extra: a.extra(),
  };
}

/** The resource tree under a status's `<resources>` (crm_mon's, or crm_simulate's). */
export function readResourceList(parent: XmlElement | undefined): ResourceNode[] {
  const resources: ResourceNode[] = [];
  for (const child of parent?.children ?? []) {
    if (child.name === 'resource') resources.push(readPrimitive(child));
    else if (child.name === 'group') resources.push(readGroup(child));
    else if (child.name === 'clone') resources.push(readClone(child));
    else if (child.name === 'bundle') resources.push(readBundle(child));
  }
  return resources;
}

const roleNames: Record<string, ResourceRole> = {
  started: 'Started',
  stopped: 'Stopped',
  starting: 'Starting',
  stopping: 'Stopping',
  migrating: 'Migrating',
  promoted: 'Promoted',
  master: 'Promoted',
  unpromoted: 'Unpromoted',
  slave: 'Unpromoted',
  promoting: 'Promoting',
  demoting: 'Demoting',
};

/** One role for Pacemaker's names old and new (`Master` → `Promoted`, `Slave` → `Unpromoted`). */
export function normalizeRole(role: string | undefined): ResourceRole {
  return roleNames[(role ?? '').trim().toLowerCase()] ?? 'Unknown';
}

function readPrimitive(element: XmlElement): PrimitiveResource {
  const a = new Attributes(element);
  const rawRole = a.required('role', 'Unknown');
  return {
    kind: 'primitive',
    id: a.required('id'),
    agent: a.required('resource_agent'),
    role: normalizeRole(rawRole),
    rawRole,
    targetRole: a.text('target_role'),
    active: a.flag('active'),
    // "removed" replaced "orphaned" in 3.0.2; both mean the same.
    orphaned: a.flag('orphaned') || a.flag('removed'),
    blocked: a.flag('blocked'),
    managed: a.flag('managed', true),
    maintenance: a.flag('maintenance'),
    failed: a.flag('failed'),
    failureIgnored: a.flag('failure_ignored'),
    nodesRunningOn: a.integer('nodes_running_on'),
    nodes: childrenNamed(element, 'node').map((node) => {
      const n = new Attributes(node);
      return { name: n.required('name'), id: n.text('id'), cached: n.optionalFlag('cached') };
    }),
    pending: a.text('pending'),
    lockedTo: a.text('locked_to'),
    description: a.text('description'),
    extra: a.extra(),
  };
}

function readGroup(element: XmlElement): ResourceNode {
  const a = new Attributes(element);
  a.text('number_resources');
  return {
    kind: 'group',
    id: a.required('id'),
    managed: a.flag('managed', true),
    disabled: a.flag('disabled'),
    maintenance: a.flag('maintenance'),
    description: a.text('description'),
    children: readResourceList(element),
    extra: a.extra(),
  };
}

function readClone(element: XmlElement): ResourceNode {
  const a = new Attributes(element);
  return {
    kind: 'clone',
    id: a.required('id'),
    promotable: a.flag('multi_state'),
    unique: a.flag('unique'),
    managed: a.flag('managed', true),
    disabled: a.flag('disabled'),
    maintenance: a.flag('maintenance'),
    failed: a.flag('failed'),
    failureIgnored: a.flag('failure_ignored'),
    targetRole: a.text('target_role'),
    description: a.text('description'),
    children: readResourceList(element),
    extra: a.extra(),
  };
}

function readBundle(element: XmlElement): ResourceNode {
  const a = new Attributes(element);
  return {
    kind: 'bundle',
    id: a.required('id'),
    type: a.required('type'),
    image: a.required('image'),
    unique: a.flag('unique'),
    managed: a.flag('managed', true),
    maintenance: a.flag('maintenance'),
    failed: a.flag('failed'),
    description: a.text('description'),
    replicas: childrenNamed(element, 'replica').map((replica) => ({
      id: replica.attributes.id ?? '',
      resources: childrenNamed(replica, 'resource').map(readPrimitive),
    })),
    extra: a.extra(),
  };
}

function readNodeHistory(element: XmlElement): NodeHistory {
  return {
    node: element.attributes.name ?? '',
    resources: childrenNamed(element, 'resource_history').map((history) => {
      const a = new Attributes(history);
      return {
        id: a.required('id'),
        orphaned: a.flag('orphan') || a.flag('removed'),
        migrationThreshold: a.score('migration-threshold'),
        failCount: a.score('fail-count'),
        lastFailure: a.text('last-failure'),
        operations: childrenNamed(history, 'operation_history').map((operation) => {
          const o = new Attributes(operation);
          return {
            call: o.integer('call'),
            task: o.required('task'),
            intervalMs: o.durationMs('interval'),
            lastRcChange: o.text('last-rc-change'),
            lastRun: o.text('last-run'),
            execTimeMs: o.durationMs('exec-time'),
            queueTimeMs: o.durationMs('queue-time'),
            rc: o.integer('rc'),
            rcText: o.required('rc_text'),
            extra: o.extra(),
          };
        }),
        extra: a.extra(),
      };
    }),
  };
}

// Operation names that contain an underscore, so op keys split right (`rsc_migrate_to_0`).
const tasks = [
  'migrate_to',
  'migrate_from',
  'start',
  'stop',
  'monitor',
  'promote',
  'demote',
  'notify',
  'reload-agent',
  'reload',
  'cancel',
  'meta-data',
  'validate-all',
  'probe',
  'on',
  'off',
  'reboot',
];

/** Splits an operation key `RESOURCE_TASK_INTERVAL` into its parts. */
export function splitOperationKey(opKey: string): {
  resource: string;
  task: string | undefined;
  intervalMs: number | undefined;
} {
  const match = /^(.+)_(\d+)$/.exec(opKey);
  if (!match) return { resource: opKey, task: undefined, intervalMs: undefined };
  const head = match[1] as string;
  for (const task of tasks) {
    if (head.endsWith(`_${task}`))
      return { resource: head.slice(0, -task.length - 1), task, intervalMs: Number(match[2]) };
  }
  const last = head.lastIndexOf('_');
  return last > 0
    ? { resource: head.slice(0, last), task: head.slice(last + 1), intervalMs: Number(match[2]) }
    : { resource: opKey, task: undefined, intervalMs: undefined };
}

function readFailure(element: XmlElement): FailedAction {
  const a = new Attributes(element);
  const opKey = a.text('op_key') ?? a.required('id');
  const parts = splitOperationKey(opKey);
  return {
    opKey,
    resource: parts.resource,
    task: a.text('task') ?? parts.task,
    node: a.required('node'),
    exitStatus: a.required('exitstatus'),
    exitReason: a.required('exitreason'),
    exitCode: a.integer('exitcode'),
    call: a.integer('call'),
    status: a.required('status'),
    lastRcChange: a.text('last-rc-change'),
    queuedMs: a.durationMs('queued'),
    execMs: a.durationMs('exec'),
    intervalMs: a.durationMs('interval') ?? parts.intervalMs,
    extra: a.extra(),
  };
}

/** One `<fence_event>` (crm_mon's fence history and `stonith_admin --history` write the same element). */
export function readFenceEvent(element: XmlElement): FenceEvent {
  const a = new Attributes(element);
  const completed = a.text('completed');
  return {
    status: a.required('status'),
    extendedStatus: a.text('extended-status'),
    exitReason: a.text('exit-reason'),
    delegate: a.text('delegate'),
    action: a.required('action'),
    target: a.required('target'),
    client: a.required('client'),
    origin: a.required('origin'),
    completed,
    completedAt: parsePacemakerTime(completed),
    extra: a.extra(),
  };
}

function readTicket(element: XmlElement): Ticket {
  const a = new Attributes(element);
  return {
    id: a.required('id'),
    status: a.text('status'),
    standby: a.optionalFlag('standby'),
    lastGranted: a.text('last-granted'),
    extra: a.extra(),
  };
}

function readBan(element: XmlElement): Ban {
  const a = new Attributes(element);
  return {
    id: a.required('id'),
    resource: a.required('resource'),
    node: a.required('node'),
    weight: a.score('weight') ?? 0,
    promotedOnly: a.flag('promoted-only') || a.flag('master_only'),
  };
}

function toUnknown(element: XmlElement): UnknownElement {
  return {
    name: element.name,
    attributes: element.attributes,
    children: element.children.map(toUnknown),
    text: element.text,
  };
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A time as Pacemaker's tools write it in XML (`2026-12-01 18:33:44Z`, `2026-12-01 18:34:26.354499Z`,
 * `2026-12-01 19:33:44 +01:00`), or an ISO 8601 one; `undefined` for anything else (never a wrong date).
 */
export function parsePacemakerTime(text: string | undefined): Date | undefined {
  const match = /^\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?\s*(Z|[+-]\d{2}:?\d{2})?\s*$/.exec(
    text ?? '',
  );
  if (!match) return undefined;
  const [, day, time, fraction = '', zone = ''] = match;
  // Milliseconds are what a Date keeps; a zone written +0100 is +01:00; none at all is local time, as Pacemaker meant it.
  const millis = fraction === '' ? '' : fraction.slice(0, 4).padEnd(4, '0');
  const offset = zone === '' || zone === 'Z' ? zone : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${day}T${time}${millis}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
