import { z } from 'zod';
import { nodeSchema, resourceNodeSchema, roleSchema } from '../status/model.js';

const nodeName = z.string().min(1);
const resourceId = z.string().min(1);

/**
 * One change to plan, as an operator says it. Several together are planned
 * as one: all are applied to the same copy of the CIB before the scheduler
 * runs.
 */
export const clusterChangeSchema = z.discriminatedUnion('kind', [
  z.object({
    /** Put the node in standby: its resources move away. */
    kind: z.literal('standby'),
    /** The node. */
    node: nodeName,
  }),
  z.object({
    /** Take the node out of standby. */
    kind: z.literal('online'),
    /** The node. */
    node: nodeName,
  }),
  z.object({
    /** Node maintenance: Pacemaker stops managing its resources (they keep running). */
    kind: z.literal('maintenance'),
    /** The node. */
    node: nodeName,
  }),
  z.object({
    /** End node maintenance. */
    kind: z.literal('unmaintenance'),
    /** The node. */
    node: nodeName,
  }),
  z.object({
    /** Node loss: the node crashes, the cluster fences it and recovers what ran there. */
    kind: z.literal('down'),
    /** The node. */
    node: nodeName,
  }),
  z.object({
    /** Move a resource (to `node`, or just off its current node), as `PcsClient.moveResource` does. */
    kind: z.literal('move'),
    /** The resource (primitive, group, clone or bundle id). */
    resource: resourceId,
    /** Where to; none: away from where it runs. */
    node: nodeName.optional(),
    /** Move the promoted role of a promotable clone. */
    promoted: z.boolean().optional(),
    /** Keep the move's constraint (pcs `move-with-constraint`); by default it is removed once moved. */
    keepConstraint: z.boolean().optional(),
  }),
  z.object({
    /** Keep a resource off a node (its current one when none is given). */
    kind: z.literal('ban'),
    /** The resource. */
    resource: resourceId,
    /** The node to keep it off. */
    node: nodeName.optional(),
    /** Ban only the promoted role. */
    promoted: z.boolean().optional(),
  }),
  z.object({
    /** Remove the constraints `move` and `ban` left. */
    kind: z.literal('clear'),
    /** The resource. */
    resource: resourceId,
    /** Only those for this node. */
    node: nodeName.optional(),
  }),
  z.object({
    /** Let a disabled resource run again. */
    kind: z.literal('enable'),
    /** The resource. */
    resource: resourceId,
  }),
  z.object({
    /** Stop a resource and keep it stopped (target-role Stopped). */
    kind: z.literal('disable'),
    /** The resource. */
    resource: resourceId,
  }),
  z.object({
    /** Stop a resource and start it again where it runs, with what depends on it. */
    kind: z.literal('restart'),
    /** The resource. */
    resource: resourceId,
  }),
  z.object({
    /** An operation of a resource fails on a node (a monitor finding it broken, a start that fails). */
    kind: z.literal('fail'),
    /** The primitive. */
    resource: resourceId,
    /** The operation (`monitor`, `start`, `stop`, `promote`, `demote`). */
    operation: z.enum(['monitor', 'start', 'stop', 'promote', 'demote']),
    /** The node it fails on. */
    node: nodeName,
    /** The OCF exit code it fails with (default 1, generic error; 7 is "not running"). */
    exitCode: z.number().int().min(0).max(255).optional(),
    /** A monitor's interval, ms (default: the resource's monitor for its role on that node). */
    intervalMs: z.number().int().positive().optional(),
  }),
]);
/** One change to plan (see `clusterChangeSchema`). */
export type ClusterChange = z.infer<typeof clusterChangeSchema>;

/** Where a CIB comes from: the live cluster (read once), a saved CIB file, or a CIB held in memory. */
export type CibSource =
  | {
      /** The running cluster's CIB, read once with `cibadmin --query`. */
      kind: 'live';
    }
  | {
      /** A saved CIB (`cibadmin --query > cib.xml`, a pe-input), where the runner runs. */
      kind: 'cib-file';
      /** Its path. */
      path: string;
    }
  | {
      /** A CIB in memory. */
      kind: 'xml';
      /** The CIB's XML. */
      xml: string;
    };

/** The nodes and resources of a state crm_simulate reports (before or after a transition). */
export const simulatedStateSchema = z.object({
  /** The nodes, as crm_mon reports them. */
  nodes: z.array(nodeSchema),
  /** The resource tree, as crm_mon reports it. */
  resources: z.array(resourceNodeSchema),
});
/** A state crm_simulate reports (see `simulatedStateSchema`). */
export type SimulatedState = z.infer<typeof simulatedStateSchema>;

/** One line of the scheduler's transition summary (`Move WebServer ( node1 -> node2 )`). */
export const summaryActionSchema = z.object({
  /** `start`, `stop`, `move`, `restart`, `recover`, `promote`, `demote`, `migrate`, `fence`, `shutdown` … */
  action: z.string(),
  /** The instance (`WebServer`, `ping:0`); none for a node's action. */
  resource: z.string().optional(),
  /** The node it happens on. */
  node: z.string().optional(),
  /** Where a move or migration comes from. */
  from: z.string().optional(),
  /** Where a move or migration goes. */
  to: z.string().optional(),
  /** The role it has (`Promoted`). */
  role: z.string().optional(),
  /** The role it will have. */
  nextRole: z.string().optional(),
  /** For `fence`: `reboot`, `off` or `on`. */
  fenceAction: z.string().optional(),
  /** Why, as the scheduler says (`node availability`). */
  reason: z.string().optional(),
  /** It cannot happen (something it needs cannot run). */
  blocked: z.boolean(),
});
/** One line of the transition summary (see `summaryActionSchema`). */
export type SummaryAction = z.infer<typeof summaryActionSchema>;

/** One action the transition runs, in the order the simulation ran it. */
export const simulatedActionSchema = z.discriminatedUnion('kind', [
  z.object({
    /** An operation of a resource. */
    kind: z.literal('resource'),
    /** `start`, `stop`, `promote`, `demote`, `migrate_to`, `migrate_from`, `monitor`, `notify` … */
    action: z.string(),
    /** The primitive (clone instances by the primitive's id). */
    resource: z.string(),
    /** Where it runs. */
    node: z.string(),
    /** A recurring monitor's interval, ms. */
    intervalMs: z.number().optional(),
  }),
  z.object({
    /** Fencing a node. */
    kind: z.literal('fence'),
    /** `reboot`, `off` or `on`. */
    action: z.string(),
    /** The node fenced. */
    node: z.string(),
  }),
  z.object({
    /** An action of the cluster on a node (`do_shutdown`, `clear_failcount`). */
    kind: z.literal('cluster'),
    /** Its task. */
    action: z.string(),
    /** The node. */
    node: z.string(),
    /** The resource it concerns, when any. */
    resource: z.string().optional(),
  }),
]);
/** One action of a transition (see `simulatedActionSchema`). */
export type SimulatedAction = z.infer<typeof simulatedActionSchema>;

/** An allocation score: how much the scheduler wants `resource` on `node` at one step. */
export const allocationScoreSchema = z.object({
  /** The resource or instance (`DB:0`). */
  resource: z.string(),
  /** The node. */
  node: z.string(),
  /** The score; `INFINITY` is 1000000, as Pacemaker counts it. */
  score: z.number(),
  /** The scheduler step that computed it (`pcmk__primitive_assign`). */
  step: z.string(),
});
/** An allocation score (see `allocationScoreSchema`). */
export type AllocationScore = z.infer<typeof allocationScoreSchema>;

/** What one `crm_simulate --simulate` run reports. */
export const simulationSchema = z.object({
  /** The `pacemaker-result` API version. */
  apiVersion: z.string(),
  /** The state it started from. */
  before: simulatedStateSchema,
  /** The state after the transition; absent when it only planned (`--run`). */
  after: simulatedStateSchema.optional(),
  /** The transition summary. */
  summary: z.array(summaryActionSchema),
  /** The actions run, in order. */
  actions: z.array(simulatedActionSchema),
  /** Allocation scores (with `--show-scores`). */
  scores: z.array(allocationScoreSchema),
  /** Promotion scores of promotable clone instances (with `--show-scores`). */
  promotionScores: z.array(
    z.object({
      /** The instance (`DB:0`). */
      resource: z.string(),
      /** Its promotion score. */
      score: z.number(),
      /** The node the instance is on. */
      node: z.string().optional(),
    }),
  ),
});
/** One crm_simulate run, typed (see `simulationSchema`). */
export type Simulation = z.infer<typeof simulationSchema>;

/** Where a resource's instances are, and in which role. */
export const placementSchema = z.object({
  /** The node. */
  node: z.string(),
  /** Its role there. */
  role: roleSchema,
});
/** One instance's place (see `placementSchema`). */
export type Placement = z.infer<typeof placementSchema>;

/** One primitive (clone instances together) before and after the plan. */
export interface PlannedResource {
  /** The primitive's id. */
  resource: string;
  /** The top-level resource it belongs to (its group, clone or bundle, or itself). */
  top: string;
  /** Enclosing group, clone and bundle ids, outermost first. */
  parents: string[];
  /** Where its active instances are now, sorted by node. */
  before: Placement[];
  /** Where they will be, sorted by node. */
  after: Placement[];
  /** Nodes where an instance stops and starts again in place (a restart or a recovery). */
  restartedOn: string[];
  /** Nodes where an instance stops and no instance starts elsewhere in its stead. */
  stoppedOn: string[];
  /** It ran before and no instance of it will run after: a loss of service. */
  lost: boolean;
}

/** What a change would do, computed by Pacemaker's own scheduler on a copy of the CIB. */
export interface Plan {
  /** The changes planned. */
  changes: ClusterChange[];
  /** Every primitive, before and after. */
  resources: PlannedResource[];
  /** Every node's state before and after (online, standby, maintenance). */
  nodes: {
    /** The node. */
    name: string;
    /** Its state now. */
    before: NodeCondition;
    /** Its state after. */
    after: NodeCondition;
  }[];
  /** The actions, in the order the scheduler runs them (across phases, see `phases`). */
  actions: SimulatedAction[];
  /** The transition summary of each phase, as the scheduler states it. */
  summary: SummaryAction[];
  /** The primitives that run now and will not run at all after. */
  lossOfService: string[];
  /** Primitives restarted in place (stopped and started again on the same node). */
  restarted: string[];
  /** Nodes the cluster would fence. */
  fenced: string[];
  /** Actions the scheduler wants but cannot run (something they need cannot run). */
  blocked: SummaryAction[];
  /** Allocation scores of the first phase, when asked for (`scores: true`). */
  scores?: AllocationScore[];
  /**
   * The scheduler runs this many times: a restart is a stop then a start, and a move that does
   * not keep its constraint is planned with it, then without it.
   */
  phases: number;
  /** The simulations themselves, one per phase. */
  simulations: Simulation[];
}

/** A node's state in a plan. */
export interface NodeCondition {
  /** A member of the cluster. */
  online: boolean;
  /** In standby. */
  standby: boolean;
  /** In maintenance. */
  maintenance: boolean;
}
