import { z } from 'zod';

/**
 * The typed model of fencing: fence agents and their metadata, the fence
 * devices and levels of the CIB, and which devices can fence each node.
 * Fence history entries are the status model's `FenceEvent`.
 */

/** One parameter of a fence agent, from its metadata. */
export const fenceParameterSchema = z.object({
  /** The option's name (`ip`, `username`, `pcmk_host_map` …). */
  name: z.string().min(1),
  /**
   * `<content type>`: `string`, `integer`, `boolean`, `second` (a number of
   * seconds), `select` (one of `choices`), or another word an agent uses.
   */
  type: z.string(),
  /** The agent needs it (`required="1"`). */
  required: z.boolean(),
  /** The value the agent uses when none is given, as written. */
  default: z.string().optional(),
  /** What it is for (the `shortdesc`, else the `longdesc`); empty when the agent says nothing. */
  description: z.string(),
  /** The values a `select` parameter accepts, in the agent's order. */
  choices: z.array(z.string()).optional(),
  /** The agent keeps it for old configurations only (`deprecated="1"`): use the one that `obsoletes` it. */
  deprecated: z.boolean(),
  /** The older parameter this one replaces (`ip` obsoletes `ipaddr`). */
  obsoletes: z.string().optional(),
});
/** One parameter of a fence agent (see `fenceParameterSchema`). */
export type FenceParameter = z.infer<typeof fenceParameterSchema>;

/** A fence agent's metadata: what it is, its parameters and its actions. */
export const fenceAgentMetadataSchema = z.object({
  /** The agent (`fence_ipmilan`). */
  name: z.string().min(1),
  /** One line on what it fences (`Fence agent for IPMI`). */
  shortdesc: z.string(),
  /** The agent's longer description (empty when it has none). */
  longdesc: z.string(),
  /** Its parameters, in the agent's order. */
  parameters: z.array(fenceParameterSchema),
  /** The actions it supports (`on`, `off`, `reboot`, `status`, `list`, `monitor`, `metadata` …). */
  actions: z.array(z.string()),
});
/** A fence agent's metadata (see `fenceAgentMetadataSchema`). */
export type FenceAgentMetadata = z.infer<typeof fenceAgentMetadataSchema>;

/** A fence device (a stonith primitive) of the CIB. */
export const fenceDeviceSchema = z.object({
  /** The device's id (`lab-fence`). */
  id: z.string().min(1),
  /** Its fence agent (`fence_ipmilan`). */
  agent: z.string().min(1),
  /** Every instance attribute, as written (`pcmk_host_map`, `ip` …). */
  params: z.record(z.string(), z.string()),
  /** Meta attributes, as written (`target-role`, `priority` …). */
  meta: z.record(z.string(), z.string()),
  /**
   * `pcmk_host_map` parsed: node name → the agent's port (plug) for it, as
   * written (`2,3` when one node has two ports). Absent when it has no map.
   */
  hostMap: z.record(z.string(), z.string()).optional(),
  /** `pcmk_host_list` parsed: the nodes it may fence. Absent when it has none. */
  hostList: z.array(z.string()).optional(),
  /** `pcmk_delay_base` and `pcmk_delay_max` as written (`1s`, `5`): a fixed and a random delay before fencing. */
  delay: z.object({
    /** `pcmk_delay_base`: always wait this long first. */
    base: z.string().optional(),
    /** `pcmk_delay_max`: then a random delay up to this. */
    max: z.string().optional(),
  }),
  /** `target-role=Stopped`: the device is disabled (Pacemaker does not use it). */
  disabled: z.boolean(),
});
/** A fence device of the CIB (see `fenceDeviceSchema`). */
export type FenceDevice = z.infer<typeof fenceDeviceSchema>;

/** Whom a fencing level is for: one node, the nodes whose name matches a pattern, or those with a node attribute. */
export const fenceLevelTargetSchema = z.discriminatedUnion('kind', [
  z.object({
    /** A node by name (`target`). */
    kind: z.literal('node'),
    /** The node. */
    node: z.string().min(1),
  }),
  z.object({
    /** Nodes whose name matches a regular expression (`target-pattern`). */
    kind: z.literal('pattern'),
    /** The regular expression (`node[23]`). */
    pattern: z.string().min(1),
  }),
  z.object({
    /** Nodes with a node attribute of a value (`target-attribute`, `target-value`). */
    kind: z.literal('attribute'),
    /** The attribute's name (`rack`). */
    name: z.string().min(1),
    /** Its value (`r1`). */
    value: z.string(),
  }),
]);
/** Whom a fencing level is for (see `fenceLevelTargetSchema`). */
export type FenceLevelTarget = z.infer<typeof fenceLevelTargetSchema>;

/** One fencing level (fencing topology): the devices to try, all of them, at this level for a target. */
export const fenceLevelSchema = z.object({
  /** The level's id (`fl-node1-1`). */
  id: z.string().min(1),
  /** Its index: levels are tried from 1 up until one succeeds. */
  level: z.number().int().min(1),
  /** Whom it is for. */
  target: fenceLevelTargetSchema,
  /** The devices of the level, in order: every one must succeed for the level to succeed. */
  devices: z.array(z.string().min(1)).min(1),
});
/** One fencing level (see `fenceLevelSchema`). */
export type FenceLevel = z.infer<typeof fenceLevelSchema>;

/**
 * Which devices can fence each node, as the fencer says (`stonith_admin
 * --list NODE`): node name → device ids; an empty list means no device can
 * fence that node.
 *
 * @example { node1: ['lab-fence'], node2: ['lab-fence'], node3: [] }
 */
export const fencingTargetsSchema = z.record(z.string(), z.array(z.string()));
/** Which devices can fence each node (see `fencingTargetsSchema`). */
export type FencingTargets = z.infer<typeof fencingTargetsSchema>;

/** A finding of `pcs stonith level verify`: a level naming a device or node that does not exist. */
export const fenceLevelFindingSchema = z.object({
  /** What pcs said, without its `Error: ` prefix. */
  message: z.string(),
  /** The missing devices or nodes pcs named (`Stonith resource(s) 'a', 'b' do not exist` → `a`, `b`). */
  subjects: z.array(z.string()),
});
/** A finding of `pcs stonith level verify` (see `fenceLevelFindingSchema`). */
export type FenceLevelFinding = z.infer<typeof fenceLevelFindingSchema>;
