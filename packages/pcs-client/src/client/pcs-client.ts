import { setTimeout as sleep } from 'node:timers/promises';
import { CommandError, defaultRunner, HaError, UnsafeArgumentError, type CommandResult, type Runner } from '@ha/core';
import { isPacemakerUnavailable, PcsCommandError } from '../errors.js';
import { parseConstraints, type Constraint } from '../status/constraints.js';
import type { ClusterStatus } from '../status/model.js';
import { readClusterStatus, type StatusSource } from '../status/read.js';
import { fencingFindings, listInstances, resourceLocations } from '../status/views.js';
import type { ApplySpecOptions, SpecApplyReport } from '../spec/apply.js';
import type { SpecChange } from '../spec/diff.js';
import type { SpecEdit, SpecValueChanges } from '../spec/edits.js';
import type { ClusterSpec, SpecConstraint, SpecOperation } from '../spec/model.js';
import { AgentParameterError } from '../agents/errors.js';
import { formatAgentName } from '../agents/name.js';
import type { FenceDeviceSpec } from '../fencing/args.js';
import type {
  FenceAgentMetadata,
  FenceDevice,
  FenceLevel,
  FenceLevelFinding,
  FenceLevelTarget,
  FencingTargets,
} from '../fencing/model.js';
import * as fencing from '../fencing/operations.js';
import type { ClusterChange, Plan } from '../plan/model.js';
import { planChanges, type PlanOptions } from '../plan/plan.js';
import { transitionHistory, type Transition, type TransitionHistoryOptions } from '../plan/history.js';
import { runVerify, type VerifyReport, type VerifySource } from '../plan/verify.js';
import type { FenceOptions } from '../fencing/operations.js';
import type { FenceEvent } from '../status/model.js';
import {
  assertId,
  assertNodeName,
  clusterSetupArgs,
  dialectOf,
  optionWords,
  resourceCreateArgs,
  scoreWord,
  waitFlag,
  type ClusterSetupSpec,
  type OptionValue,
  type PcsDialect,
  type ResourceSpec,
} from './args.js';

// The cluster-as-code code (spec, YAML, agents' metadata) is loaded when first used: a client, or a CLI
// command, that never touches a spec does not compile it at start (the CLI's bundle puts it in a chunk).
const specModule = () => import('../spec/apply.js');
const editsModule = () => import('../spec/edits.js');
const agentsModule = async () => {
  const [read, check] = await Promise.all([import('../agents/read.js'), import('../agents/check.js')]);
  return { readAgentMetadata: read.readAgentMetadata, checkAgentParameters: check.checkAgentParameters };
};

/** Options of a `PcsClient`. */
export interface PcsClientOptions {
  /** Runs pcs and the Pacemaker tools (default: this machine). */
  runner?: Runner;
  /** Deadline of each command, ms (default 120 s: some pcs commands wait for the cluster). */
  timeoutMs?: number;
  /** The pcs version, when known: skips asking `pcs --version`. */
  pcsVersion?: string;
}

/** The versions this client talks to. */
export interface ToolVersions {
  /** `pcs --version` (`0.11.5`). */
  pcs: string;
  /** Pacemaker's version from `pacemakerd --version` (`2.1.5`), or `unknown`. */
  pacemaker: string;
}

/** Which nodes a cluster command is for: every node (needs pcsd), some by name, or this one. */
export type NodeTarget =
  | {
      /** Every node of the cluster (`--all`). */
      all: true;
    }
  | {
      /** These nodes, by name. */
      nodes: readonly string[];
    }
  | 'local';

/** Options for commands that can wait for the cluster to settle (`--wait`). */
export interface WaitOption {
  /** Wait up to this many seconds for the change to take effect. */
  waitSeconds?: number;
}

/** Options of `createResource`. */
export interface CreateResourceOptions extends WaitOption {
  /** Do not check the options against the agent's metadata (for an agent whose metadata does not tell the truth). */
  skipAgentCheck?: boolean;
}

/** Options of the typed edits (`edit`, `addOperation` …): those of `applySpec`, an edit being made to a fresh read. */
export type EditOptions = Omit<ApplySpecOptions, 'runner' | 'force'>;

/** Options of `waitFor`. */
export interface WaitForOptions {
  /** Give up after this long, ms (default 60 s): a `TIMEOUT` error naming `description`. */
  timeoutMs?: number;
  /** Between two status reads (default 250 ms; crm_mon costs about 20 ms). */
  intervalMs?: number;
  /**
   * The predicate must hold this long before it counts (default 0). After a
   * node rejoins, crm_mon can show a resource on two nodes for a moment.
   */
  stableMs?: number;
  /** Named in the timeout error. */
  description?: string;
  /** Where each status is read from (default: crm_mon on the runner's node). */
  source?: StatusSource;
}

/**
 * A typed client of pcs and Pacemaker's tools over an injectable runner.
 * Arguments always go as arrays, and ids are checked before anything runs.
 *
 * Needs pcsd: `authHosts`, `setupCluster` (unless `corosyncConfFile`), and
 * `startCluster`/`stopCluster`/`enableCluster` for `{ all: true }` or other
 * nodes. Everything else talks to the local node's Pacemaker directly.
 */
export class PcsClient {
  /** Runs every command of this client. */
  readonly runner: Runner;
  private readonly timeoutMs: number;
  private version: Promise<string> | undefined;

  constructor(options: PcsClientOptions = {}) {
    this.runner = options.runner ?? defaultRunner;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    if (options.pcsVersion !== undefined) this.version = Promise.resolve(options.pcsVersion);
  }

  /** The pcs and Pacemaker versions on the node the runner reaches. */
  async versions(): Promise<ToolVersions> {
    const [pcs, pacemaker] = await Promise.all([
      this.pcsVersion(),
      this.runner.run('pacemakerd', ['--version'], { timeoutMs: 10_000 }),
    ]);
    return { pcs, pacemaker: /Pacemaker ([0-9][^\s]*)/.exec(pacemaker.stdout)?.[1] ?? 'unknown' };
  }

  /** The cluster's status (crm_mon directly by default). */
  async status(source: StatusSource = { kind: 'live' }): Promise<ClusterStatus> {
    return readClusterStatus({ source, runner: this.runner });
  }

  /** The CIB's constraints, typed. */
  async constraints(): Promise<Constraint[]> {
    const { stdout } = await this.runner.run('cibadmin', ['--query', '--scope', 'constraints'], {
      timeoutMs: this.timeoutMs,
    });
    return parseConstraints(stdout, { file: 'cibadmin --query --scope constraints' });
  }

  // The cluster.

  /**
   * `pcs host auth`: lets pcsd on these nodes talk to each other (needs pcsd
   * running on each). The password goes as an argument, as pcs takes it.
   */
  async authHosts(
    nodes: readonly { name: string; address?: string }[],
    credentials: { username: string; password: string },
  ): Promise<void> {
    const args = ['host', 'auth'];
    for (const node of nodes) args.push(assertNodeName(node.name), ...optionWords({ addr: node.address }));
    await this.pcs([...args, '-u', credentials.username, '-p', credentials.password]);
  }

  /**
   * `pcs cluster setup`. Through pcsd it writes and distributes corosync.conf
   * and keys to every node (`authHosts` first); with `corosyncConfFile` it
   * only writes that file and contacts nobody (start the daemons yourself, or
   * write the file with @ha/corosync-config).
   */
  async setupCluster(spec: ClusterSetupSpec): Promise<void> {
    await this.pcs(clusterSetupArgs(spec), { timeoutMs: Math.max(this.timeoutMs, 300_000) });
  }

  /** `pcs cluster start`: corosync and pacemaker on the target nodes; `waitSeconds` waits for them to be up. */
  async startCluster(target: NodeTarget = 'local', options: WaitOption = {}): Promise<void> {
    await this.pcs(['cluster', 'start', ...targetWords(target), ...waitWords(options)], {
      timeoutMs: Math.max(this.timeoutMs, ((options.waitSeconds ?? 0) + 60) * 1000),
    });
  }

  /** `pcs cluster stop`: pacemaker, then corosync, on the target nodes (their resources move or stop first). */
  async stopCluster(target: NodeTarget = 'local'): Promise<void> {
    await this.pcs(['cluster', 'stop', ...targetWords(target)]);
  }

  /** Start the cluster at boot (pcs runs `systemctl enable corosync pacemaker`). */
  async enableCluster(target: NodeTarget = 'local'): Promise<void> {
    await this.pcs(['cluster', 'enable', ...targetWords(target)]);
  }

  /** Do not start the cluster at boot. */
  async disableCluster(target: NodeTarget = 'local'): Promise<void> {
    await this.pcs(['cluster', 'disable', ...targetWords(target)]);
  }

  // Nodes.

  /** Put nodes in standby: their resources move away. */
  async standby(node: string | { all: true }, options: WaitOption = {}): Promise<void> {
    await this.pcs(['node', 'standby', ...nodeWords(node), ...waitWords(options)], {
      timeoutMs: this.waitTimeout(options),
    });
  }

  /** Takes nodes out of standby: they may run resources again. */
  async unstandby(node: string | { all: true }, options: WaitOption = {}): Promise<void> {
    await this.pcs(['node', 'unstandby', ...nodeWords(node), ...waitWords(options)], {
      timeoutMs: this.waitTimeout(options),
    });
  }

  /** Node maintenance: Pacemaker stops managing the node's resources (they keep running). */
  async maintenance(node: string | { all: true }): Promise<void> {
    await this.pcs(['node', 'maintenance', ...nodeWords(node)]);
  }

  /** Ends node maintenance: Pacemaker manages the node's resources again. */
  async unmaintenance(node: string | { all: true }): Promise<void> {
    await this.pcs(['node', 'unmaintenance', ...nodeWords(node)]);
  }

  // Cluster properties.

  /** `pcs property set NAME=VALUE`: a cluster option (`maintenance-mode`, `stonith-enabled` …). */
  async setProperty(name: string, value: OptionValue): Promise<void> {
    await this.pcs(['property', 'set', ...optionWords({ [name]: value })]);
  }

  /** `pcs property unset NAME`: back to its default. */
  async unsetProperty(name: string): Promise<void> {
    optionWords({ [name]: '' });
    await this.pcs(['property', 'unset', name]);
  }

  // Resources.

  /**
   * `pcs resource create`: any agent, options, operations, meta, clone/promotable or group.
   * Before pcs runs, the agent's metadata is read where the runner runs (`crm_resource
   * --show-metadata`) and the options checked against it: an agent not installed is an
   * `AgentNotFoundError`, an unknown, missing or mistyped option an `AgentParameterError`
   * (with every finding; `skipAgentCheck` for an agent whose metadata is wrong).
   */
  async createResource(spec: ResourceSpec, options: CreateResourceOptions = {}): Promise<void> {
    const args = resourceCreateArgs(spec, options);
    if (!options.skipAgentCheck) {
      const { readAgentMetadata, checkAgentParameters } = await agentsModule();
      const metadata = await readAgentMetadata(spec.agent, { runner: this.runner, timeoutMs: this.timeoutMs });
      const findings = checkAgentParameters(metadata, spec.options ?? {}, { path: 'options' });
      if (findings.some((finding) => finding.severity === 'error'))
        throw new AgentParameterError(formatAgentName(metadata.agent), findings);
    }
    await this.pcs(args, { timeoutMs: this.waitTimeout(options) });
  }

  /** `pcs stonith create`: a fence device. */
  async createStonith(spec: Omit<ResourceSpec, 'clone' | 'promotable'>, options: WaitOption = {}): Promise<void> {
    await this.pcs(resourceCreateArgs(spec, { stonith: true, ...options }), { timeoutMs: this.waitTimeout(options) });
  }

  /**
   * `pcs stonith delete`: stops a fence device and removes it from the CIB. (pcs 0.12
   * refuses `resource delete` of a fence device; this works on 0.10 to 0.12.)
   * The same as `deleteFenceDevice`, which also refuses an id that does not exist.
   */
  async deleteStonith(id: string): Promise<void> {
    await this.deleteFenceDevice(id);
  }

  // Fencing.

  /** The installed fence agents (`stonith_admin --list-installed`): `fence_ipmilan`, `fence_ha_lab` … */
  async fenceAgents(): Promise<string[]> {
    return fencing.fenceAgents(this.fencingContext());
  }

  /**
   * A fence agent's metadata, typed: its parameters (type, required, default,
   * description, choices, deprecated) and actions. An agent that is not
   * installed is a `FencingNotFoundError` (kind `agent`).
   */
  async fenceAgentMetadata(agent: string): Promise<FenceAgentMetadata> {
    return fencing.fenceAgentMetadata(this.fencingContext(), agent);
  }

  /** The fence devices of the CIB: id, agent, options (host map, host list and delays parsed), disabled. */
  async fenceDevices(): Promise<FenceDevice[]> {
    return fencing.fenceDevices(this.fencingContext());
  }

  /**
   * Creates a fence device (`pcs stonith create`) with its host map, host
   * list, delays and levels. Before pcs runs: the id is checked, the agent must
   * be installed, each option one its metadata (or the fencer) lists, each
   * required one given (`FenceOptionError`, with a close name suggested), and
   * every node named a cluster node (`FencingNotFoundError`).
   *
   * @example
   * await client.createFenceDevice({
   *   id: 'lab-fence',
   *   agent: 'fence_ha_lab',
   *   hostMap: { node1: 'node1', node2: 'node2', node3: 'node3' },
   *   delay: { max: '5s' },
   * });
   */
  async createFenceDevice(spec: FenceDeviceSpec): Promise<void> {
    await fencing.createFenceDevice(this.fencingContext(), spec);
  }

  /** Changes a fence device's options (`pcs stonith update`; an empty value removes one); an unknown id or option is refused first. */
  async updateFenceDevice(id: string, options: Record<string, OptionValue>): Promise<void> {
    await fencing.updateFenceDevice(this.fencingContext(), id, options);
  }

  /** `pcs stonith delete`: removes a fence device (an id that does not exist is a `FencingNotFoundError`). */
  async deleteFenceDevice(id: string): Promise<void> {
    await fencing.deleteFenceDevice(this.fencingContext(), id);
  }

  /** `pcs stonith enable`: Pacemaker may use the device again. */
  async enableFenceDevice(id: string, options: WaitOption = {}): Promise<void> {
    await fencing.setFenceDeviceEnabled(this.fencingContext(), id, true, options.waitSeconds);
  }

  /** `pcs stonith disable`: Pacemaker stops the device and does not use it to fence. */
  async disableFenceDevice(id: string, options: WaitOption = {}): Promise<void> {
    await fencing.setFenceDeviceEnabled(this.fencingContext(), id, false, options.waitSeconds);
  }

  /**
   * Fences a node now (`reboot` by default, or `off`, or `on`) through
   * Pacemaker's fencer, waits until it has recorded the result, and returns
   * that history entry. An unknown node is refused first; a failed fencing
   * is a `FencingFailedError` carrying the entry and its reason. With
   * `wait: false` it returns the pending entry as soon as the fencer has it.
   */
  async fence(node: string, options: FenceOptions = {}): Promise<FenceEvent> {
    return fencing.fence(this.fencingContext(), node, options);
  }

  /**
   * pcs's manual confirm (`pcs stonith confirm NODE`): tells the cluster the
   * node is safely off, so it recovers what ran there without fencing it.
   * Refused (`UsageError`) unless `{ nodeIsDown: true }`: a node confirmed down
   * that is not can corrupt data. The node must be one of the cluster's.
   */
  async confirmNodeDown(node: string, options: { nodeIsDown?: boolean } = {}): Promise<void> {
    await fencing.confirmNodeDown(this.fencingContext(), node, options);
  }

  /** The fencing levels (topology) of the CIB: index, target (node, pattern or attribute) and devices. */
  async fenceLevels(): Promise<FenceLevel[]> {
    return fencing.fenceLevels(this.fencingContext());
  }

  /** `pcs stonith level add`: devices must be fence devices of the CIB and a node target a cluster node (checked first). */
  async addFenceLevel(level: number, target: FenceLevelTarget | string, devices: readonly string[]): Promise<void> {
    await fencing.addFenceLevel(this.fencingContext(), level, target, devices);
  }

  /** `pcs stonith level remove`: the level (of that target, with those devices), which must exist. */
  async removeFenceLevel(
    level: number,
    target?: FenceLevelTarget | string,
    devices?: readonly string[],
  ): Promise<void> {
    await fencing.removeFenceLevel(this.fencingContext(), level, target, devices);
  }

  /** `pcs stonith level verify`: the levels naming a device or node that does not exist; empty when all is well. */
  async verifyFenceLevels(): Promise<FenceLevelFinding[]> {
    return fencing.verifyFenceLevels(this.fencingContext());
  }

  /** The fencing history, newest first, of one node or all (`stonith_admin --history`), pending actions included. */
  async fenceHistory(node?: string): Promise<FenceEvent[]> {
    return fencing.fenceHistory(this.fencingContext(), node);
  }

  /** Forgets the fencing history of one node, or all (`stonith_admin --history NODE --cleanup`). */
  async cleanupFenceHistory(node?: string): Promise<void> {
    await fencing.cleanupFenceHistory(this.fencingContext(), node);
  }

  /**
   * Which devices can fence each node, for `evaluateHealth(status, { fencing })`: `stonith_admin --list
   * NODE` per node, or with `devices`, `stonith_admin --list-targets DEVICE` per device.
   */
  async fencingTargets(
    nodes?: readonly string[],
    devices?: readonly string[],
    known?: ReadonlyMap<string, readonly string[]>,
  ): Promise<FencingTargets> {
    return fencing.fencingTargets(this.fencingContext(), nodes, devices, known);
  }

  /**
   * Whom each device registered with this node's fencer can fence (`stonith_admin --list-registered`,
   * then `--list-targets` of each): needs no status, so it can be asked beside `status()` and passed to
   * `fencingTargets` as `known`.
   */
  async registeredFencingReach(): Promise<Map<string, string[]>> {
    return fencing.registeredFencingReach(this.fencingContext());
  }

  /** `pcs resource delete`: stops the resource and removes it (and its constraints) from the CIB. */
  async deleteResource(id: string): Promise<void> {
    await this.pcs(['resource', 'delete', assertId(id, 'resource id')]);
  }

  /** `pcs resource enable`: lets it run (clears target-role Stopped). */
  async enableResource(id: string, options: WaitOption = {}): Promise<void> {
    await this.pcs(['resource', 'enable', assertId(id, 'resource id'), ...waitWords(options)], {
      timeoutMs: this.waitTimeout(options),
    });
  }

  /** `pcs resource disable`: stops it and keeps it stopped (target-role Stopped). */
  async disableResource(id: string, options: WaitOption = {}): Promise<void> {
    await this.pcs(['resource', 'disable', assertId(id, 'resource id'), ...waitWords(options)], {
      timeoutMs: this.waitTimeout(options),
    });
  }

  /**
   * Moves a resource (to `node`, or just off its current node). The same on
   * every pcs: by default the temporary constraint is removed once it has
   * moved (pcs 0.11's `move`, 0.10's `move --autodelete`); `keepConstraint`
   * leaves it (0.11's `move-with-constraint`, 0.10's `move`) until `clearResource`.
   */
  async moveResource(
    id: string,
    node?: string,
    options: WaitOption & { keepConstraint?: boolean; promoted?: boolean } = {},
  ): Promise<void> {
    const dialect = await this.dialect();
    const target = [
      assertId(id, 'resource id'),
      ...optional(node, assertNodeName),
      ...promotedWords(dialect, options.promoted),
    ];
    const wait = { timeoutMs: this.waitTimeout(options) };
    if (options.keepConstraint) {
      await this.pcs(
        ['resource', dialect.modern ? 'move-with-constraint' : 'move', ...target, ...waitWords(options)],
        wait,
      );
    } else if (dialect.modern) {
      await this.pcs(['resource', 'move', ...target, ...waitWords(options)], wait);
    } else if (dialect.autodelete) {
      await this.pcs(['resource', 'move', ...target, '--autodelete', ...waitWords(options)], wait);
    } else {
      // pcs before 0.10.9: move with a constraint, wait for the move, then clear it.
      const waitSeconds = options.waitSeconds ?? 60;
      await this.pcs(['resource', 'move', ...target, waitFlag(waitSeconds)], {
        timeoutMs: this.waitTimeout({ waitSeconds }),
      });
      await this.clearResource(id, node);
    }
  }

  /** Keeps a resource off a node (its current one when none is given) with a -INFINITY constraint. */
  async banResource(id: string, node?: string, options: { promoted?: boolean; lifetime?: string } = {}): Promise<void> {
    const dialect = await this.dialect();
    if (options.lifetime !== undefined && !/^P[0-9A-Z]+$/.test(options.lifetime))
      throw new UnsafeArgumentError(
        `lifetime '${options.lifetime}' is not an ISO 8601 duration (e.g. PT1H)`,
        options.lifetime,
      );
    await this.pcs([
      'resource',
      'ban',
      assertId(id, 'resource id'),
      ...optional(node, assertNodeName),
      ...promotedWords(dialect, options.promoted),
      ...optionWords({ lifetime: options.lifetime }),
    ]);
  }

  /** Removes the constraints `move` and `ban` left (on one node, or all). */
  async clearResource(id: string, node?: string): Promise<void> {
    await this.pcs(['resource', 'clear', assertId(id, 'resource id'), ...optional(node, assertNodeName)]);
  }

  /** Forgets failures (of one resource, or all; on one node, or all) so Pacemaker tries again. */
  async cleanupResource(id?: string, options: { node?: string } = {}): Promise<void> {
    const resource = optional(id, (value) => assertId(value, 'resource id'));
    await this.pcs([
      'resource',
      'cleanup',
      ...resource,
      ...optional(options.node, (node) => `node=${assertNodeName(node)}`),
    ]);
  }

  /** `pcs resource restart`: stops and starts it (on `node` only, when given). */
  async restartResource(id: string, options: WaitOption & { node?: string } = {}): Promise<void> {
    await this.pcs(
      [
        'resource',
        'restart',
        assertId(id, 'resource id'),
        ...optional(options.node, assertNodeName),
        ...waitWords(options),
      ],
      { timeoutMs: this.waitTimeout(options) },
    );
  }

  // Constraints.

  /** `resource` runs where `with` runs (score INFINITY unless given). */
  async addColocation(spec: {
    resource: string;
    with: string;
    score?: number | 'INFINITY' | '-INFINITY';
    role?: 'Promoted' | 'Unpromoted' | 'Started';
    withRole?: 'Promoted' | 'Unpromoted' | 'Started';
  }): Promise<void> {
    const dialect = await this.dialect();
    const role = (value: string | undefined) =>
      optional(value, (name) => (dialect.modern ? name : (legacyRoles[name] ?? name.toLowerCase())));
    const score = scoreWord(spec.score);
    await this.pcs([
      'constraint',
      'colocation',
      'add',
      ...role(spec.role),
      assertId(spec.resource, 'resource id'),
      'with',
      ...role(spec.withRole),
      assertId(spec.with, 'resource id'),
      ...optional(score),
    ]);
  }

  /** `first` before `then` (start by default); kind Mandatory (default), Optional or Serialize. */
  async addOrder(spec: {
    first: string;
    then: string;
    firstAction?: 'start' | 'stop' | 'promote' | 'demote';
    thenAction?: 'start' | 'stop' | 'promote' | 'demote';
    kind?: 'Mandatory' | 'Optional' | 'Serialize';
    symmetrical?: boolean;
  }): Promise<void> {
    const first = [...optional(spec.firstAction), assertId(spec.first, 'resource id')];
    const then = [...optional(spec.thenAction), assertId(spec.then, 'resource id')];
    await this.pcs([
      'constraint',
      'order',
      ...first,
      'then',
      ...then,
      ...optionWords({ kind: spec.kind, symmetrical: spec.symmetrical }),
    ]);
  }

  /** `resource prefers node=score` (or `avoids`; INFINITY unless given). */
  async addLocation(spec: {
    resource: string;
    node: string;
    relation: 'prefers' | 'avoids';
    score?: number | 'INFINITY';
  }): Promise<void> {
    const score = scoreWord(spec.score);
    await this.pcs([
      'constraint',
      'location',
      assertId(spec.resource, 'resource id'),
      spec.relation,
      `${assertNodeName(spec.node)}${score === undefined ? '' : `=${score}`}`,
    ]);
  }

  /** `pcs constraint remove ID`. */
  async removeConstraint(id: string): Promise<void> {
    await this.pcs(['constraint', 'remove', assertId(id, 'constraint id')]);
  }

  // Alerts: how Pacemaker pushes events to an agent program (the monitor registers its own).

  /** `pcs alert create`: Pacemaker runs the program at `path` (absolute) for every cluster event. */
  async createAlert(spec: {
    id: string;
    path: string;
    description?: string;
    options?: Record<string, OptionValue>;
    meta?: Record<string, OptionValue>;
  }): Promise<void> {
    if (!spec.path.startsWith('/'))
      throw new UnsafeArgumentError(`alert path '${spec.path}' must be absolute`, spec.path);
    await this.pcs([
      'alert',
      'create',
      ...optionWords({ path: spec.path, id: assertId(spec.id, 'alert id'), description: spec.description }),
      ...sectionWords('options', spec.options),
      ...sectionWords('meta', spec.meta),
    ]);
  }

  /** `pcs alert recipient add`: a value handed to the alert's agent (`CRM_alert_recipient`: a socket, an address). */
  async addAlertRecipient(spec: {
    alert: string;
    value: string;
    id?: string;
    options?: Record<string, OptionValue>;
    meta?: Record<string, OptionValue>;
  }): Promise<void> {
    await this.pcs([
      'alert',
      'recipient',
      'add',
      assertId(spec.alert, 'alert id'),
      ...optionWords({ value: spec.value }),
      ...optional(spec.id, (id) => `id=${assertId(id, 'recipient id')}`),
      ...sectionWords('options', spec.options),
      ...sectionWords('meta', spec.meta),
    ]);
  }

  /** `pcs alert remove ID`, with its recipients. */
  async removeAlert(id: string): Promise<void> {
    await this.pcs(['alert', 'remove', assertId(id, 'alert id')]);
  }

  // Plans: what a change would do, before it is made.

  /**
   * What `changes` would do, by Pacemaker's own scheduler on a copy of the CIB
   * (see `planChanges`): every resource before and after, the actions in
   * order, what restarts, what would lose service. Never changes the cluster.
   *
   * @example
   * const plan = await client.plan({ kind: 'standby', node: 'node1' });
   * if (plan.lossOfService.length > 0) throw new Error(`standby would stop ${plan.lossOfService.join(', ')}`);
   */
  async plan(
    changes: ClusterChange | readonly ClusterChange[],
    options: Omit<PlanOptions, 'runner'> = {},
  ): Promise<Plan> {
    return planChanges(changes, { timeoutMs: this.timeoutMs, ...options, runner: this.runner });
  }

  /**
   * The real `crm_verify` on the live CIB (or a saved one, or one in memory), as typed findings:
   * severity, message, the ids each names, how often it was said. Warnings alone leave it valid.
   */
  async verify(source: VerifySource = { kind: 'live' }, options: { maxBytes?: number } = {}): Promise<VerifyReport> {
    return runVerify(this.runner, source, { timeoutMs: this.timeoutMs, ...options });
  }

  /**
   * The last transitions the DC computed, newest first, from its saved scheduler inputs: when,
   * what triggered each, the actions it ran ("why did WebServer move at 03:12?"). The runner must
   * reach the DC: only the DC saves its inputs.
   */
  async transitions(options: Omit<TransitionHistoryOptions, 'runner'> = {}): Promise<Transition[]> {
    return transitionHistory({ timeoutMs: this.timeoutMs, ...options, runner: this.runner });
  }

  // The cluster as code.

  /** The live configuration as a spec (`cibadmin --query`): what `applySpec` takes, YAML or JSON once written. */
  async exportSpec(): Promise<ClusterSpec> {
    return (await specModule()).exportSpec({ runner: this.runner, timeoutMs: this.timeoutMs });
  }

  /** The minimal changes from the live configuration to `spec`, by id (empty: the cluster already is the spec). */
  async diffSpec(spec: unknown): Promise<SpecChange[]> {
    return (await specModule()).diffSpec(spec, { runner: this.runner, timeoutMs: this.timeoutMs });
  }

  /**
   * Small typed changes of the configuration, as one: the live spec is exported, the edits made to it
   * (`applyEdits`; an id it lacks is a `SpecEditError` naming a close one), and the result applied as
   * `applySpec` applies any spec: checked, verified, planned (refused when it loses service unless
   * allowed), pushed in one guarded update. `dryRun` shows the changes and the plan only.
   *
   * @example
   * await cluster.edit([
   *   { kind: 'update-resource', id: 'WebServer', params: { cmdline_options: '8080' } },
   *   { kind: 'add-operation', id: 'WebServer', operation: { name: 'monitor', interval: '30s', timeout: '20s' } },
   *   { kind: 'node-attributes', node: 'node2', values: { rack: 'r2' } },
   * ]);
   */
  async edit(
    edits: SpecEdit | readonly SpecEdit[],
    options: EditOptions & { wait?: boolean; waitTimeoutMs?: number } = {},
  ): Promise<SpecApplyReport & { status?: ClusterStatus }> {
    const { applyEdits } = await editsModule();
    const spec = applyEdits(await this.exportSpec(), Array.isArray(edits) ? edits : [edits as SpecEdit]);
    return this.applySpec(spec, options);
  }

  /** A resource's params, meta or utilization (`null` removes one); see `edit`. */
  async updateResource(
    id: string,
    changes: { params?: SpecValueChanges; meta?: SpecValueChanges; utilization?: SpecValueChanges },
    options: EditOptions = {},
  ): Promise<SpecApplyReport> {
    return this.edit({ kind: 'update-resource', id, ...changes }, options);
  }

  /** Pacemaker takes `id` back under its control (`is-managed` removed); see `edit`. */
  async manageResource(id: string, options: EditOptions = {}): Promise<SpecApplyReport> {
    return this.edit({ kind: 'manage', id }, options);
  }

  /** Pacemaker leaves `id` alone (`is-managed=false`): it neither starts, stops nor recovers it; see `edit`. */
  async unmanageResource(id: string, options: EditOptions = {}): Promise<SpecApplyReport> {
    return this.edit({ kind: 'unmanage', id }, options);
  }

  /** An operation added to primitive `id` (one of the same action, interval and role is replaced); see `edit`. */
  async addOperation(id: string, operation: SpecOperation, options: EditOptions = {}): Promise<SpecApplyReport> {
    return this.edit({ kind: 'add-operation', id, operation }, options);
  }

  /** The operation of primitive `id` with this action and interval (and role) removed; see `edit`. */
  async removeOperation(
    id: string,
    operation: { name: string; interval: string; role?: string },
    options: EditOptions = {},
  ): Promise<SpecApplyReport> {
    return this.edit({ kind: 'remove-operation', id, ...operation }, options);
  }

  /** Resource defaults (`rsc_defaults`) or operation defaults (`op_defaults`); `null` removes one; see `edit`. */
  async setDefaults(
    of: 'resources' | 'operations',
    values: SpecValueChanges,
    options: EditOptions = {},
  ): Promise<SpecApplyReport> {
    return this.edit({ kind: 'set-defaults', of, values }, options);
  }

  /** Primitives moved into `group` (made when missing), at its end or `before` a member; see `edit`. */
  async addToGroup(
    group: string,
    members: readonly string[],
    options: EditOptions & { before?: string } = {},
  ): Promise<SpecApplyReport> {
    const { before, ...rest } = options;
    return this.edit(
      { kind: 'group-add', group, members: [...members], ...(before === undefined ? {} : { before }) },
      rest,
    );
  }

  /** Members taken out of `group` to top level (a group left empty goes, as with pcs); see `edit`. */
  async removeFromGroup(
    group: string,
    members: readonly string[],
    options: EditOptions = {},
  ): Promise<SpecApplyReport> {
    return this.edit({ kind: 'group-remove', group, members: [...members] }, options);
  }

  /** A top-level primitive or group cloned (`<id>-clone` unless `cloneId`), promotable or not; see `edit`. */
  async cloneResource(
    id: string,
    options: EditOptions & { promotable?: boolean; cloneId?: string; meta?: Record<string, string> } = {},
  ): Promise<SpecApplyReport> {
    const { promotable, cloneId, meta, ...rest } = options;
    return this.edit(
      {
        kind: 'clone',
        id,
        ...(promotable === undefined ? {} : { promotable }),
        ...(cloneId === undefined ? {} : { cloneId }),
        ...(meta === undefined ? {} : { meta }),
      },
      rest,
    );
  }

  /** A clone undone (`id` names the clone or what it clones): what it cloned goes back to top level; see `edit`. */
  async uncloneResource(id: string, options: EditOptions = {}): Promise<SpecApplyReport> {
    return this.edit({ kind: 'unclone', id }, options);
  }

  /**
   * A typed constraint added (one with its id replaced): location with scores or rules, colocation and
   * order with roles or sets, tickets; see `edit`. The pcs-made ones are `addLocation`, `addColocation`,
   * `addOrder`.
   */
  async addConstraint(constraint: SpecConstraint, options: EditOptions = {}): Promise<SpecApplyReport> {
    return this.edit({ kind: 'add-constraint', constraint }, options);
  }

  /** A node's permanent attributes (the ones location rules read); `null` removes one; see `edit`. */
  async setNodeAttributes(node: string, values: SpecValueChanges, options: EditOptions = {}): Promise<SpecApplyReport> {
    return this.edit({ kind: 'node-attributes', node, values }, options);
  }

  /** A node's utilization (capacity the placement strategy counts); `null` removes one; see `edit`. */
  async setNodeUtilization(
    node: string,
    values: SpecValueChanges,
    options: EditOptions = {},
  ): Promise<SpecApplyReport> {
    return this.edit({ kind: 'node-utilization', node, values }, options);
  }

  /** `pcs resource refresh`: Pacemaker forgets a resource's history (on one node or all) and probes it again. */
  async refreshResource(id: string, options: { node?: string } = {}): Promise<void> {
    await this.pcs([
      'resource',
      'refresh',
      assertId(id, 'resource id'),
      ...optional(options.node, (node) => `node=${assertNodeName(node)}`),
    ]);
  }

  /** `crm_ticket --grant` / `--revoke` for this site: the ticket that rsc_ticket constraints depend on. */
  async setTicket(ticket: string, granted: boolean): Promise<void> {
    await this.runner.run(
      'crm_ticket',
      ['--ticket', assertId(ticket, 'ticket'), granted ? '--grant' : '--revoke', '--force'],
      {
        timeoutMs: this.timeoutMs,
      },
    );
  }

  /**
   * Makes the live configuration `spec` in one guarded CIB update, after checking it (schema, agents'
   * parameters, crm_verify) and planning it (refused when it loses service unless allowed); with
   * `wait`, returns once the cluster has settled. See `applySpec` for every step.
   */
  async applySpec(
    spec: unknown,
    options: Omit<ApplySpecOptions, 'runner'> & { wait?: boolean; waitTimeoutMs?: number } = {},
  ): Promise<SpecApplyReport & { status?: ClusterStatus }> {
    const { wait, waitTimeoutMs, ...rest } = options;
    const { applySpec } = await specModule();
    const report = await applySpec(spec, { timeoutMs: this.timeoutMs, ...rest, runner: this.runner });
    if (!wait || report.outcome !== 'applied') return report;
    const status = await this.waitFor(isSettled, {
      timeoutMs: waitTimeoutMs ?? 120_000,
      stableMs: 1_000,
      description: 'the cluster to settle after the apply',
    });
    return { ...report, status };
  }

  // Failover.

  /**
   * Puts `node` in standby, waits until nothing runs on it and the cluster has
   * settled, and reports where each of its resources went. The seed's
   * `ha_manager failover`, typed. Refused first (`PRECONDITION_FAILED`) when
   * the cluster cannot fence `node`, unless `allowUnfenceable`.
   */
  async failover(node: string, options: FailoverOptions = {}): Promise<FailoverReport> {
    assertNodeName(node);
    const { timeoutMs = 120_000 } = options;
    const started = Date.now();
    const before = await this.status();
    if (!before.nodes.some((entry) => entry.name === node))
      throw new HaError(
        'NOT_FOUND',
        `no node '${node}' in the cluster (there are ${before.nodes.map((entry) => entry.name).join(', ')})`,
      );
    if (!options.allowUnfenceable) await this.assertCanFence(before, node);
    const wasHere = listInstances(before).filter((instance) => instance.active && instance.nodes.includes(node));
    // What the scheduler says will happen, asked first; a plan that cannot be made does not stop the failover.
    let planned: Plan | undefined;
    let planError: string | undefined;
    if (options.plan !== false) {
      try {
        planned = await this.plan({ kind: 'standby', node });
      } catch (error) {
        planError = (error as Error).message;
      }
    }
    await this.standby(node);
    const after = await this.waitFor(
      (status) =>
        isSettled(status) &&
        !listInstances(status).some((instance) => instance.active && instance.nodes.includes(node)),
      {
        timeoutMs: Math.max(1_000, timeoutMs - (Date.now() - started)),
        stableMs: 1_000,
        description: `the resources of ${node} to move away`,
      },
    );
    const locations = resourceLocations(after);
    const seen = new Set<string>();
    const moves: FailoverReport['moves'] = [];
    for (const instance of wasHere) {
      if (seen.has(instance.id)) continue;
      seen.add(instance.id);
      const now = (locations.get(instance.id) ?? []).map((entry) => entry.node);
      moves.push({
        resource: instance.id,
        top: instance.top,
        from: node,
        to: now,
        clone: instance.parents.some((parent) => isCloneOrBundle(after, parent)),
      });
    }
    return {
      node,
      moves,
      durationMs: Date.now() - started,
      status: after,
      ...(planned ? { plan: planned, differences: planDifferences(planned, after) } : {}),
      ...(planError === undefined ? {} : { planError }),
    };
  }

  /** Takes `node` out of standby and waits until it is online and the cluster has settled. */
  async online(node: string, options: { timeoutMs?: number } = {}): Promise<ClusterStatus> {
    const { timeoutMs = 120_000 } = options;
    await this.unstandby(node);
    return this.waitFor(
      (status) =>
        isSettled(status) && status.nodes.some((entry) => entry.name === node && entry.online && !entry.standby),
      {
        timeoutMs,
        stableMs: 500,
        description: `${node} to be online`,
      },
    );
  }

  // Waiting.

  /**
   * Polls the status until `predicate` holds (for `stableMs`), and returns
   * that status. While the cluster is briefly unreachable (a node rejoining)
   * it keeps polling. Use it instead of sleeps: "until WebServer runs on
   * another node", "until node2 is offline".
   */
  async waitFor(predicate: (status: ClusterStatus) => boolean, options: WaitForOptions = {}): Promise<ClusterStatus> {
    const {
      timeoutMs = 60_000,
      intervalMs = 250,
      stableMs = 0,
      description = 'the cluster state',
      source = { kind: 'live' },
    } = options;
    const deadline = Date.now() + timeoutMs;
    let heldSince: number | undefined;
    let lastProblem = 'no status read yet';
    for (;;) {
      let status: ClusterStatus | undefined;
      try {
        status = await this.status(source);
      } catch (error) {
        if (!isPacemakerUnavailable(error) && !(error instanceof CommandError && error.timedOut)) throw error;
        lastProblem = error.message;
      }
      if (status && predicate(status)) {
        heldSince ??= Date.now();
        if (Date.now() - heldSince >= stableMs) return status;
      } else {
        heldSince = undefined;
        if (status) lastProblem = 'the condition does not hold';
      }
      if (Date.now() >= deadline)
        throw new HaError('TIMEOUT', `${description} not reached within ${timeoutMs} ms (${lastProblem})`);
      await sleep(intervalMs);
    }
  }

  /**
   * Waits until the cluster has nothing left to do: Pacemaker's scheduler, run on the live CIB, plans no
   * action (`crm_resource --wait`, what pcs's `--wait` waits for). Stronger than a quiet status: between two
   * transitions (a node just rejoined, services about to move back to it) the status looks settled, the
   * scheduler does not. Returns the status then; a `TIMEOUT` error after `timeoutMs` (default 120 s).
   */
  async waitUntilIdle(options: { timeoutMs?: number } = {}): Promise<ClusterStatus> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    try {
      await this.runner.run('crm_resource', ['--wait', '--timeout', `${seconds}s`], {
        timeoutMs: timeoutMs + 15_000,
      });
    } catch (error) {
      // 124: crm_resource's own timeout (CRM_EX_TIMEOUT), the actions it still saw on stderr.
      if (error instanceof CommandError && error.exitCode === 124)
        throw new HaError(
          'TIMEOUT',
          `the cluster still had actions to do after ${seconds} s: ${error.stderr.trim().split('\n').slice(0, 5).join('; ')}`,
          { cause: error },
        );
      throw error;
    }
    return this.status();
  }

  // Refuses to go on when the cluster could not fence `node`: should it fail to stop its resources, or stop
  // answering meanwhile, nothing could recover them safely.
  private async assertCanFence(status: ClusterStatus, node: string): Promise<void> {
    const devices = status.summary.options.stonithEnabled === false ? undefined : await this.fencingTargets([node]);
    const reasons = fencingFindings(status, devices).filter(
      (reason) => reason.code !== 'FENCE_DEVICE_FAILED' && (reason.subject === undefined || reason.subject === node),
    );
    if (reasons.length > 0)
      throw new HaError(
        'PRECONDITION_FAILED',
        `will not fail over from ${node}: the cluster cannot fence it (${reasons.map((reason) => reason.message).join('; ')}), ` +
          'so if it failed to stop its resources they could not be recovered safely; fix fencing, or pass ' +
          '{ allowUnfenceable: true } (ha-pcs failover --allow-unfenceable) to go on',
      );
  }

  private fencingContext(): fencing.FencingContext {
    return {
      runner: this.runner,
      timeoutMs: this.timeoutMs,
      pcs: (args, options) => this.pcs(args, options),
      status: () => this.status(),
      dialect: () => this.dialect(),
    };
  }

  // Plumbing.

  /** Runs pcs with these arguments; a failure is a `PcsCommandError` carrying pcs's own messages. */
  async pcs(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    const { timeoutMs = this.timeoutMs } = options;
    try {
      return await this.runner.run('pcs', args, { timeoutMs });
    } catch (error) {
      if (error instanceof CommandError && !(error instanceof PcsCommandError))
        throw new PcsCommandError(error, { cause: error });
      throw error;
    }
  }

  private async pcsVersion(): Promise<string> {
    this.version ??= this.runner
      .run('pcs', ['--version'], { timeoutMs: 30_000 })
      .then((result) => result.stdout.trim());
    return this.version;
  }

  private async dialect(): Promise<PcsDialect> {
    return dialectOf(await this.pcsVersion());
  }

  private waitTimeout(options: WaitOption): number {
    return Math.max(this.timeoutMs, ((options.waitSeconds ?? 0) + 30) * 1000);
  }
}

/** Options of `failover`. */
export interface FailoverOptions {
  /** Give up after this long, ms (default 120 s). */
  timeoutMs?: number;
  /**
   * Go on even when the cluster cannot fence the node (fencing disabled, no
   * device, none able to fence it). Without it such a failover is refused
   * (`PRECONDITION_FAILED`).
   */
  allowUnfenceable?: boolean;
  /** Plan the standby first and report the plan beside what happened (default true). */
  plan?: boolean;
}

/** What `failover` did: where each resource that ran on the node went. */
export interface FailoverReport {
  /** The node put in standby. */
  node: string;
  /** One entry per resource that ran there. */
  moves: {
    /** The primitive's id. */
    resource: string;
    /** The top-level resource (group, clone …) it belongs to. */
    top: string;
    /** The node it ran on (`node`). */
    from: string;
    /** Where it runs now; empty when it could not be started anywhere. */
    to: string[];
    /** A clone or bundle instance: it stops on the node rather than move. */
    clone: boolean;
  }[];
  /** From the first status read until the cluster settled, ms. */
  durationMs: number;
  /** The settled status. */
  status: ClusterStatus;
  /** What the scheduler planned for the standby, asked before it was made. */
  plan?: Plan;
  /** Where what happened differs from the plan (`WebServer: planned node2, runs on node3`); empty when it does not. */
  differences?: string[];
  /** Why no plan could be made (the failover went on without one). */
  planError?: string;
}

/** Where a settled status differs from a plan's placement of each resource: one line per resource. */
export function planDifferences(plan: Plan, status: ClusterStatus): string[] {
  const now = resourceLocations(status);
  const words = (places: readonly { node: string; role: string }[]) =>
    places.length === 0
      ? 'stopped'
      : [...places]
          .map((p) => (p.role === 'Started' ? p.node : `${p.node} (${p.role})`))
          .sort()
          .join(', ');
  const differences: string[] = [];
  for (const resource of plan.resources) {
    const planned = words(resource.after);
    const actual = words(now.get(resource.resource) ?? []);
    if (planned !== actual) differences.push(`${resource.resource}: planned ${planned}, runs ${actual}`);
  }
  return differences;
}

/** No action in flight: nothing starting, stopping, migrating, promoting or pending. */
export function isSettled(status: ClusterStatus): boolean {
  return listInstances(status).every(
    (instance) =>
      !['Starting', 'Stopping', 'Migrating', 'Promoting', 'Demoting'].includes(instance.role) &&
      instance.resource.pending === undefined,
  );
}

function isCloneOrBundle(status: ClusterStatus, id: string): boolean {
  return status.resources.some(
    (resource) => resource.id === id && (resource.kind === 'clone' || resource.kind === 'bundle'),
  );
}

function targetWords(target: NodeTarget): string[] {
  if (target === 'local') return [];
  if ('all' in target) return ['--all'];
  return target.nodes.map(assertNodeName);
}

function nodeWords(node: string | { all: true }): string[] {
  return typeof node === 'string' ? [assertNodeName(node)] : ['--all'];
}

function waitWords(options: WaitOption): string[] {
  return optional(options.waitSeconds, waitFlag);
}

function promotedWords(dialect: PcsDialect, promoted: boolean | undefined): string[] {
  return promoted ? [dialect.modern ? '--promoted' : '--master'] : [];
}

// `options a=1 b=2` / `meta …`: nothing at all when there are none.
function sectionWords(keyword: 'options' | 'meta', options: Record<string, OptionValue> | undefined): string[] {
  const words = optionWords(options);
  return words.length === 0 ? [] : [keyword, ...words];
}

// The word for a value when one is given: an optional positional (a node for `move`, `ban`, `clear`: none means
// "its current node" or "every node"), checked by `toWord` before anything runs.
function optional<T>(value: T | undefined, toWord: (value: T) => string = String): string[] {
  return value === undefined ? [] : [toWord(value)];
}

// pcs before 0.11 names the roles of a promotable clone the old way.
const legacyRoles: Record<string, string> = { Promoted: 'master', Unpromoted: 'slave' };
