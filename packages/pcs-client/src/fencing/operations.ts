import { setTimeout as sleep } from 'node:timers/promises';
import { CommandError, HaError, UsageError, type CommandResult, type Runner } from '@ha/core';
import { assertId, assertNodeName, type OptionValue, type PcsDialect } from '../client/args.js';
import { PacemakerToolError, PcsCommandError } from '../errors.js';
import type { ClusterStatus, FenceEvent } from '../status/model.js';
import { assertToolSucceeded } from '../xml/pacemaker-result.js';
import { parseXmlTree } from '../xml/tree.js';
import {
  confirmNodeDownArgs,
  fenceDeviceCreateArgs,
  fenceDeviceOptions,
  fenceDeviceUpdateArgs,
  fenceHistoryArgs,
  fenceLevelAddArgs,
  fenceLevelRemoveArgs,
  fenceNodeArgs,
  levelTargetWord,
  type FenceAction,
  type FenceDeviceSpec,
} from './args.js';
import { FencingFailedError, FencingNotFoundError } from './errors.js';
import type {
  FenceAgentMetadata,
  FenceDevice,
  FenceLevel,
  FenceLevelFinding,
  FenceLevelTarget,
  FencingTargets,
} from './model.js';
import {
  parseFenceAgentMetadata,
  parseFenceAgents,
  parseFenceDeviceList,
  parseFenceDevices,
  parseFenceTargetList,
  parseFenceHistory,
  parseFenceLevels,
  parseLevelVerifyOutput,
} from './parse.js';
import { checkFenceDeviceOptions } from './validate.js';

/**
 * What the fencing operations need of a `PcsClient`: its runner and
 * deadline, pcs with its errors, the live status, and the pcs dialect.
 * (`PcsClient`'s fencing methods call these functions with their own.)
 */
export interface FencingContext {
  /** Runs stonith_admin and cibadmin. */
  runner: Runner;
  /** The deadline of each command, ms. */
  timeoutMs: number;
  /** Runs pcs (a failure is a `PcsCommandError`). */
  pcs(args: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** The live cluster status. */
  status(): Promise<ClusterStatus>;
  /** Which pcs the command lines are for. */
  dialect(): Promise<PcsDialect>;
}

/** Options of `fence`. */
export interface FenceOptions {
  /** `reboot` (default), `off` or `on` (unfence). */
  action?: FenceAction;
  /** Wait until Pacemaker has recorded the result (default true); false returns once the request is in the history, pending. */
  wait?: boolean;
  /** How long the fencer may take, ms (default 120 s; stonith_admin's `--timeout` in whole seconds). */
  timeoutMs?: number;
}

// A Pacemaker tool that failed still says why in its XML: turn that into its typed error, else keep the runner's.
async function runToolXml(
  context: FencingContext,
  file: string,
  args: readonly string[],
  timeoutMs = context.timeoutMs,
): Promise<string> {
  try {
    return (await context.runner.run(file, args, { timeoutMs })).stdout;
  } catch (error) {
    if (error instanceof CommandError && !error.timedOut && error.stdout.includes('<pacemaker-result')) {
      let root;
      try {
        root = parseXmlTree(error.stdout, { file: `${file} ${args.join(' ')}` });
      } catch {
        throw error;
      }
      assertToolSucceeded(root, `${file} ${args[0] ?? ''}`.trim(), { cause: error });
    }
    throw error;
  }
}

/** The installed fence agents (`stonith_admin --list-installed`). */
export async function fenceAgents(context: FencingContext): Promise<string[]> {
  const args = ['--list-installed', '--output-as=xml'];
  return parseFenceAgents(await runToolXml(context, 'stonith_admin', args), { file: 'stonith_admin --list-installed' });
}

/** An agent's metadata (`stonith_admin --metadata --agent AGENT`); an agent that is not installed is a `FencingNotFoundError`. */
export async function fenceAgentMetadata(context: FencingContext, agent: string): Promise<FenceAgentMetadata> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.@:/+-]*$/.test(agent)) throw new FencingNotFoundError('agent', agent, []);
  const args = ['--metadata', '--agent', agent, '--output-as=xml'];
  try {
    return parseFenceAgentMetadata(await runToolXml(context, 'stonith_admin', args), {
      file: `stonith_admin --metadata --agent ${agent}`,
    });
  } catch (error) {
    // 105: "No such object" (the fencer found no such agent).
    if (error instanceof PacemakerToolError && error.statusCode === 105)
      throw new FencingNotFoundError('agent', agent, [], { cause: error });
    throw error;
  }
}

/** The fence devices of the live CIB (`cibadmin --query --scope resources`). */
export async function fenceDevices(context: FencingContext): Promise<FenceDevice[]> {
  const { stdout } = await context.runner.run('cibadmin', ['--query', '--scope', 'resources'], {
    timeoutMs: context.timeoutMs,
  });
  return parseFenceDevices(stdout, { file: 'cibadmin --query --scope resources' });
}

async function existingDevice(context: FencingContext, id: string): Promise<FenceDevice> {
  assertId(id, 'fence device id');
  const devices = await fenceDevices(context);
  const device = devices.find((entry) => entry.id === id);
  if (!device)
    throw new FencingNotFoundError(
      'device',
      id,
      devices.map((entry) => entry.id),
    );
  return device;
}

async function assertNodes(context: FencingContext, nodes: readonly string[]): Promise<ClusterStatus> {
  for (const node of nodes) assertNodeName(node);
  const status = await context.status();
  const known = status.nodes.map((entry) => entry.name);
  const unknown = nodes.find((node) => !known.includes(node));
  if (unknown !== undefined) throw new FencingNotFoundError('node', unknown, known);
  return status;
}

/**
 * Creates a fence device once everything it names is checked: its id, the
 * agent (installed), every option (one the agent or fencer lists) and every
 * required one, and the nodes of its host map, host list and levels (cluster
 * nodes). Then `pcs stonith create`, and `pcs stonith level add` per level.
 */
export async function createFenceDevice(context: FencingContext, spec: FenceDeviceSpec): Promise<void> {
  const args = fenceDeviceCreateArgs(spec);
  const metadata = await fenceAgentMetadata(context, spec.agent);
  checkFenceDeviceOptions(metadata, fenceDeviceOptions(spec));
  const levels = spec.levels ?? [];
  const levelArgs = levels.map((entry) => fenceLevelAddArgs(entry.level, entry.target, [spec.id]));
  await assertNodes(context, [
    ...Object.keys(spec.hostMap ?? {}),
    ...(spec.hostList ?? []),
    ...levels.map((entry) => entry.target),
  ]);
  await context.pcs(args);
  for (const words of levelArgs) await context.pcs(words);
}

/** Changes a device's options (`pcs stonith update`; an empty value removes one), once the device and each option are checked. */
export async function updateFenceDevice(
  context: FencingContext,
  id: string,
  options: Readonly<Record<string, OptionValue>>,
): Promise<void> {
  const args = fenceDeviceUpdateArgs(id, options);
  const device = await existingDevice(context, id);
  const metadata = await fenceAgentMetadata(context, device.agent);
  // Only the names: an update gives some options, and the device keeps the rest (its required ones among them).
  checkFenceDeviceOptions(
    { ...metadata, parameters: metadata.parameters.map((p) => ({ ...p, required: false })) },
    options,
  );
  await context.pcs(args);
}

/** `pcs stonith delete ID` of a device that exists. */
export async function deleteFenceDevice(context: FencingContext, id: string): Promise<void> {
  await existingDevice(context, id);
  await context.pcs(['stonith', 'delete', id]);
}

/** `pcs stonith enable|disable ID [--wait=N]` of a device that exists. */
export async function setFenceDeviceEnabled(
  context: FencingContext,
  id: string,
  enabled: boolean,
  waitSeconds?: number,
): Promise<void> {
  await existingDevice(context, id);
  const wait = waitSeconds === undefined ? [] : [`--wait=${Math.max(1, Math.ceil(waitSeconds))}`];
  await context.pcs(['stonith', enabled ? 'enable' : 'disable', id, ...wait], {
    timeoutMs: Math.max(context.timeoutMs, ((waitSeconds ?? 0) + 30) * 1000),
  });
}

/** The fencing history, newest first (`stonith_admin --history NODE|* --verbose`). */
export async function fenceHistory(context: FencingContext, node?: string): Promise<FenceEvent[]> {
  const args = fenceHistoryArgs(node);
  return parseFenceHistory(await runToolXml(context, 'stonith_admin', args), {
    file: `stonith_admin --history ${node ?? '*'}`,
  });
}

/** Forgets the fencing history (of one node, or all): `stonith_admin --history NODE|* --cleanup`. */
export async function cleanupFenceHistory(context: FencingContext, node?: string): Promise<void> {
  const args = ['--history', node === undefined ? '*' : assertNodeName(node), '--cleanup', '--output-as=xml'];
  parseXmlTree(await runToolXml(context, 'stonith_admin', args), { file: 'stonith_admin --history --cleanup' });
}

/**
 * Which devices can fence each node, for the given nodes or every node of the status: `stonith_admin
 * --list NODE` for each node, or, given the devices, `stonith_admin --list-targets DEVICE` for each
 * device (one question per device: fewer when there are fewer devices than nodes, as there mostly are).
 * A device whose targets `known` has (`registeredFencingReach`, asked earlier) is not asked again.
 */
export async function fencingTargets(
  context: FencingContext,
  nodes?: readonly string[],
  devices?: readonly string[],
  known?: ReadonlyMap<string, readonly string[]>,
): Promise<FencingTargets> {
  const names = nodes ?? (await context.status()).nodes.filter((node) => node.type !== 'ping').map((node) => node.name);
  if (devices !== undefined) {
    const reach = await Promise.all(
      devices.map(async (device) => [device, known?.get(device) ?? (await deviceTargets(context, device))] as const),
    );
    return Object.fromEntries(
      names.map((node) => [node, reach.filter(([, targets]) => targets.includes(node)).map(([device]) => device)]),
    );
  }
  // One question per node, asked at once: each waits on the fencer, not on this process.
  const lists = await Promise.all(
    names.map(async (node) => {
      const args = ['--list', assertNodeName(node), '--output-as=xml'];
      const xml = await runToolXml(context, 'stonith_admin', args);
      return [node, parseFenceDeviceList(xml, { file: `stonith_admin --list ${node}` })] as const;
    }),
  );
  return Object.fromEntries(lists);
}

/**
 * Whom each device registered with this node's fencer can fence: `stonith_admin --list-registered`,
 * then `--list-targets` of every device at once. Needs no status: it can be asked while crm_mon runs.
 */
export async function registeredFencingReach(context: FencingContext): Promise<Map<string, string[]>> {
  const xml = await runToolXml(context, 'stonith_admin', ['--list-registered', '--output-as=xml']);
  const devices = parseFenceDeviceList(xml, { file: 'stonith_admin --list-registered' });
  return new Map(
    await Promise.all(devices.map(async (device) => [device, await deviceTargets(context, device)] as const)),
  );
}

async function deviceTargets(context: FencingContext, device: string): Promise<string[]> {
  const xml = await runToolXml(context, 'stonith_admin', [
    '--list-targets',
    assertId(device, 'fence device'),
    '--output-as=xml',
  ]);
  return parseFenceTargetList(xml, { file: `stonith_admin --list-targets ${device}` });
}

// The same event, whichever listing it came from.
function eventKey(event: FenceEvent): string {
  return [event.target, event.action, event.client, event.origin, event.status, event.completed ?? ''].join('\u0000');
}

function newEvents(before: readonly FenceEvent[], after: readonly FenceEvent[], action: FenceAction): FenceEvent[] {
  const seen = new Set(before.map(eventKey));
  return after.filter((event) => event.action === action && !seen.has(eventKey(event)));
}

/**
 * Fences a node through the fencer (`stonith_admin --reboot|--fence|--unfence
 * NODE`), and returns the history entry Pacemaker recorded for it. An
 * unknown node is refused first; a failed fencing is a `FencingFailedError`
 * with the entry and its reason.
 */
export async function fence(context: FencingContext, node: string, options: FenceOptions = {}): Promise<FenceEvent> {
  const { action = 'reboot', wait = true, timeoutMs = 120_000 } = options;
  const args = fenceNodeArgs(node, action, timeoutMs / 1000);
  await assertNodes(context, [node]);
  const before = await fenceHistory(context, node);
  if (!wait) {
    await context.runner.spawnDetached('stonith_admin', args);
    // The request is in the history (pending) as soon as the fencer has taken it.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const fresh = newEvents(before, await fenceHistory(context, node), action);
      if (fresh[0]) return fresh[0];
      if (Date.now() >= deadline)
        throw new HaError('TIMEOUT', `the fencer did not record the ${action} of ${node} within 10 s`);
      await sleep(200);
    }
  }
  let failure: CommandError | undefined;
  try {
    await context.runner.run('stonith_admin', args, { timeoutMs: timeoutMs + 30_000 });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    failure = error;
  }
  const fresh = newEvents(before, await fenceHistory(context, node), action);
  const done = fresh.find((event) => event.status !== 'pending');
  if (!failure && done?.status === 'success') return done;
  if (!failure && done === undefined)
    throw new HaError(
      'NOT_FOUND',
      `stonith_admin reported the ${action} of ${node} done, but its history has no entry of it`,
    );
  {
    const said = failure ? /Couldn't fence [^:]*: (.*)$/m.exec(failure.stderr)?.[1] : undefined;
    throw new FencingFailedError(
      { target: node, action, event: done ?? fresh[0], exitReason: done?.exitReason ?? said ?? failure?.message },
      { cause: failure },
    );
  }
}

/**
 * Tells the cluster a node is safely down (`pcs stonith confirm NODE`), so it
 * recovers without fencing it. Only with `{ nodeIsDown: true }`: the caller
 * says they made sure the node is off and cut from shared resources.
 */
export async function confirmNodeDown(
  context: FencingContext,
  node: string,
  options: { nodeIsDown?: boolean } = {},
): Promise<void> {
  if (options.nodeIsDown !== true)
    throw new UsageError(
      `confirming ${node} as down lets the cluster start its resources elsewhere: make sure it is powered off and cut ` +
        'from shared resources, then pass { nodeIsDown: true } (ha-pcs stonith confirm NODE --node-is-down)',
    );
  const args = confirmNodeDownArgs(node, await context.dialect());
  await assertNodes(context, [node]);
  await context.pcs(args);
}

/** The fencing levels of the live CIB. */
export async function fenceLevels(context: FencingContext): Promise<FenceLevel[]> {
  const { stdout } = await context.runner.run('cibadmin', ['--query', '--scope', 'configuration'], {
    timeoutMs: context.timeoutMs,
  });
  return parseFenceLevels(stdout, { file: 'cibadmin --query --scope configuration' });
}

/** Adds a fencing level once its devices (fence devices of the CIB) and its node target (a cluster node) are checked. */
export async function addFenceLevel(
  context: FencingContext,
  level: number,
  target: FenceLevelTarget | string,
  devices: readonly string[],
): Promise<void> {
  const args = fenceLevelAddArgs(level, target, devices);
  const known = (await fenceDevices(context)).map((device) => device.id);
  const missing = devices.find((id) => !known.includes(id));
  if (missing !== undefined) throw new FencingNotFoundError('device', missing, known);
  const node = typeof target === 'string' ? target : target.kind === 'node' ? target.node : undefined;
  if (node !== undefined) await assertNodes(context, [node]);
  await context.pcs(args);
}

function sameTarget(level: FenceLevel, target: FenceLevelTarget | string): boolean {
  return levelTargetWord(level.target) === levelTargetWord(target);
}

/** Removes a fencing level (of that target, with those devices), once one such level is found. */
export async function removeFenceLevel(
  context: FencingContext,
  level: number,
  target?: FenceLevelTarget | string,
  devices?: readonly string[],
): Promise<void> {
  const args = fenceLevelRemoveArgs(level, target, devices);
  const levels = await fenceLevels(context);
  const matches = levels.some(
    (entry) =>
      entry.level === level &&
      (target === undefined || sameTarget(entry, target)) &&
      (devices === undefined || devices.every((id) => entry.devices.includes(id))),
  );
  if (!matches) {
    const wanted = `${level}${target === undefined ? '' : ` for ${levelTargetWord(target)}`}${devices?.length ? ` with ${devices.join(',')}` : ''}`;
    throw new FencingNotFoundError(
      'level',
      wanted,
      levels.map((entry) => `${entry.level} for ${levelTargetWord(entry.target)} (${entry.devices.join(',')})`),
    );
  }
  await context.pcs(args);
}

/** `pcs stonith level verify`: what is wrong with the levels (a missing device or node); empty when nothing is. */
export async function verifyFenceLevels(context: FencingContext): Promise<FenceLevelFinding[]> {
  try {
    await context.pcs(['stonith', 'level', 'verify']);
    return [];
  } catch (error) {
    if (!(error instanceof PcsCommandError) || error.timedOut) throw error;
    const findings = parseLevelVerifyOutput(`${error.stderr}\n${error.stdout}`);
    if (findings.length === 0) throw error;
    return findings;
  }
}
