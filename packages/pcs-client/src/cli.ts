import {
  createPackageCli,
  defineCliCommand,
  formatDuration,
  jsonArg,
  parseDuration,
  parseMaxBytes,
  printJson,
  UsageError,
  type CliIo,
} from '@ha/core';
import { PcsClient } from './client/pcs-client.js';
import { fencingCommand, fenceCommand, stonithCommand } from './fencing/cli.js';
import { historyCommand, planCommand, reportPlan } from './plan/cli.js';
import { verifyCommand } from './plan/verify-cli.js';
import { applyCommand, diffCommand, exportCommand } from './spec/cli.js';
import type { FencingTargets } from './fencing/model.js';
import { locationConstraintsOf } from './status/constraints.js';
import type { ClusterStatus, ResourceNode } from './status/model.js';
import { readClusterStatus, type StatusSource } from './status/read.js';
import { bansOf, evaluateHealth, failCounts, listInstances, nodeProblems, nodesRunning } from './status/views.js';
import { pacemakerTools } from './tools.js';

const sourceArgs = {
  xmlFile: {
    type: 'string',
    valueHint: 'PATH',
    description: 'Read a saved crm_mon or `pcs status xml` output instead of the live cluster',
  },
  cibFile: {
    type: 'string',
    valueHint: 'PATH',
    description: 'Render a saved CIB with the real crm_mon (CIB_file=…) instead of the live cluster',
  },
  pcs: { type: 'boolean', description: 'Ask `pcs status xml` (through pcsd) instead of crm_mon' },
  maxBytes: { type: 'string', valueHint: 'N', description: 'Refuse a status larger than N bytes (default 16777216)' },
} as const;
const timeoutArg = {
  timeout: { type: 'string', valueHint: 'DURATION', description: 'How long to wait, e.g. 90s (default 120s)' },
} as const;

type SourceFlags = {
  xmlFile?: string | undefined;
  cibFile?: string | undefined;
  pcs?: boolean | undefined;
  maxBytes?: string | undefined;
};

function sourceOf(args: SourceFlags): StatusSource {
  const chosen = [args.xmlFile !== undefined, args.cibFile !== undefined, args.pcs === true].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('--xml-file, --cib-file and --pcs exclude each other');
  if (args.xmlFile !== undefined) return { kind: 'xml-file', path: args.xmlFile };
  if (args.cibFile !== undefined) return { kind: 'cib-file', path: args.cibFile };
  return args.pcs ? { kind: 'pcs' } : { kind: 'live' };
}

/** The status the source flags name, read and parsed. */
function readStatus(args: SourceFlags): Promise<ClusterStatus> {
  return readClusterStatus({ source: sourceOf(args), maxBytes: parseMaxBytes(args.maxBytes) });
}

function timeoutOf(text: string | undefined): number {
  return text === undefined ? 120_000 : parseDuration(text, { what: '--timeout', defaultUnit: 's' });
}

// Which devices can fence each node, asked of the live fencer; without a fencer to ask, the status alone judges.
// `registered`: the fencer's own devices and their targets, asked while crm_mon ran (the status command).
async function liveFencingTargets(
  args: SourceFlags,
  status: ClusterStatus,
  registered?: Promise<ReadonlyMap<string, readonly string[]> | undefined>,
): Promise<FencingTargets | undefined> {
  if (sourceOf(args).kind !== 'live') return undefined;
  try {
    // The nodes and devices of the status just read: no second crm_mon, and one question per device.
    const devices = listInstances(status)
      .filter((instance) => instance.agent.startsWith('stonith:') && instance.active)
      .map((instance) => instance.id);
    return await new PcsClient().fencingTargets(
      status.nodes.filter((node) => node.type !== 'ping').map((node) => node.name),
      [...new Set(devices)],
      await registered,
    );
  } catch {
    return undefined;
  }
}

function printSummary(status: ClusterStatus, io: CliIo, verdict = evaluateHealth(status)): void {
  const s = status.summary;
  const dc = s.dc.present ? `DC ${s.dc.name ?? '?'}${s.dc.version ? ` (${s.dc.version})` : ''}` : 'no DC';
  const quorum = s.quorate ? 'quorate' : 'NO QUORUM';
  const nodeCount = s.nodesConfigured ?? status.nodes.length;
  const resourceCount = s.resourcesConfigured ?? listInstances(status).length;
  const maintenance = s.options.maintenanceMode ? ', MAINTENANCE MODE' : '';
  const stonithDisabled = s.options.stonithEnabled === false ? ', stonith disabled' : '';
  io.stdout(
    `cluster: ${dc}, ${quorum}, ${nodeCount} nodes, ${resourceCount} resource instances${maintenance}${stonithDisabled}\n`,
  );
  if (s.lastChange) {
    const byUser = s.lastChange.user ? ` by ${s.lastChange.user}` : '';
    const viaClient = s.lastChange.client ? ` via ${s.lastChange.client}` : '';
    const onOrigin = s.lastChange.origin ? ` on ${s.lastChange.origin}` : '';
    io.stdout(`last change: ${s.lastChange.time}${byUser}${viaClient}${onOrigin}\n`);
  }
  io.stdout('\nnodes:\n');
  for (const node of status.nodes) {
    const problems = nodeProblems(node);
    const state = problems.length === 0 ? 'online' : problems.map((problem) => problem.label).join(', ');
    io.stdout(
      `  ${node.name.padEnd(18)} ${state.padEnd(22)} ${node.type}${node.isDc ? ', DC' : ''}, ${node.resourcesRunning} running\n`,
    );
  }
  io.stdout('\nresources:\n');
  if (status.resources.length === 0) io.stdout('  (none)\n');
  for (const resource of status.resources) printResource(resource, '  ', io);
  if (status.failures.length > 0) {
    io.stdout('\nfailed actions:\n');
    for (const failure of status.failures) {
      const interval = failure.intervalMs ? ` (every ${formatDuration(failure.intervalMs)})` : '';
      const exitReason = failure.exitReason ? `: ${failure.exitReason}` : '';
      const exit = `${failure.exitStatus} (${failure.exitCode})${exitReason}`;
      const lastRcChange = failure.lastRcChange ? ` at ${failure.lastRcChange}` : '';
      io.stdout(`  ${failure.resource} ${failure.task ?? ''}${interval} on ${failure.node}: ${exit}${lastRcChange}\n`);
    }
  }
  io.stdout(
    `\n${verdict.healthy ? 'healthy' : `${verdict.state.toUpperCase()}:\n${verdict.reasons.map((reason) => `  - ${reason.message}`).join('\n')}`}\n`,
  );
}

function printResource(resource: ResourceNode, indent: string, io: CliIo): void {
  if (resource.kind === 'primitive') {
    const where = resource.nodes.map((node) => node.name).join(', ');
    const flags = [
      resource.failed && 'FAILED',
      !resource.managed && 'unmanaged',
      resource.blocked && 'blocked',
      resource.orphaned && 'orphaned',
      resource.targetRole && `target-role ${resource.targetRole}`,
    ].filter(Boolean);
    io.stdout(
      `${indent}${resource.id} (${resource.agent}): ${resource.role}${where ? ` on ${where}` : ''}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''}\n`,
    );
  } else if (resource.kind === 'bundle') {
    io.stdout(`${indent}bundle ${resource.id} (${resource.type}: ${resource.image})\n`);
    for (const replica of resource.replicas)
      for (const primitive of replica.resources) printResource(primitive, `${indent}  `, io);
  } else {
    const label = resource.kind === 'clone' ? (resource.promotable ? 'promotable clone' : 'clone') : 'group';
    io.stdout(
      `${indent}${label} ${resource.id}${resource.disabled ? ' [disabled]' : ''}${resource.managed ? '' : ' [unmanaged]'}\n`,
    );
    for (const child of resource.children) printResource(child, `${indent}  `, io);
  }
}

/** The `ha-pcs` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-pcs',
  description:
    'Read and drive a Pacemaker cluster: status, resources, failures, failover, fencing. ' +
    'Exit 0 healthy, 1 not healthy (degraded, failed, no quorum), 2 error (also when crm_mon reports a failure or the input is not a status)',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: pacemakerTools,
  subCommands: {
    status: defineCliCommand({
      meta: {
        name: 'status',
        description:
          'A readable summary (--json: the typed model). ' +
          'Exit 0 healthy, 1 not healthy (degraded, failed, no quorum), 2 error (crm_mon reported a failure, or the input is not a status)',
      },
      args: { ...sourceArgs, ...jsonArg },
      async run({ args, io }) {
        // The fencer is asked while crm_mon runs (the devices it registered, whom each can fence): the two
        // questions cost the time of one.
        const registered =
          sourceOf(args).kind === 'live'
            ? new PcsClient().registeredFencingReach().catch(() => undefined)
            : Promise.resolve(undefined);
        const status = await readStatus(args);
        const fencing =
          status.summary.options.stonithEnabled === false
            ? undefined
            : await liveFencingTargets(args, status, registered);
        const verdict = evaluateHealth(status, { fencing });
        if (args.json) printJson(io, { ...status, health: verdict, ...(fencing ? { fencingTargets: fencing } : {}) });
        else printSummary(status, io, verdict);
        return verdict.healthy ? 0 : 1;
      },
    }),
    resources: defineCliCommand({
      meta: { name: 'resources', description: 'Every resource instance: role, where it runs, what it belongs to' },
      args: { ...sourceArgs, ...jsonArg },
      async run({ args, io }) {
        const status = await readStatus(args);
        const instances = listInstances(status).map((instance) => ({
          id: instance.id,
          agent: instance.agent,
          role: instance.role,
          nodes: instance.nodes,
          parents: instance.parents,
          failed: instance.failed,
          managed: instance.managed,
        }));
        if (args.json) printJson(io, instances);
        else
          for (const instance of instances) {
            const instancePath = [...instance.parents, instance.id].join('/');
            const nodes = instance.nodes.join(',') || '-';
            const failed = instance.failed ? ' FAILED' : '';
            const unmanaged = instance.managed ? '' : ' unmanaged';
            io.stdout(`${instancePath.padEnd(36)} ${instance.role.padEnd(11)} ${nodes}${failed}${unmanaged}\n`);
          }
        return evaluateHealth(status).healthy ? 0 : 1;
      },
    }),
    failures: defineCliCommand({
      meta: { name: 'failures', description: 'Failed actions and fail counts; exit 1 when there are any' },
      args: { ...sourceArgs, ...jsonArg },
      async run({ args, io }) {
        const status = await readStatus(args);
        const counts = failCounts(status);
        if (args.json) printJson(io, { failures: status.failures, failCounts: counts });
        else {
          for (const failure of status.failures) {
            const exitReason = failure.exitReason ? `: ${failure.exitReason}` : '';
            const exit = `${failure.exitStatus} (rc ${failure.exitCode})${exitReason}`;
            const lastRcChange = failure.lastRcChange ? ` at ${failure.lastRcChange}` : '';
            io.stdout(`${failure.resource} ${failure.task ?? '?'} on ${failure.node}: ${exit}${lastRcChange}\n`);
          }
          for (const count of counts)
            io.stdout(
              `fail-count ${count.resource} on ${count.node}: ${count.count}${count.lastFailure ? ` (last ${count.lastFailure})` : ''}\n`,
            );
          if (status.failures.length === 0 && counts.length === 0) io.stdout('no failures\n');
        }
        return status.failures.length > 0 || counts.length > 0 ? 1 : 0;
      },
    }),
    constraints: defineCliCommand({
      meta: {
        name: 'constraints',
        description: "A resource's location constraints and bans (or every constraint), from the live CIB",
      },
      args: {
        resource: {
          type: 'positional',
          valueHint: 'RESOURCE',
          description: 'Resource id (none: every constraint)',
          required: false,
        },
        ...jsonArg,
      },
      async run({ args, io }) {
        const client = new PcsClient();
        const constraints = await client.constraints();
        const resource = args.resource as string | undefined;
        if (resource === undefined) {
          if (args.json) printJson(io, constraints);
          else for (const constraint of constraints) io.stdout(`${constraint.kind.padEnd(10)} ${constraint.id}\n`);
          return;
        }
        const locations = locationConstraintsOf(constraints, resource);
        const status = await client.status();
        const bans = bansOf(status, resource);
        if (args.json) printJson(io, { resource, runsOn: nodesRunning(status, resource), locations, bans });
        else {
          for (const location of locations)
            io.stdout(
              `location ${location.id}: ${location.node ?? '(rules)'} ${location.score ?? ''}${location.fromCli ? ' (left by move/ban: ha-pcs clear)' : ''}\n`,
            );
          for (const ban of bans)
            io.stdout(`ban ${ban.id}: not on ${ban.node}${ban.promotedOnly ? ' (promoted role)' : ''}\n`);
          if (locations.length === 0 && bans.length === 0) io.stdout(`${resource}: no location constraints or bans\n`);
        }
      },
    }),
    failover: defineCliCommand({
      meta: {
        name: 'failover',
        description: 'Put NODE in standby, wait until its resources run elsewhere, and report where each went',
      },
      args: {
        node: { type: 'positional', valueHint: 'NODE', description: 'Node name', required: true },
        allowUnfenceable: {
          type: 'boolean',
          description: 'Go on even when the cluster cannot fence NODE (fencing disabled, no device able to fence it)',
        },
        dryRun: {
          type: 'boolean',
          description: 'Only print what the scheduler plans for it (ha-pcs plan standby NODE)',
        },
        ...timeoutArg,
        ...jsonArg,
      },
      async run({ args, io }) {
        if (args.dryRun)
          return reportPlan(io, await new PcsClient().plan({ kind: 'standby', node: args.node }), args.json);
        const report = await new PcsClient().failover(args.node, {
          timeoutMs: timeoutOf(args.timeout),
          allowUnfenceable: args.allowUnfenceable === true,
        });
        if (args.json)
          printJson(io, {
            node: report.node,
            moves: report.moves,
            durationMs: report.durationMs,
            differences: report.differences,
            planError: report.planError,
          });
        else {
          for (const move of report.moves)
            io.stdout(
              `${move.resource}: ${move.from} → ${move.to.length > 0 ? move.to.join(', ') : move.clone ? '(instance stopped)' : 'STOPPED'}\n`,
            );
          if (report.moves.length === 0) io.stdout(`${report.node}: nothing was running there\n`);
          io.stdout(`${report.node} is in standby (${formatDuration(report.durationMs)})\n`);
          if (report.planError !== undefined) io.stdout(`no plan was made: ${report.planError}\n`);
          else if (report.differences && report.differences.length > 0)
            io.stdout(`it differs from the plan:\n${report.differences.map((line) => `  ${line}\n`).join('')}`);
          else if (report.differences) io.stdout('as planned\n');
        }
        return report.moves.some((move) => move.to.length === 0 && !move.clone) ? 1 : 0;
      },
    }),
    fence: fenceCommand,
    fencing: fencingCommand,
    plan: planCommand,
    verify: verifyCommand,
    history: historyCommand,
    export: exportCommand,
    diff: diffCommand,
    apply: applyCommand,
    stonith: stonithCommand,
    online: defineCliCommand({
      meta: { name: 'online', description: 'Take NODE out of standby and wait until it is online' },
      args: {
        node: { type: 'positional', valueHint: 'NODE', description: 'Node name', required: true },
        ...timeoutArg,
      },
      async run({ args, io }) {
        await new PcsClient().online(args.node, { timeoutMs: timeoutOf(args.timeout) });
        io.stdout(`${args.node} is online\n`);
      },
    }),
    wait: defineCliCommand({
      meta: {
        name: 'wait',
        description:
          'Wait until a state holds: --resource R --started [--on N | --not-on N] | --stopped; --node N --online | --offline | --standby; --healthy',
      },
      args: {
        resource: { type: 'string', valueHint: 'ID', description: 'A resource (primitive, group, clone) id' },
        started: { type: 'boolean', description: 'The resource runs' },
        stopped: { type: 'boolean', description: 'The resource runs nowhere' },
        on: { type: 'string', valueHint: 'NODE', description: 'The resource runs on this node' },
        notOn: { type: 'string', valueHint: 'NODE', description: 'The resource runs, and not on this node' },
        node: { type: 'string', valueHint: 'NODE', description: 'A node name' },
        online: { type: 'boolean', description: 'The node is online (and not in standby)' },
        offline: { type: 'boolean', description: 'The node is offline' },
        standby: { type: 'boolean', description: 'The node is in standby' },
        healthy: { type: 'boolean', description: 'The whole cluster is healthy' },
        idle: {
          type: 'boolean',
          description: 'The cluster has nothing left to do (crm_resource --wait); checked before the others',
        },
        ...timeoutArg,
      },
      async run({ args, io }) {
        const checks: { describe: string; holds: (status: ClusterStatus) => boolean }[] = [];
        if (args.resource !== undefined) {
          const id = args.resource;
          if (args.stopped)
            checks.push({ describe: `${id} stopped`, holds: (status) => nodesRunning(status, id).length === 0 });
          if (args.started || args.on !== undefined || args.notOn !== undefined) {
            checks.push({
              describe: `${id} started${args.on ? ` on ${args.on}` : ''}${args.notOn ? ` not on ${args.notOn}` : ''}`,
              holds: (status) => {
                const nodes = nodesRunning(status, id);
                return (
                  nodes.length > 0 &&
                  (args.on === undefined || nodes.includes(args.on)) &&
                  (args.notOn === undefined || !nodes.includes(args.notOn))
                );
              },
            });
          }
        }
        if (args.node !== undefined) {
          const name = args.node;
          const node = (status: ClusterStatus) => status.nodes.find((entry) => entry.name === name);
          if (args.online)
            checks.push({
              describe: `${name} online`,
              holds: (status) => node(status)?.online === true && node(status)?.standby === false,
            });
          if (args.offline)
            checks.push({ describe: `${name} offline`, holds: (status) => node(status)?.online === false });
          if (args.standby)
            checks.push({ describe: `${name} in standby`, holds: (status) => node(status)?.standby === true });
        }
        if (args.healthy)
          checks.push({ describe: 'the cluster healthy', holds: (status) => evaluateHealth(status).healthy });
        if (checks.length === 0 && !args.idle)
          throw new UsageError(
            'say what to wait for: --resource R --started|--stopped|--on N|--not-on N, --node N --online|--offline|--standby, --healthy or --idle',
          );
        const started = Date.now();
        if (args.idle) {
          await new PcsClient().waitUntilIdle({ timeoutMs: timeoutOf(args.timeout) });
          if (checks.length === 0) {
            io.stdout(`the cluster idle (after ${formatDuration(Date.now() - started)})\n`);
            return;
          }
        }
        const description = checks.map((check) => check.describe).join(' and ');
        await new PcsClient().waitFor((status) => checks.every((check) => check.holds(status)), {
          timeoutMs: timeoutOf(args.timeout),
          description,
          stableMs: 500,
        });
        io.stdout(`${description} (after ${formatDuration(Date.now() - started)})\n`);
      },
    }),
  },
});
