import { z } from 'zod';

/**
 * The typed model of a resource agent's metadata, as `crm_resource
 * --show-metadata` prints it for every standard (ocf, stonith, and the
 * documents Pacemaker itself writes for lsb, service and systemd).
 */

/** A resource agent's full name: `ocf:heartbeat:IPaddr2`, `stonith:fence_dummy`, `systemd:nginx`. */
export const agentNameSchema = z.object({
  /** The standard (class) it follows: `ocf`, `stonith`, `lsb`, `service`, `systemd`, `nagios` … */
  standard: z.string().min(1),
  /** Who supplies it (`heartbeat`, `pacemaker`): only `ocf` agents have one. */
  provider: z.string().min(1).optional(),
  /** The agent itself (`IPaddr2`, `fence_dummy`, `nginx`). */
  type: z.string().min(1),
});
/** A resource agent's full name (see `agentNameSchema`). */
export type AgentName = z.infer<typeof agentNameSchema>;

/** One parameter (instance attribute) of a resource agent. */
export const agentParameterSchema = z.object({
  /** Its name (`ip`, `cidr_netmask`, `binfile`). */
  name: z.string().min(1),
  /**
   * `<content type>` as written: `string`, `integer`, `boolean`, `time`,
   * `select` (one of `values`), or another word (Pacemaker's own metadata
   * has `duration`, `timeout`, `score`, `nonnegative_integer`, `port` …);
   * `string` when the agent gives none.
   */
  type: z.string().min(1),
  /** The values a `select` parameter accepts, in the agent's order (`<option value>`). */
  values: z.array(z.string()).optional(),
  /** The agent needs it (`required="1"`). */
  required: z.boolean(),
  /** No two resources may share its value (`unique="1"`, OCF 1.0). */
  unique: z.boolean(),
  /** OCF 1.1's `unique-group`: no two resources may share the values of all parameters of this group. */
  uniqueGroup: z.string().optional(),
  /** A change of it is applied by a reload instead of a restart (OCF 1.1's `reloadable="1"`). */
  reloadable: z.boolean(),
  /** The value the agent uses when none is given, as written. */
  default: z.string().optional(),
  /** One line on what it is (empty when the agent says nothing). */
  shortdesc: z.string(),
  /** The longer description, on one line (empty when the agent says nothing). */
  longdesc: z.string(),
  /** The agent keeps it for old configurations only. */
  deprecated: z.boolean(),
  /** What replaces a deprecated parameter, where the metadata says (`<replaced-with>`, or a parameter that `obsoletes` it). */
  replacedWith: z.array(z.string()),
  /** The older parameter this one replaces (a fence agent's `obsoletes`). */
  obsoletes: z.string().optional(),
});
/** One parameter of a resource agent (see `agentParameterSchema`). */
export type AgentParameter = z.infer<typeof agentParameterSchema>;

/** One action a resource agent supports, with the defaults it advertises for it. */
export const agentActionSchema = z.object({
  /** The action (`start`, `stop`, `monitor`, `promote`, `meta-data` …). */
  name: z.string().min(1),
  /** Its advised timeout, as written (`20s`). */
  timeout: z.string().optional(),
  /** Its advised interval, as written (`10s`, for a recurring monitor). */
  interval: z.string().optional(),
  /** The role it is for (`Promoted`, `Unpromoted`; 1.0 agents write `Master`, `Slave`). */
  role: z.string().optional(),
  /** The depth of a monitor (`0`), as written. */
  depth: z.string().optional(),
});
/** One action of a resource agent (see `agentActionSchema`). */
export type AgentAction = z.infer<typeof agentActionSchema>;

/** A resource agent's metadata: what it is, its parameters and its actions. */
export const agentMetadataSchema = z.object({
  /** The agent this metadata is of, as it was asked for. */
  agent: agentNameSchema,
  /** `<resource-agent name>` (the type, for most agents). */
  name: z.string(),
  /** The agent's own version (`<resource-agent version>`), when it gives one. */
  version: z.string().optional(),
  /** The OCF standard the document follows (`<version>`: `1.0`, `1.1`), when it says. */
  ocfVersion: z.string().optional(),
  /** One line on what the agent does (empty when it says nothing). */
  shortdesc: z.string(),
  /** The agent's longer description, on one line (empty when it says nothing). */
  longdesc: z.string(),
  /** Its parameters, in the agent's order. */
  parameters: z.array(agentParameterSchema),
  /** Its actions, in the agent's order (a monitor may appear once per role). */
  actions: z.array(agentActionSchema),
});
/** A resource agent's metadata (see `agentMetadataSchema`). */
export type AgentMetadata = z.infer<typeof agentMetadataSchema>;
