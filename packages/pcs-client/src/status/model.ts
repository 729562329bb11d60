import { z } from 'zod';

/**
 * A resource's role, one name for each whatever the Pacemaker version wrote:
 * `Master`/`Slave` (before 2.1) are `Promoted`/`Unpromoted`.
 */
export const roleSchema = z.enum(['Started', 'Stopped', 'Starting', 'Stopping', 'Migrating', 'Promoted', 'Unpromoted', 'Promoting', 'Demoting', 'Unknown']);
export type ResourceRole = z.infer<typeof roleSchema>;

/** Attributes this version does not map, kept as written. */
const extraSchema = z.record(z.string(), z.string());

export const clusterOptionsSchema = z.object({
  stonithEnabled: z.boolean().optional(),
  symmetricCluster: z.boolean().optional(),
  noQuorumPolicy: z.string().optional(),
  maintenanceMode: z.boolean().optional(),
  stopAllResources: z.boolean().optional(),
  stonithTimeoutMs: z.number().optional(),
  priorityFencingDelayMs: z.number().optional(),
  extra: extraSchema,
});

export const summarySchema = z.object({
  stack: z.string().optional(),
  /** `running`, `shutting_down` … (Pacemaker 2.1+). */
  pacemakerdState: z.string().optional(),
  dc: z.object({
    present: z.boolean(),
    name: z.string().optional(),
    id: z.string().optional(),
    version: z.string().optional(),
    withQuorum: z.boolean().optional(),
    mixedVersion: z.boolean().optional(),
  }),
  /** True when the partition this status comes from has quorum. */
  quorate: z.boolean(),
  lastUpdate: z.string().optional(),
  lastChange: z.object({ time: z.string(), user: z.string().optional(), client: z.string().optional(), origin: z.string().optional() }).optional(),
  nodesConfigured: z.number().int().optional(),
  resourcesConfigured: z.number().int().optional(),
  resourcesDisabled: z.number().int().optional(),
  resourcesBlocked: z.number().int().optional(),
  options: clusterOptionsSchema,
});
export type ClusterSummary = z.infer<typeof summarySchema>;

export const nodeSchema = z.object({
  name: z.string(),
  id: z.string(),
  online: z.boolean(),
  standby: z.boolean(),
  /** In standby because a resource failed with on-fail=standby. */
  standbyOnFail: z.boolean(),
  maintenance: z.boolean(),
  pending: z.boolean(),
  unclean: z.boolean(),
  shutdown: z.boolean(),
  expectedUp: z.boolean(),
  isDc: z.boolean(),
  resourcesRunning: z.number().int(),
  /** `guest`: a remote node run by a resource of the cluster (a VM or container). */
  type: z.enum(['member', 'remote', 'guest', 'ping', 'unknown']),
  health: z.enum(['green', 'yellow', 'red']).optional(),
  featureSet: z.string().optional(),
  /** The resource that runs a guest node. */
  resourceId: z.string().optional(),
  /** Node attributes (`node_attributes`), by name. */
  attributes: z.record(z.string(), z.string()),
  extra: extraSchema,
});
export type ClusterNode = z.infer<typeof nodeSchema>;

export const runningNodeSchema = z.object({ name: z.string(), id: z.string().optional(), cached: z.boolean().optional() });

export const primitiveSchema = z.object({
  kind: z.literal('primitive'),
  id: z.string(),
  /** `ocf:heartbeat:IPaddr2`, `stonith:fence_xvm` … */
  agent: z.string(),
  role: roleSchema,
  /** The role as Pacemaker wrote it (`Master`, `Started` …). */
  rawRole: z.string(),
  targetRole: z.string().optional(),
  active: z.boolean(),
  orphaned: z.boolean(),
  blocked: z.boolean(),
  managed: z.boolean(),
  maintenance: z.boolean(),
  failed: z.boolean(),
  failureIgnored: z.boolean(),
  nodesRunningOn: z.number().int(),
  nodes: z.array(runningNodeSchema),
  /** An action in progress (`Starting`, `Monitoring` …), with record-pending. */
  pending: z.string().optional(),
  lockedTo: z.string().optional(),
  description: z.string().optional(),
  extra: extraSchema,
});
export type PrimitiveResource = z.infer<typeof primitiveSchema>;

export interface GroupResource {
  kind: 'group';
  id: string;
  managed: boolean;
  disabled: boolean;
  maintenance: boolean;
  description?: string | undefined;
  children: ResourceNode[];
  extra: Record<string, string>;
}

export interface CloneResource {
  kind: 'clone';
  id: string;
  /** Promotable (multi-state) clone. */
  promotable: boolean;
  unique: boolean;
  managed: boolean;
  disabled: boolean;
  maintenance: boolean;
  failed: boolean;
  failureIgnored: boolean;
  targetRole?: string | undefined;
  description?: string | undefined;
  children: ResourceNode[];
  extra: Record<string, string>;
}

export interface BundleResource {
  kind: 'bundle';
  id: string;
  /** `docker`, `podman`, `rkt`. */
  type: string;
  image: string;
  unique: boolean;
  managed: boolean;
  maintenance: boolean;
  failed: boolean;
  description?: string | undefined;
  replicas: { id: string; resources: PrimitiveResource[] }[];
  extra: Record<string, string>;
}

/** A node of the resource tree: primitives, and groups, clones and bundles of them. */
export type ResourceNode = PrimitiveResource | GroupResource | CloneResource | BundleResource;

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

export const operationSchema = z.object({
  call: z.number().int(),
  task: z.string(),
  intervalMs: z.number().optional(),
  lastRcChange: z.string().optional(),
  lastRun: z.string().optional(),
  execTimeMs: z.number().optional(),
  queueTimeMs: z.number().optional(),
  rc: z.number().int(),
  rcText: z.string(),
  extra: extraSchema,
});
export type OperationRecord = z.infer<typeof operationSchema>;

export const resourceHistorySchema = z.object({
  id: z.string(),
  orphaned: z.boolean(),
  migrationThreshold: z.number().optional(),
  /** `INFINITY` is Pacemaker's score 1,000,000. */
  failCount: z.number().optional(),
  lastFailure: z.string().optional(),
  operations: z.array(operationSchema),
  extra: extraSchema,
});

export const nodeHistorySchema = z.object({ node: z.string(), resources: z.array(resourceHistorySchema) });
export type NodeHistory = z.infer<typeof nodeHistorySchema>;

/** A failed action: the `op_key` names the resource, the task and the interval. */
export const failureSchema = z.object({
  opKey: z.string(),
  resource: z.string(),
  task: z.string().optional(),
  node: z.string(),
  exitStatus: z.string(),
  exitReason: z.string(),
  exitCode: z.number().int(),
  call: z.number().int(),
  status: z.string(),
  lastRcChange: z.string().optional(),
  queuedMs: z.number().optional(),
  execMs: z.number().optional(),
  intervalMs: z.number().optional(),
  extra: extraSchema,
});
export type FailedAction = z.infer<typeof failureSchema>;

export const fenceEventSchema = z.object({
  status: z.string(),
  extendedStatus: z.string().optional(),
  exitReason: z.string().optional(),
  delegate: z.string().optional(),
  action: z.string(),
  target: z.string(),
  client: z.string(),
  origin: z.string(),
  completed: z.string().optional(),
  extra: extraSchema,
});
export type FenceEvent = z.infer<typeof fenceEventSchema>;

export const ticketSchema = z.object({
  id: z.string(),
  status: z.string().optional(),
  standby: z.boolean().optional(),
  lastGranted: z.string().optional(),
  extra: extraSchema,
});
export type Ticket = z.infer<typeof ticketSchema>;

export const banSchema = z.object({
  id: z.string(),
  resource: z.string(),
  node: z.string(),
  weight: z.number(),
  promotedOnly: z.boolean(),
});
export type Ban = z.infer<typeof banSchema>;

/** An element this version does not know, kept whole. */
export interface UnknownElement {
  name: string;
  attributes: Record<string, string>;
  children: UnknownElement[];
  text?: string | undefined;
}
const unknownElementSchema: z.ZodType<UnknownElement> = z.lazy(() =>
  z.object({ name: z.string(), attributes: extraSchema, children: z.array(unknownElementSchema), text: z.string().optional() }),
);

/** The whole status of a cluster, one model for every Pacemaker from 1.1 to 3.x. */
export const clusterStatusSchema = z.object({
  /** `pacemaker-result` (2.0 and later), or `crm_mon-1.1` (`crm_mon --as-xml` of Pacemaker 1.1 and 2.0.0–2.0.2). */
  format: z.enum(['pacemaker-result', 'crm_mon-1.1']),
  /** The `api-version` (or the legacy `version`) the document declared. */
  apiVersion: z.string(),
  summary: summarySchema,
  nodes: z.array(nodeSchema),
  resources: z.array(resourceNodeSchema),
  nodeHistory: z.array(nodeHistorySchema),
  failures: z.array(failureSchema),
  fenceHistory: z.array(fenceEventSchema),
  tickets: z.array(ticketSchema),
  bans: z.array(banSchema),
  /** Top-level elements this version does not know. */
  extra: z.array(unknownElementSchema),
});
export type ClusterStatus = z.infer<typeof clusterStatusSchema>;
