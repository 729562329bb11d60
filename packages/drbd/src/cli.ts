import { hostname } from 'node:os';
import {
  createFmtCommand,
  createPackageCli,
  defineCliCommand,
  formatDuration,
  HaError,
  jsonArg,
  maxBytesArg,
  parseMaxBytes,
  printJson,
  reportFindings,
  UsageError,
  writeFileAtomic,
  type CliCommand,
  type CliIo,
} from '@ha/core';
import { buildResource, type ResourceSpec } from './build/builder.js';
import { Drbdadm, type DrbdadmVerb } from './commands/drbdadm.js';
import { readConfig } from './io/read.js';
import { toConfig } from './model/config.js';
import { parse } from './parse/cst.js';
import { format } from './print/format.js';
import { watchEvents2 } from './status/events2.js';
import { evaluateDrbdHealth, type DrbdHealth } from './status/health.js';
import type { DrbdStatus } from './status/model.js';
import { readDrbdStatus, readDrbdStatusFile } from './status/read.js';
import { drbdTools } from './tools.js';
import { checkFileWithDrbdadm } from './validate/drbdadm-check.js';
import { validate } from './validate/rules.js';

const fileArg = {
  type: 'positional',
  valueHint: 'FILE',
  description: 'drbd.conf or a .res file (with the files it includes, relative to it)',
  required: true,
} as const;

// A resource spec from the command line: the builder's TypeError for a bad value is the CLI's usage error.
function buildFromArgs(spec: ResourceSpec): string {
  try {
    return buildResource(spec);
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

function bar(percent: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${' '.repeat(width - filled)}]`;
}

// `health` is `evaluateDrbdHealth(status)`: its resources are the status's, in order.
function printStatus(status: DrbdStatus, health: DrbdHealth, io: CliIo): void {
  if (status.resources.length === 0) io.stdout('no DRBD resources\n');
  // Written a batch of lines at a time: one write per line is slow for thousands of resources.
  let lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    if (lines.length >= 1024) flush();
  };
  const flush = () => {
    if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
    lines = [];
  };
  status.resources.forEach((resource, index) => {
    const verdict = health.resources[index];
    const nodeId = resource.nodeId !== undefined ? ` (node-id ${resource.nodeId})` : '';
    const suspended = resource.suspended ? ` SUSPENDED (${resource.suspendedReasons.join(', ')})` : '';
    print(`${resource.name} ${resource.role}${nodeId}${suspended}: ${verdict?.state ?? 'unknown'}`);
    for (const device of resource.devices) {
      const minor = device.minor !== undefined ? ` minor ${device.minor}` : '';
      const client = device.client ? ' (client)' : '';
      const noQuorum = device.quorum === false ? ' NO QUORUM' : '';
      print(`  volume ${device.volume}${minor}: ${device.diskState}${client}${noQuorum}`);
    }
    for (const connection of resource.connections) {
      print(`  ${connection.name} ${connection.connectionState} ${connection.peerRole}`);
      for (const peer of connection.peerDevices) {
        let progress = '';
        if (peer.percentInSync !== undefined && peer.replicationState !== 'Established') {
          const eta = peer.etaSeconds !== undefined ? ` eta ${formatDuration(peer.etaSeconds * 1000)}` : '';
          progress = ` ${bar(peer.percentInSync)} ${peer.percentInSync.toFixed(1)}%${eta}`;
        }
        print(`    volume ${peer.volume}: ${peer.replicationState}, peer ${peer.peerDiskState}${progress}`);
      }
    }
    for (const reason of verdict?.reasons ?? []) print(`  - ${reason.message}`);
  });
  flush();
}

function verbCommand(
  verb: DrbdadmVerb,
  description: string,
  extra: Record<string, { type: 'boolean' | 'string'; description: string }> = {},
): CliCommand<any> {
  return defineCliCommand({
    meta: { name: verb, description: `${description} (--dry-run: print the drbdsetup/drbdmeta commands instead)` },
    args: {
      resource: {
        type: 'positional',
        description: 'Resource name (or RESOURCE:PEER for connect/disconnect)',
        required: true,
      },
      dryRun: { type: 'boolean', description: 'Do nothing; print what drbdadm would run (drbdadm -d)' },
      config: { type: 'string', description: 'drbd.conf to use (drbdadm -c)' },
      node: { type: 'string', description: 'Act as this host (for a dry run on another machine)' },
      ...extra,
    },
    async run({ args, io }) {
      const client = new Drbdadm({
        configFile: args.config,
        node: args.node,
        driverVersion: args.dryRun ? '9.2.0' : undefined,
      });
      const flags = [...(args.force ? ['--force'] : []), ...(args.discardMyData ? ['--discard-my-data'] : [])];
      const result = await client.run(verb, args.resource, flags, args.dryRun === true);
      if (result.dryRun)
        for (const command of result.commands) io.stdout(`${command.program} ${command.args.join(' ')}\n`);
      else io.stdout(`${args.resource}: ${verb} done\n`);
    },
  });
}

/** The `ha-drbd` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-drbd',
  description:
    'DRBD resources: status and health, resource files (show, validate, fmt, generate), and drbdadm with dry runs. Exit 0 healthy, 1 degraded, 2 error',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: drbdTools,
  subCommands: {
    status: defineCliCommand({
      meta: {
        name: 'status',
        description:
          'Replication state and health (exit 1 when degraded); --watch follows events2 live; --from reads a saved capture',
      },
      args: {
        resource: { type: 'positional', description: 'Only this resource', required: false },
        ...jsonArg,
        watch: { type: 'boolean', description: 'Follow drbdsetup events2 and print each change (Ctrl-C ends)' },
        from: {
          type: 'string',
          valueHint: 'FILE',
          description:
            'A saved `drbdsetup status --json`, `drbdadm status`, /proc/drbd or `drbdsetup events2 --now` capture',
        },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        const only = args.resource as string | undefined;
        const pick = (status: DrbdStatus): DrbdStatus =>
          only ? { ...status, resources: status.resources.filter((resource) => resource.name === only) } : status;
        if (args.watch) {
          if (args.from) throw new UsageError('--watch follows the live events; --from reads a capture');
          const controller = new AbortController();
          process.once('SIGINT', () => controller.abort());
          for await (const item of watchEvents2({ signal: controller.signal })) {
            if (item.type === 'warning') io.stderr(`ha-drbd: skipped line ${item.lineNumber}: ${item.message}\n`);
            // The initial `exists` events are the state `initialized` prints once; then each change.
            else if (
              item.type === 'initialized' ||
              (item.type === 'event' &&
                item.event.verb !== 'exists' &&
                (only === undefined || item.event.resource === only))
            ) {
              const status = pick(item.status);
              const heading =
                item.type === 'event'
                  ? `${item.event.timestamp ?? ''} ${item.event.verb} ${item.event.object} ${item.event.resource}`
                  : 'current state';
              io.stdout(`--- ${heading}\n`);
              printStatus(status, evaluateDrbdHealth(status), io);
            }
          }
          return 0;
        }
        const status = pick(
          args.from
            ? await readDrbdStatusFile(args.from, { maxBytes: parseMaxBytes(args.maxBytes) })
            : await readDrbdStatus({ resource: only }),
        );
        if (only && status.resources.length === 0) throw new HaError('NOT_FOUND', `no DRBD resource '${only}'`);
        const health = evaluateDrbdHealth(status);
        if (args.json) printJson(io, { ...status, health });
        else printStatus(status, health, io);
        return health.healthy ? 0 : 1;
      },
    }),
    fmt: createFmtCommand({
      fileDescription: 'A drbd.conf or .res file (its includes are not followed)',
      parse,
      format,
    }),
    show: defineCliCommand({
      meta: { name: 'show', description: 'The resources of a drbd.conf or .res file (--json: the typed model)' },
      args: { file: fileArg, ...jsonArg, ...maxBytesArg },
      async run({ args, io }) {
        const { files } = await readConfig(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
        const config = toConfig(files.map((file) => file.document));
        if (args.json) {
          printJson(io, config);
          return;
        }
        for (const resource of config.resources) {
          io.stdout(`resource ${resource.name}${resource.protocol ? ` (protocol ${resource.protocol})` : ''}\n`);
          for (const volume of resource.volumes) {
            const device = volume.device?.path ?? `minor ${volume.device?.minor ?? '?'}`;
            const metaDisk = volume.metaDisk?.kind ?? '?';
            io.stdout(`  volume ${volume.number}: ${device} on ${volume.disk ?? '?'}, meta-disk ${metaDisk}\n`);
          }
          for (const host of resource.hosts) {
            const hostNames = host.floating ? 'floating' : host.names.join(' ');
            const nodeId = host.nodeId !== undefined ? ` node-id ${host.nodeId}` : '';
            const address = host.address
              ? ` ${host.address.family} ${host.address.host}:${host.address.port ?? '?'}`
              : '';
            io.stdout(`  ${hostNames}${nodeId}${address}\n`);
            for (const volume of host.volumes)
              io.stdout(
                `    volume ${volume.number}: ${volume.device?.path ?? `minor ${volume.device?.minor ?? '?'}`} on ${volume.disk ?? '?'}\n`,
              );
          }
          if (resource.mesh) io.stdout(`  mesh: ${resource.mesh.hosts.join(' ')}\n`);
          for (const connection of resource.connections)
            io.stdout(
              `  connection${connection.name ? ` ${connection.name}` : ''}: ${connection.hosts.map((host) => host.name).join(' ↔ ')}\n`,
            );
        }
      },
    }),
    validate: defineCliCommand({
      meta: {
        name: 'validate',
        description:
          'Check a resource file (our rules, then the real drbdadm dump); exit 0 clean, 1 on an error finding, 2 unreadable',
      },
      args: {
        file: fileArg,
        ...jsonArg,
        strict: { type: 'boolean', description: 'Warnings count as errors' },
        host: {
          type: 'string',
          valueHint: 'NAME',
          description: "This host's name (default: the machine's), to check each resource is defined for it",
        },
        realCheck: {
          type: 'boolean',
          description: 'Also run drbdadm -c FILE dump (default on; --no-real-check to skip)',
          default: true,
        },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        const { files, findings: includeFindings } = await readConfig(args.file, {
          maxBytes: parseMaxBytes(args.maxBytes),
        });
        const findings = [
          ...includeFindings,
          ...validate(
            files.map((file) => file.document),
            { host: args.host ?? hostname() },
          ),
        ];
        if (args.realCheck !== false) {
          // The file itself, where it is: drbdadm reads its includes relative to it.
          const real = await checkFileWithDrbdadm(args.file);
          // drbdadm's "Failed to open include file" for an include we already reported.
          const reported = new Set(includeFindings.map((finding) => `${finding.file}:${finding.line}`));
          findings.push(...real.findings.filter((finding) => !reported.has(`${finding.file}:${finding.line}`)));
        }
        return reportFindings(io, findings, { json: args.json, strict: args.strict, header: { file: args.file } });
      },
    }),
    gen: defineCliCommand({
      meta: {
        name: 'gen',
        description:
          'Generate a resource file: gen --name R --device DEV --disk DISK --node NAME=ADDR:PORT --node … [-o FILE]',
      },
      args: {
        name: { type: 'string', description: 'Resource name', required: true },
        device: { type: 'string', description: '/dev/drbdN, or a minor number', required: true },
        disk: { type: 'string', description: 'The backing block device', required: true },
        metaDisk: { type: 'string', description: 'internal (default) or a device' },
        node: { type: 'string', description: 'NAME=ADDR:PORT, once per node' },
        protocol: { type: 'enum', options: ['A', 'B', 'C'], description: 'Replication protocol' },
        mesh: { type: 'boolean', description: 'A connection-mesh (default for three or more nodes)' },
        output: { type: 'string', alias: 'o', description: 'Write to this file (atomically) instead of printing' },
      },
      async run({ args, rawArgs, io }) {
        const specs: string[] = [];
        rawArgs.forEach((arg, index) => {
          if (arg === '--node' && rawArgs[index + 1] !== undefined) specs.push(rawArgs[index + 1] as string);
          else if (arg.startsWith('--node=')) specs.push(arg.slice('--node='.length));
        });
        if (specs.length < 2) throw new UsageError('give at least two --node NAME=ADDR:PORT');
        const nodes = specs.map((spec) => {
          const match = /^([^=]+)=(.+)$/.exec(spec);
          if (!match) throw new UsageError(`--node '${spec}' is not NAME=ADDR:PORT`);
          return { name: match[1] as string, address: match[2] as string };
        });
        const deviceText = String(args.device);
        const device = /^\d+$/.test(deviceText) ? Number(deviceText) : deviceText;
        const text = buildFromArgs({
          name: String(args.name),
          device,
          disk: String(args.disk),
          metaDisk: args.metaDisk ?? 'internal',
          nodes,
          protocol: args.protocol as ResourceSpec['protocol'],
          mesh: args.mesh,
        });
        if (args.output) await writeFileAtomic(args.output, text);
        else io.stdout(text);
      },
    }),
    'create-md': verbCommand('create-md', 'Write DRBD metadata on the backing disk', {
      force: { type: 'boolean', description: 'Do not ask' },
    }),
    up: verbCommand('up', 'Bring a resource up (attach, connect)'),
    down: verbCommand('down', 'Take a resource down'),
    adjust: verbCommand('adjust', 'Make a running resource match its file'),
    primary: verbCommand('primary', 'Promote to Primary', {
      force: { type: 'boolean', description: 'Without an UpToDate peer (the first time)' },
    }),
    secondary: verbCommand('secondary', 'Demote to Secondary'),
    connect: verbCommand('connect', 'Connect to the peers', {
      discardMyData: { type: 'boolean', description: "After a split brain: throw this node's changes away" },
    }),
    disconnect: verbCommand('disconnect', 'Disconnect from the peers'),
    invalidate: verbCommand('invalidate', "Discard this node's copy and resync it"),
    resize: verbCommand('resize', 'Grow to the backing disk'),
    verify: verbCommand('verify', 'Online verification against the peers'),
    'pause-sync': verbCommand('pause-sync', 'Pause a resync'),
    'resume-sync': verbCommand('resume-sync', 'Resume a resync'),
  },
});
