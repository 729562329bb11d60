import { z } from 'zod';

/**
 * A resource's role, one name for each whatever the Pacemaker version wrote:
 * `Master`/`Slave` (before 2.1) are `Promoted`/`Unpromoted`.
 */
export const roleSchema = z.enum([
  'Started',
  'Stopped',
  'Starting',
  'Stopping',
  'Migrating',
  'Promoted',
  'Unpromoted',
  'Promoting',
  'Demoting',
  'Unknown',
]);
/** A resource's role (`Started`, `Promoted` …); `Unknown` for a name this package does not know. */
export type ResourceRole = z.infer<typeof roleSchema>;

/** Attributes this version does not map, kept as written. */
const extraSchema = z.record(z.string(), z.string());

/** The cluster options crm_mon reports in `<summary><cluster_options>`. */
export const clusterOptionsSchema = z.object({
  /** `stonith-enabled`: fencing is on. */
  stonithEnabled: z.boolean().optional(),
  /** `symmetric-cluster`: resources may run anywhere unless constrained. */
  symmetricCluster: z.boolean().optional(),
  /** `no-quorum-policy`: what a partition without quorum does (`stop`, `freeze`, `ignore`, `demote`, `suicide`). */
  noQuorumPolicy: z.string().optional(),
  /** `maintenance-mode`: Pacemaker manages no resource (they keep running). */
  maintenanceMode: z.boolean().optional(),
  /** `stop-all-resources`: every resource is to be stopped. */
  stopAllResources: z.boolean().optional(),
  /** `stonith-timeout-ms`: how long a fencing action may take, ms. */
  stonithTimeoutMs: z.number().optional(),
  /** `priority-fencing-delay-ms`: the delay before fencing the node with the higher priority, ms. */
  priorityFencingDelayMs: z.number().optional(),
  /** Options of later versions, as written (`fencing-enabled` …). */
  extra: extraSchema,
});

/** crm_mon's `<summary>`: stack, DC, quorum, counts, last change and cluster options. */
export const summarySchema = z.object({
  /** The cluster stack (`corosync`). */
  stack: z.string().optional(),
  /** `running`, `shutting_down` … (Pacemaker 2.1+). */
  pacemakerdState: z.string().optional(),
  /** The Designated Controller: the node that decides for the cluster. */
  dc: z.object({
    /** A DC is elected. */
    present: z.boolean(),
    /** Its node name, when there is one. */
    name: z.string().optional(),
    /** Its node id. */
    id: z.string().optional(),
    /** Its Pacemaker version (`2.1.5-a3f44794f94`). */
    version: z.string().optional(),
    /** Its partition has quorum, as crm_mon wrote it. */
    withQuorum: z.boolean().optional(),
    /** Nodes run different Pacemaker versions (a rolling upgrade). */
    mixedVersion: z.boolean().optional(),
  }),
  /** True when the partition this status comes from has quorum. */
  quorate: z.boolean(),
  /** When crm_mon read the status (its own format: `Wed Nov 25 19:08:17 2026`). */
  lastUpdate: z.string().optional(),
  /** The CIB's last change: when, by whom, through which client, on which node. */
  lastChange: z
    .object({
      /** When it changed (crm_mon's format). */
      time: z.string(),
      /** Who changed it (`root`, `hacluster`). */
      user: z.string().optional(),
      /** The tool that did (`cibadmin`, `crm_attribute`, `crm_resource`). */
      client: z.string().optional(),
      /** The node it was done on. */
      origin: z.string().optional(),
    })
    .optional(),
  /** How many nodes are configured. */
  nodesConfigured: z.number().int().optional(),
  /** How many resource instances are configured. */
  resourcesConfigured: z.number().int().optional(),
  /** How many of them are disabled. */
  resourcesDisabled: z.number().int().optional(),
  /** How many of them are blocked. */
  resourcesBlocked: z.number().int().optional(),
  /** The cluster options crm_mon reports. */
  options: clusterOptionsSchema,
});
/** crm_mon's `<summary>`: stack, DC, quorum, counts, last change and cluster options. */
export type ClusterSummary = z.infer<typeof summarySchema>;

/** One node as crm_mon sees it. */
export const nodeSchema = z.object({
  /** Its name (`node1`). */
  name: z.string(),
  /** Its id (corosync's node id for a member). */
  id: z.string(),
  /** A member of the partition this status comes from. */
  online: z.boolean(),
  /** In standby: it runs no resource. */
  standby: z.boolean(),
  /** In standby because a resource failed with on-fail=standby. */
  standbyOnFail: z.boolean(),
  /** In maintenance: Pacemaker does not manage its resources. */
  maintenance: z.boolean(),
  /** Joining, not yet a full member. */
  pending: z.boolean(),
  /** Its state is unknown (lost without a clean shutdown): it must be fenced. */
  unclean: z.boolean(),
  /** Shutting down. */
  shutdown: z.boolean(),
  /** The cluster expects it to be up. */
  expectedUp: z.boolean(),
  /** It is the DC. */
  isDc: z.boolean(),
  /** How many resource instances run on it. */
  resourcesRunning: z.number().int(),
  /** `guest`: a remote node run by a resource of the cluster (a VM or container). */
  type: z.enum(['member', 'remote', 'guest', 'ping', 'unknown']),
  /** Its health colour, when node health is configured. */
  health: z.enum(['green', 'yellow', 'red']).optional(),
  /** Its Pacemaker feature set (`3.16.2`). */
  featureSet: z.string().optional(),
  /** The resource that runs a guest node. */
  resourceId: z.string().optional(),
  /** Node attributes (`node_attributes`), by name. */
  attributes: z.record(z.string(), z.string()),
  /** Attributes this version does not map, as written. */
  extra: extraSchema,
});
/** One node as crm_mon sees it. */
export type ClusterNode = z.infer<typeof nodeSchema>;

/** A node a primitive is active on. */
export const runningNodeSchema = z.object({
  /** The node's name. */
  name: z.string(),
  /** The node's id. */
  id: z.string().optional(),
  /** Known from the resource history rather than seen now. */
  cached: z.boolean().optional(),
});

/** A primitive resource (one agent instance), or one instance of a cloned primitive. */
export const primitiveSchema = z.object({
  /** Always `primitive`. */
  kind: z.literal('primitive'),
  /** Its id (the instances of a clone share it). */
  id: z.string(),
  /** `ocf:heartbeat:IPaddr2`, `stonith:fence_xvm` … */
  agent: z.string(),
  /** Its role now, normalized. */
  role: roleSchema,
  /** The role as Pacemaker wrote it (`Master`, `Started` …). */
  rawRole: z.string(),
  /** The `target-role` meta attribute, when set (`Stopped`: disabled). */
  targetRole: z.string().optional(),
  /** Active on at least one node. */
  active: z.boolean(),
  /** No longer configured but still active somewhere (`removed` since 3.0.2). */
  orphaned: z.boolean(),
  /** Pacemaker cannot act on it (a stop failed without fencing). */
  blocked: z.boolean(),
  /** Pacemaker manages it (false: unmanaged, or in maintenance). */
  managed: z.boolean(),
  /** In maintenance: neither managed nor monitored. */
  maintenance: z.boolean(),
  /** Failed on a node. */
  failed: z.boolean(),
  /** Failed, with on-fail=ignore. */
  failureIgnored: z.boolean(),
  /** How many nodes it is active on (more than one: multi-active, or migrating). */
  nodesRunningOn: z.number().int(),
  /** The nodes it is active on. */
  nodes: z.array(runningNodeSchema),
  /** An action in progress (`Starting`, `Monitoring` …), with record-pending. */
  pending: z.string().optional(),
  /** The node a shutdown lock keeps it on. */
  lockedTo: z.string().optional(),
  /** Its `description`. */
  description: z.string().optional(),
  /** Attributes this version does not map, as written. */
  extra: extraSchema,
});
/** A primitive resource (one agent instance), or one instance of a cloned primitive. */
export type PrimitiveResource = z.infer<typeof primitiveSchema>;

/** A group: members that run together on one node, started in order. */
export interface GroupResource {
  /** Always `group`. */
  kind: 'group';
  /** Its id. */
  id: string;
  /** Pacemaker manages it. */
  managed: boolean;
  /** Disabled (target-role Stopped). */
  disabled: boolean;
  /** In maintenance. */
  maintenance: boolean;
  /** Its `description`. */
  description?: string | undefined;
  /** Its members, in start order. */
  children: ResourceNode[];
  /** Attributes this version does not map, as written. */
  extra: Record<string, string>;
}

/** A clone: a primitive or group run on several nodes at once; promotable when one instance leads. */
export interface CloneResource {
  /** Always `clone`. */
  kind: 'clone';
  /** Its id. */
  id: string;
  /** Promotable (multi-state) clone. */
  promotable: boolean;
  /** Each instance is distinct (`globally-unique`). */
  unique: boolean;
  /** Pacemaker manages it. */
  managed: boolean;
  /** Disabled (target-role Stopped). */
  disabled: boolean;
  /** In maintenance. */
  maintenance: boolean;
  /** An instance failed. */
  failed: boolean;
  /** An instance failed, with on-fail=ignore. */
  failureIgnored: boolean;
  /** The clone's `target-role`, when set. */
  targetRole?: string | undefined;
  /** Its `description`. */
  description?: string | undefined;
  /** Its instances (primitives, or groups). */
  children: ResourceNode[];
  /** Attributes this version does not map, as written. */
  extra: Record<string, string>;
}

/** A bundle: containers (docker, podman) with a resource inside each replica. */
export interface BundleResource {
  /** Always `bundle`. */
  kind: 'bundle';
  /** Its id. */
  id: string;
  /** `docker`, `podman`, `rkt`. */
  type: string;
  /** The container image. */
  image: string;
  /** Each replica is distinct. */
  unique: boolean;
  /** Pacemaker manages it. */
  managed: boolean;
  /** In maintenance. */
  maintenance: boolean;
  /** A replica failed. */
  failed: boolean;
  /** Its `description`. */
  description?: string | undefined;
  /** Each replica: its number, and the primitives it runs (container, IP, the resource inside). */
  replicas: {
    /** The replica's number (`0`). */
    id: string;
    /** What the replica runs. */
    resources: PrimitiveResource[];
  }[];
  /** Attributes this version does not map, as written. */
  extra: Record<string, string>;
}

/** A node of the resource tree: primitives, and groups, clones and bundles of them. */
export type ResourceNode = PrimitiveResource | GroupResource | CloneResource | BundleResource;

/** Validates a `ResourceNode` tree (the schema of `ClusterStatus.resources`). */
export const resourceNodeSchema: z.ZodType<ResourceNode> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    primitiveSchema,
    z.object({
      kind: z.literal('group'),
      id: z.string(),
      managed: z.boolean(),
      disabled: z.boolean(),
      maintenance: z.boolean(),
      description: z.string().optional(),
      children: z.array(resourceNodeSchema),
      extra: extraSchema,
    }),
    z.object({
      kind: z.literal('clone'),
      id: z.string(),
      promotable: z.boolean(),
      unique: z.boolean(),
      managed: z.boolean(),
      disabled: z.boolean(),
      maintenance: z.boolean(),
      failed: z.boolean(),
      failureIgnored: z.boolean(),
      targetRole: z.string().optional(),
      description: z.string().optional(),
      children: z.array(resourceNodeSchema),
      extra: extraSchema,
    }),
    z.object({
      kind: z.literal('bundle'),
      id: z.string(),
      type: z.string(),
      image: z.string(),
      unique: z.boolean(),
      managed: z.boolean(),
      maintenance: z.boolean(),
      failed: z.boolean(),
      description: z.string().optional(),
      replicas: z.array(z.object({ id: z.string(), resources: z.array(primitiveSchema) })),
      extra: extraSchema,
    }),
  ]),
);

/** One recorded operation of a resource on a node (`<operation_history>`). */
export const operationSchema = z.object({
  /** The call id: higher is later. */
  call: z.number().int(),
  /** `start`, `monitor`, `stop` … */
  task: z.string(),
  /** The recurring interval, ms (0 or absent: a one-off). */
  intervalMs: z.number().optional(),
  /** When its result last changed (crm_mon's format). */
  lastRcChange: z.string().optional(),
  /** When it last ran. */
  lastRun: z.string().optional(),
  /** How long it ran, ms. */
  execTimeMs: z.number().optional(),
  /** How long it waited to run, ms. */
  queueTimeMs: z.number().optional(),
  /** The agent's exit code (OCF: 0 ok, 7 not running, 8 running promoted …). */
  rc: z.number().int(),
  /** That exit code in words (`ok`, `not running`). */
  rcText: z.string(),
  /** Attributes this version does not map, as written. */
  extra: extraSchema,
});
/** One recorded operation of a resource on a node (`<operation_history>`). */
export type OperationRecord = z.infer<typeof operationSchema>;

/** A resource's history on one node: fail count and operations. */
export const resourceHistorySchema = z.object({
  /** The resource's id. */
  id: z.string(),
  /** The resource is no longer configured. */
  orphaned: z.boolean(),
  /** Failures after which it is moved away (`INFINITY` is 1,000,000). */
  migrationThreshold: z.number().optional(),
  /** `INFINITY` is Pacemaker's score 1,000,000. */
  failCount: z.number().optional(),
  /** When it last failed (crm_mon's format). */
  lastFailure: z.string().optional(),
  /** Its recorded operations. */
  operations: z.array(operationSchema),
  /** Attributes this version does not map, as written. */
  extra: extraSchema,
});

/** What happened on one node (`<node_history>`): each resource's fail count and operations. */
export const nodeHistorySchema = z.object({
  /** The node's name. */
  node: z.string(),
  /** Each resource's history there. */
  resources: z.array(resourceHistorySchema),
});
/** What happened on one node (`<node_history>`): each resource's fail count and operations. */
export type NodeHistory = z.infer<typeof nodeHistorySchema>;

/** A failed action: the `op_key` names the resource, the task and the interval. */
export const failureSchema = z.object({
  /** `RESOURCE_TASK_INTERVAL` (`WebServer_monitor_10000`). */
  opKey: z.string(),
  /** The resource that failed. */
  resource: z.string(),
  /** The operation (`monitor`, `start` …). */
  task: z.string().optional(),
  /** The node it failed on. */
  node: z.string(),
  /**
   * The exit status in Pacemaker's words, which change between versions (2.1: `error`,
   * `not running`; 3.0: `Error occurred`, `Not running`): judge by `exitCode`, show this.
   */
  exitStatus: z.string(),
  /** The agent's reason, when it gave one; empty otherwise. */
  exitReason: z.string(),
  /** The agent's exit code. */
  exitCode: z.number().int(),
  /** The call id. */
  call: z.number().int(),
  /** The execution status in Pacemaker's words (2.1: `complete`, `Timed Out`; 3.0: `Done` …). */
  status: z.string(),
  /** When it failed (crm_mon's format). */
  lastRcChange: z.string().optional(),
  /** How long it waited to run, ms. */
  queuedMs: z.number().optional(),
  /** How long it ran, ms. */
  execMs: z.number().optional(),
  /** The operation's interval, ms (0: a one-off). */
  intervalMs: z.number().optional(),
  /** Attributes this version does not map, as written. */
  extra: extraSchema,
});
/** A failed resource action, from crm_mon's `<failures>`. */
export type FailedAction = z.infer<typeof failureSchema>;

/** A fencing action in the fence history. */
export const fenceEventSchema = z.object({
  /** `success`, `failed` or `pending`. */
  status: z.string(),
  /** The fencer's detail of the status. */
  extendedStatus: z.string().optional(),
  /** Why it failed, when it did. */
  exitReason: z.string().optional(),
  /** The node that carried it out. */
  delegate: z.string().optional(),
  /** `reboot`, `off` or `on`. */
  action: z.string(),
  /** The node fenced. */
  target: z.string(),
  /** Who asked (`pacemaker-controld.1234`, `stonith_admin.5678`). */
  client: z.string(),
  /** The node it was asked from. */
  origin: z.string(),
  /** When it completed, as the tool wrote it (`2026-12-01 18:33:44Z`; 3.0 adds microseconds). */
  completed: z.string().optional(),
  /** `completed` as a time; absent while pending, or when the tool wrote a time this package cannot read. */
  completedAt: z.date().optional(),
  /** Attributes this version does not map, as written. */
  extra: extraSchema,
});
/** A fencing action in the fence history. */
export type FenceEvent = z.infer<typeof fenceEventSchema>;

/** A ticket (multi-site clusters, booth). */
export const ticketSchema = z.object({
  /** The ticket's id. */
  id: z.string(),
  /** `granted` or `revoked`. */
  status: z.string().optional(),
  /** In standby: resources that depend on it stop. */
  standby: z.boolean().optional(),
  /** When it was last granted. */
  lastGranted: z.string().optional(),
  /** Attributes this version does not map, as written. */
  extra: extraSchema,
});
/** A ticket (multi-site clusters, booth). */
export type Ticket = z.infer<typeof ticketSchema>;

/** A negative location constraint crm_mon lists as a ban (`pcs resource ban`, or any score below 0). */
export const banSchema = z.object({
  /** The constraint's id (`cli-ban-WebServer-on-node1`). */
  id: z.string(),
  /** The resource kept away. */
  resource: z.string(),
  /** The node it is kept off. */
  node: z.string(),
  /** The score (`-INFINITY` is -1,000,000). */
  weight: z.number(),
  /** Only the promoted role is kept away. */
  promotedOnly: z.boolean(),
});
/** A negative location constraint crm_mon lists as a ban. */
export type Ban = z.infer<typeof banSchema>;

/** An element this version does not know, kept whole. */
export interface UnknownElement {
  /** The element's name. */
  name: string;
  /** Its attributes, as written. */
  attributes: Record<string, string>;
  /** Its child elements. */
  children: UnknownElement[];
  /** Its text, trimmed, when it has any. */
  text?: string | undefined;
}
const unknownElementSchema: z.ZodType<UnknownElement> = z.lazy(() =>
  z.object({
    name: z.string(),
    attributes: extraSchema,
    children: z.array(unknownElementSchema),
    text: z.string().optional(),
  }),
);

/** The whole status of a cluster, one model for every Pacemaker from 1.1 to 3.x. */
export const clusterStatusSchema = z.object({
  /** `pacemaker-result` (2.0 and later), or `crm_mon-1.1` (`crm_mon --as-xml` of Pacemaker 1.1 and 2.0.0–2.0.2). */
  format: z.enum(['pacemaker-result', 'crm_mon-1.1']),
  /** The `api-version` (or the legacy `version`) the document declared. */
  apiVersion: z.string(),
  /** Stack, DC, quorum, counts and cluster options. */
  summary: summarySchema,
  /** Every node, in crm_mon's order. */
  nodes: z.array(nodeSchema),
  /** The resource tree, top-level resources in crm_mon's order (see `listInstances` for a flat list). */
  resources: z.array(resourceNodeSchema),
  /** Per node, each resource's fail count and operations. */
  nodeHistory: z.array(nodeHistorySchema),
  /** Failed actions (until `pcs resource cleanup`). */
  failures: z.array(failureSchema),
  /** Fencing actions. */
  fenceHistory: z.array(fenceEventSchema),
  /** Tickets. */
  tickets: z.array(ticketSchema),
  /** Negative location constraints. */
  bans: z.array(banSchema),
  /** Top-level elements this version does not know. */
  extra: z.array(unknownElementSchema),
});
/** The whole status of a cluster, one model for every Pacemaker from 1.1 to 3.x (see `clusterStatusSchema`). */
export type ClusterStatus = z.infer<typeof clusterStatusSchema>;
