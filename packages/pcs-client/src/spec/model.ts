import { z } from 'zod';

/**
 * The typed cluster spec: everything a CIB's `<configuration>` holds, written
 * for people (YAML or JSON): name → value maps for attribute sets, ids only
 * where they cannot be derived. Whatever the spec does not type stays as raw
 * XML text at the nearest level, so nothing of a CIB is ever dropped.
 *
 * Ids: Pacemaker wants one on every attribute set, pair, operation, rule and
 * expression. A spec may omit them; `configurationFromSpec` then makes the ids
 * pcs 0.11 makes (`VIP-instance_attributes`, `VIP-instance_attributes-ip`,
 * `VIP-monitor-interval-10s`). `specFromCib` records only the ids that differ
 * from those, in `ids` (sets and pairs) or an `id` field (operations, rules).
 */

/** A name → value map: the `<nvpair>`s of one attribute set, in order. */
export const specNameValuesSchema = z.record(z.string(), z.string());

/**
 * Ids of attribute sets and pairs that differ from the generated ones, keyed
 * by set (`params`, `meta`, `utilization`, `attributes`, `properties` …) or by
 * set and pair name (`params.ip`).
 */
export const specElementIdsSchema = z.record(z.string(), z.string());

/** Raw XML elements the spec does not type, in document order (one element's text each). */
export const specRawElementsSchema = z.array(z.string());

/** Attributes of a typed element that the spec does not type, as written (`description`, `on-fail`). */
export const specOtherAttributesSchema = z.record(z.string(), z.string());

/** One operation of a primitive (`<op>`). */
export const specOperationSchema = z.object({
  /** The action: `monitor`, `start`, `stop`, `promote` … */
  name: z.string().min(1),
  /** How often (`10s`, `0` for a one-off action), as written. */
  interval: z.string().min(1),
  /** Its timeout (`20s`), as written. */
  timeout: z.string().optional(),
  /** The role it applies to (`Promoted`, `Unpromoted`, legacy `Master`/`Slave`). */
  role: z.string().optional(),
  /** Its id, when not `<resource>-<name>-interval-<interval>`. */
  id: z.string().optional(),
  /** Its other attributes as written (`on-fail`, `start-delay`, `enabled`, `record-pending` …). */
  attributes: specOtherAttributesSchema.optional(),
  /** Its child elements (an op's `instance_attributes`, e.g. `OCF_CHECK_LEVEL`), raw. */
  raw: specRawElementsSchema.optional(),
});
/** One operation of a primitive (see `specOperationSchema`). */
export type SpecOperation = z.infer<typeof specOperationSchema>;

/** A primitive resource, fence devices (class `stonith`) included. */
export const specPrimitiveSchema = z.object({
  /** Always `primitive`. */
  kind: z.literal('primitive'),
  /** Its id. */
  id: z.string().min(1),
  /** The agent's standard: `ocf`, `systemd`, `lsb`, `service`, `stonith`. */
  class: z.string().min(1),
  /** The OCF provider (`heartbeat`, `pacemaker`), for `ocf` agents. */
  provider: z.string().optional(),
  /** The agent (`IPaddr2`, `fence_ipmilan`, a systemd unit). */
  type: z.string().min(1),
  /** Its instance attributes, the agent's parameters (`{ ip: '10.0.0.1' }`). */
  params: specNameValuesSchema.optional(),
  /** Its meta attributes (`target-role`, `resource-stickiness` …). */
  meta: specNameValuesSchema.optional(),
  /** Its utilization (`{ cpu: '2' }`). */
  utilization: specNameValuesSchema.optional(),
  /** Its operations, in order. */
  operations: z.array(specOperationSchema).optional(),
  /** Ids that are not the generated ones (`params`, `params.ip`, `operations` …). */
  ids: specElementIdsSchema.optional(),
  /** Attributes not typed here (`description`), as written. */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here (a second or rule-bound attribute set), raw. */
  raw: specRawElementsSchema.optional(),
});
/** A primitive resource (see `specPrimitiveSchema`). */
export type SpecPrimitive = z.infer<typeof specPrimitiveSchema>;

/** A group: primitives started in order, stopped in reverse. */
export const specGroupSchema = z.object({
  /** Always `group`. */
  kind: z.literal('group'),
  /** Its id. */
  id: z.string().min(1),
  /** Its members, in order (the order is significant). */
  members: z.array(specPrimitiveSchema),
  /** Its meta attributes. */
  meta: specNameValuesSchema.optional(),
  /** Ids that are not the generated ones (`meta`, `meta.target-role`). */
  ids: specElementIdsSchema.optional(),
  /** Attributes not typed here (`description`). */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});
/** A group (see `specGroupSchema`). */
export type SpecGroup = z.infer<typeof specGroupSchema>;

/** A clone, promotable or not, of one primitive or group. */
export const specCloneSchema = z.object({
  /** Always `clone`. */
  kind: z.literal('clone'),
  /** Its id. */
  id: z.string().min(1),
  /** A promotable clone: its meta attribute `promotable=true`. */
  promotable: z.boolean(),
  /** What it clones. */
  resource: z.discriminatedUnion('kind', [specPrimitiveSchema, specGroupSchema]),
  /** Its meta attributes (`clone-max`, `interleave` …), `promotable` aside. */
  meta: specNameValuesSchema.optional(),
  /** Ids that are not the generated ones (`meta`, `meta.clone-max`). */
  ids: specElementIdsSchema.optional(),
  /** Attributes not typed here (`description`). */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});
/** A clone (see `specCloneSchema`). */
export type SpecClone = z.infer<typeof specCloneSchema>;

/** A resource kept as raw XML: a bundle, a template, a legacy `<master>`, anything not typed. */
export const specRawResourceSchema = z.object({
  /** `bundle`, or `raw` for any other element. */
  kind: z.enum(['bundle', 'raw']),
  /** Its id (from the XML), for diffs and checks. */
  id: z.string().min(1),
  /** The element, as XML text. */
  xml: z.string().min(1),
});
/** A resource kept as raw XML (see `specRawResourceSchema`). */
export type SpecRawResource = z.infer<typeof specRawResourceSchema>;

/** Any resource of the spec. */
export const specResourceSchema = z.discriminatedUnion('kind', [
  specPrimitiveSchema,
  specGroupSchema,
  specCloneSchema,
  specRawResourceSchema,
]);
/** Any resource of the spec (see `specResourceSchema`). */
export type SpecResource = z.infer<typeof specResourceSchema>;

/** An `<expression>` of a rule: a node attribute compared with a value. */
export const specExpressionSchema = z.object({
  /** The node attribute (`#uname`, `datacenter`). */
  attribute: z.string().min(1),
  /** `lt`, `gt`, `lte`, `gte`, `eq`, `ne`, `defined`, `not_defined`. */
  operation: z.string().min(1),
  /** The value compared with (none for `defined`/`not_defined`). */
  value: z.string().optional(),
  /** How values compare: `string`, `integer`, `number`, `version`. */
  type: z.string().optional(),
  /** Its id, when not generated. */
  id: z.string().optional(),
  /** Attributes not typed here (`value-source`). */
  attributes: specOtherAttributesSchema.optional(),
});
/** An expression of a rule (see `specExpressionSchema`). */
export type SpecExpression = z.infer<typeof specExpressionSchema>;

/** A rule of a location constraint. Date expressions and nested rules stay raw, in place. */
export const specRuleSchema = z.object({
  /** The score it gives where it holds (`INFINITY`, `-INFINITY`, `100`). */
  score: z.string().optional(),
  /** `and` (default) or `or`. */
  booleanOp: z.string().optional(),
  /** The role it is for. */
  role: z.string().optional(),
  /** Its expressions, in order; `{ xml }` for one kept raw (a date expression, a nested rule). */
  expressions: z.array(z.union([specExpressionSchema, z.object({ /** The element, as XML text. */ xml: z.string() })])),
  /** Its id, when not generated. */
  id: z.string().optional(),
  /** Attributes not typed here (`score-attribute`). */
  attributes: specOtherAttributesSchema.optional(),
});
/** A rule (see `specRuleSchema`). */
export type SpecRule = z.infer<typeof specRuleSchema>;

/** A `<resource_set>` of a colocation, order or ticket. */
export const specResourceSetSchema = z.object({
  /** The resources, in order (significant). */
  resources: z.array(z.string().min(1)),
  /** Its id, when not generated. */
  id: z.string().optional(),
  /** Its attributes as written (`sequential`, `require-all`, `role`, `action`, `score`, `kind`). */
  attributes: specOtherAttributesSchema.optional(),
});
/** A resource set (see `specResourceSetSchema`). */
export type SpecResourceSet = z.infer<typeof specResourceSetSchema>;

/** A location constraint (`rsc_location`). */
export const specLocationSchema = z.object({
  /** Always `location`. */
  type: z.literal('location'),
  /** Its id. */
  id: z.string().min(1),
  /** The resource it places. */
  rsc: z.string().optional(),
  /** Or a regular expression of resource ids. */
  rscPattern: z.string().optional(),
  /** The node, with `score`. */
  node: z.string().optional(),
  /** The score for `node` (`INFINITY`, `-INFINITY`, `100`). */
  score: z.string().optional(),
  /** The role it applies to. */
  role: z.string().optional(),
  /** `always`, `never` or `exclusive`. */
  resourceDiscovery: z.string().optional(),
  /** Or the resource sets it places (written before the rules, as Pacemaker's schema wants). */
  sets: z.array(specResourceSetSchema).optional(),
  /** Its rules, in order. */
  rules: z.array(specRuleSchema).optional(),
  /** Attributes not typed here. */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});

/** A colocation (`rsc_colocation`): one resource with another, or sets. */
export const specColocationSchema = z.object({
  /** Always `colocation`. */
  type: z.literal('colocation'),
  /** Its id. */
  id: z.string().min(1),
  /** The resource placed. */
  rsc: z.string().optional(),
  /** The resource it is placed with. */
  withRsc: z.string().optional(),
  /** The role of `rsc`. */
  rscRole: z.string().optional(),
  /** The role of `withRsc`. */
  withRscRole: z.string().optional(),
  /** Its score (`INFINITY`). */
  score: z.string().optional(),
  /** Or its resource sets, in order. */
  sets: z.array(specResourceSetSchema).optional(),
  /** Attributes not typed here (`node-attribute`, `influence`). */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});

/** An order (`rsc_order`): one resource's action before another's, or sets. */
export const specOrderSchema = z.object({
  /** Always `order`. */
  type: z.literal('order'),
  /** Its id. */
  id: z.string().min(1),
  /** The resource first. */
  first: z.string().optional(),
  /** The resource then. */
  then: z.string().optional(),
  /** The action of `first` (`start`, `promote` …). */
  firstAction: z.string().optional(),
  /** The action of `then`. */
  thenAction: z.string().optional(),
  /** `Mandatory`, `Optional` or `Serialize`. */
  kind: z.string().optional(),
  /** Whether the reverse holds for stopping (`true`/`false`, as written). */
  symmetrical: z.string().optional(),
  /** Or its resource sets, in order. */
  sets: z.array(specResourceSetSchema).optional(),
  /** Attributes not typed here (a deprecated `score`, `require-all`). */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});

/** A ticket constraint (`rsc_ticket`). */
export const specTicketSchema = z.object({
  /** Always `ticket`. */
  type: z.literal('ticket'),
  /** Its id. */
  id: z.string().min(1),
  /** The ticket. */
  ticket: z.string().min(1),
  /** The resource that needs it. */
  rsc: z.string().optional(),
  /** The role of `rsc`. */
  rscRole: z.string().optional(),
  /** What happens when the ticket is lost: `stop`, `demote`, `fence`, `freeze`. */
  lossPolicy: z.string().optional(),
  /** Or its resource sets, in order. */
  sets: z.array(specResourceSetSchema).optional(),
  /** Attributes not typed here. */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});

/** A constraint not typed here, raw. */
export const specRawConstraintSchema = z.object({
  /** Always `raw`. */
  type: z.literal('raw'),
  /** Its id (from the XML). */
  id: z.string().min(1),
  /** The element, as XML text. */
  xml: z.string().min(1),
});

/** Any constraint of the spec. */
export const specConstraintSchema = z.discriminatedUnion('type', [
  specLocationSchema,
  specColocationSchema,
  specOrderSchema,
  specTicketSchema,
  specRawConstraintSchema,
]);
/** Any constraint of the spec (see `specConstraintSchema`). */
export type SpecConstraint = z.infer<typeof specConstraintSchema>;

/** A fencing level (`fencing-level`): which devices, tried together, fence a target at this index. */
export const specFencingLevelSchema = z.object({
  /** Its index: level 1 is tried first. */
  index: z.number().int().positive(),
  /** The node it fences. */
  target: z.string().optional(),
  /** Or a regular expression of node names. */
  targetPattern: z.string().optional(),
  /** Or a node attribute's name, with `targetValue`. */
  targetAttribute: z.string().optional(),
  /** The value of `targetAttribute`. */
  targetValue: z.string().optional(),
  /** The fence devices, in order. */
  devices: z.array(z.string().min(1)).min(1),
  /** Its id, when not `fl-<target>-<index>`. */
  id: z.string().optional(),
  /** Attributes not typed here. */
  attributes: specOtherAttributesSchema.optional(),
});
/** A fencing level (see `specFencingLevelSchema`). */
export type SpecFencingLevel = z.infer<typeof specFencingLevelSchema>;

/** A recipient of an alert. */
export const specRecipientSchema = z.object({
  /** Its id. */
  id: z.string().min(1),
  /** Where it goes (a file, an address), passed to the agent. */
  value: z.string(),
  /** Its meta attributes (`timestamp-format`, `timeout`). */
  meta: specNameValuesSchema.optional(),
  /** Its instance attributes, passed to the agent. */
  params: specNameValuesSchema.optional(),
  /** Ids that are not the generated ones. */
  ids: specElementIdsSchema.optional(),
  /** Attributes not typed here (`description`). */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});

/** An alert agent and its recipients. */
export const specAlertSchema = z.object({
  /** Its id. */
  id: z.string().min(1),
  /** The agent's path. */
  path: z.string().min(1),
  /** Its meta attributes. */
  meta: specNameValuesSchema.optional(),
  /** Its instance attributes. */
  params: specNameValuesSchema.optional(),
  /** What it is told about (`<select>`), raw. */
  select: z.string().optional(),
  /** Its recipients, in order. */
  recipients: z.array(specRecipientSchema).optional(),
  /** Ids that are not the generated ones. */
  ids: specElementIdsSchema.optional(),
  /** Attributes not typed here (`description`). */
  attributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});
/** An alert (see `specAlertSchema`). */
export type SpecAlert = z.infer<typeof specAlertSchema>;

/** A cluster node of the configuration (`<node>`). */
export const specNodeSchema = z.object({
  /** Its node id (corosync's nodeid on a cluster node). */
  id: z.string().min(1),
  /** Its name. */
  uname: z.string().min(1),
  /** Its type (`member`, `remote`, legacy `normal`), as written. */
  nodeType: z.string().optional(),
  /** Its permanent node attributes (`standby`, `datacenter`). */
  attributes: specNameValuesSchema.optional(),
  /** Its utilization (`{ cpu: '8' }`). */
  utilization: specNameValuesSchema.optional(),
  /** Ids that are not the generated ones (`attributes` is `nodes-<id>`, pairs `nodes-<id>-<name>`). */
  ids: specElementIdsSchema.optional(),
  /** Attributes not typed here (`description`, `score`). */
  otherAttributes: specOtherAttributesSchema.optional(),
  /** Child elements not typed here, raw. */
  raw: specRawElementsSchema.optional(),
});
/** A node (see `specNodeSchema`). */
export type SpecNode = z.infer<typeof specNodeSchema>;

/** A tag: a name for a list of resources or constraints. */
export const specTagSchema = z.object({
  /** Its id. */
  id: z.string().min(1),
  /** The ids it names, in order. */
  refs: z.array(z.string().min(1)),
});
/** A tag (see `specTagSchema`). */
export type SpecTag = z.infer<typeof specTagSchema>;

/** Everything a CIB's `<configuration>` holds, as a spec (see the module's comment). */
export const clusterSpecSchema = z.object({
  /** The cluster's name (its `cluster-name` property): the apply checks it is the cluster it talks to. */
  name: z.string().optional(),
  /** The cluster options (the first plain `cluster_property_set`). */
  properties: specNameValuesSchema.optional(),
  /** Further cluster property sets (with rules, scores, or more than one), raw. */
  propertySets: specRawElementsSchema.optional(),
  /** Resource defaults (`rsc_defaults` meta attributes). */
  resourceDefaults: specNameValuesSchema.optional(),
  /** Operation defaults (`op_defaults` meta attributes). */
  operationDefaults: specNameValuesSchema.optional(),
  /** Further sets of either defaults (rules, several), raw, by section. */
  defaultSets: z
    .object({
      /** Further `rsc_defaults` children. */
      resources: specRawElementsSchema.optional(),
      /** Further `op_defaults` children. */
      operations: specRawElementsSchema.optional(),
    })
    .optional(),
  /** The configured nodes. */
  nodes: z.array(specNodeSchema).optional(),
  /** The resources, fence devices included (class `stonith`), in document order. */
  resources: z.array(specResourceSchema).optional(),
  /** The constraints. */
  constraints: z.array(specConstraintSchema).optional(),
  /** The fencing topology's levels. */
  fencingLevels: z.array(specFencingLevelSchema).optional(),
  /** The ACLs, raw (`<acls>`). */
  acls: z.string().optional(),
  /** The tags. */
  tags: z.array(specTagSchema).optional(),
  /** The alerts. */
  alerts: z.array(specAlertSchema).optional(),
  /** Ids of the sets above that are not the generated ones (`properties`, `properties.stonith-enabled` …). */
  ids: specElementIdsSchema.optional(),
  /** Other elements of `<configuration>`, raw (by their section, as written). */
  raw: specRawElementsSchema.optional(),
});
/** Everything a CIB's `<configuration>` holds, as a spec (see `clusterSpecSchema`). */
export type ClusterSpec = z.infer<typeof clusterSpecSchema>;
/** A location constraint (see `specLocationSchema`). */
export type SpecLocation = z.infer<typeof specLocationSchema>;
/** A colocation (see `specColocationSchema`). */
export type SpecColocation = z.infer<typeof specColocationSchema>;
/** An order (see `specOrderSchema`). */
export type SpecOrder = z.infer<typeof specOrderSchema>;
/** A ticket constraint (see `specTicketSchema`). */
export type SpecTicket = z.infer<typeof specTicketSchema>;
/** A recipient (see `specRecipientSchema`). */
export type SpecRecipient = z.infer<typeof specRecipientSchema>;
