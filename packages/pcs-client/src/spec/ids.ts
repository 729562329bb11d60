/**
 * The ids pcs 0.11 (and Pacemaker's crm_attribute for node attributes) gives
 * the elements a spec may leave without one. `specFromCib` records an id only
 * where it differs from these, so a CIB made by pcs exports without ids.
 */

/** An attribute set's id: `<owner>-instance_attributes`, `<owner>-meta_attributes`, `<owner>-utilization`. */
export function attributeSetId(
  owner: string,
  element: 'instance_attributes' | 'meta_attributes' | 'utilization',
): string {
  return `${owner}-${element}`;
}

/** A pair's id: its set's id, then its name (`VIP-instance_attributes-ip`). */
export function pairId(setId: string, name: string): string {
  return `${setId}-${name}`;
}

/** An operation's id: `<resource>-<action>-interval-<interval>` (`VIP-monitor-interval-10s`). */
export function operationId(resource: string, name: string, interval: string): string {
  return `${resource}-${name}-interval-${interval}`;
}

/** The nth (0-based) rule's id of a constraint: `<constraint>-rule`, then `-rule-1` … */
export function ruleId(constraint: string, index: number): string {
  return index === 0 ? `${constraint}-rule` : `${constraint}-rule-${index}`;
}

/** The nth (0-based) expression's id of a rule: `<rule>-expr`, then `-expr-1` … */
export function expressionId(rule: string, index: number): string {
  return index === 0 ? `${rule}-expr` : `${rule}-expr-${index}`;
}

/** The nth (0-based) resource set's id of a constraint: `<constraint>-set`, then `-set-1` … */
export function resourceSetId(constraint: string, index: number): string {
  return index === 0 ? `${constraint}-set` : `${constraint}-set-${index}`;
}

/** A fencing level's id: `fl-<target>-<index>` (the target, pattern or attribute=value). */
export function fencingLevelId(target: string, index: number): string {
  return `fl-${target.replace(/[^A-Za-z0-9_.-]/g, '_')}-${index}`;
}

/** The sets of the CIB's sections: cluster options, defaults, node attributes. */
export const sectionSetIds = {
  properties: 'cib-bootstrap-options',
  resourceDefaults: 'rsc_defaults-meta_attributes',
  operationDefaults: 'op_defaults-meta_attributes',
} as const;

/** A node's attribute set (`nodes-<node id>`, as crm_attribute makes it) or its utilization. */
export function nodeSetId(nodeId: string, element: 'instance_attributes' | 'utilization'): string {
  return element === 'instance_attributes' ? `nodes-${nodeId}` : `nodes-${nodeId}-utilization`;
}

/** The sections of `<configuration>`, in the order Pacemaker writes them. */
export const configurationSections = [
  'crm_config',
  'nodes',
  'resources',
  'constraints',
  'fencing-topology',
  'op_defaults',
  'rsc_defaults',
  'acls',
  'tags',
  'alerts',
] as const;
