import {
  createFmtCommand,
  createPackageCli,
  defineCliCommand,
  jsonArg,
  maxBytesArg,
  parseErrorFromDiagnostic,
  parseInteger,
  parseMaxBytes,
  printJson,
  readTextFile,
  reportFindings,
  UsageError,
  type CliIo,
} from '@ha/core';
import { generate, type LinkOptions } from './build/generate.js';
import { syntaxCodes } from './codes.js';
import { addNode, removeNode } from './edit/edits.js';
import { readConfig } from './io/read.js';
import { writeConfig } from './io/write.js';
import { toConfig, type CorosyncConfig } from './model/config.js';
import { parse } from './parse/cst.js';
import { format } from './print/format.js';
import { readCorosyncStatus } from './status/read-status.js';
import { corosyncTools } from './tools.js';
import { checkWithCorosync, localIdentity, namesHost } from './validate/corosync-check.js';
import { checkConfig } from './validate/rules.js';

const fileArg = { file: { type: 'positional', description: 'Path of a corosync.conf', required: true } } as const;

const fmtCommand = createFmtCommand({
  fileDescription: fileArg.file.description,
  parse,
  format,
});

// A bad argument the library refuses with a TypeError came from the command line: a usage error, in the library's words.
function asUsage<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

function printSummary(config: CorosyncConfig, io: CliIo): void {
  const crypto =
    config.totem.transport === 'knet'
      ? `${config.totem.cryptoCipher ?? 'none'}/${config.totem.cryptoHash ?? 'none'}`
      : 'none';
  io.stdout(
    `cluster ${config.totem.clusterName ?? '(unnamed)'}: transport ${config.totem.transport}, crypto ${crypto}, ${config.nodes.length} node(s)\n`,
  );
  for (const node of config.nodes) {
    const links = node.links.map((link) => `link${link.link}=${link.address}`).join(' ');
    io.stdout(`  ${(node.name ?? '(no name)').padEnd(16)} nodeid ${String(node.nodeid ?? '-').padEnd(4)} ${links}\n`);
  }
  const q = config.quorum;
  const flags = [
    q.twoNode && 'two_node',
    q.waitForAll && 'wait_for_all',
    q.lastManStanding && 'last_man_standing',
    q.autoTieBreaker && 'auto_tie_breaker',
  ].filter(Boolean);
  const votes = q.expectedVotes !== undefined ? `, expected_votes ${q.expectedVotes}` : '';
  const device = q.device
    ? `, qdevice ${q.device.model ?? '?'}${q.device.net?.host ? ` at ${q.device.net.host}` : ''}`
    : '';
  io.stdout(`quorum: ${q.provider ?? 'none'}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}${votes}${device}\n`);
  const logging = [
    config.logging.toLogfile && `file ${config.logging.logfile ?? '?'}`,
    config.logging.toSyslog && 'syslog',
    config.logging.toStderr && 'stderr',
  ].filter(Boolean);
  io.stdout(`logging: ${logging.length > 0 ? logging.join(', ') : 'default'}\n`);
}

function parseNodeSpec(spec: string): { name: string; addresses: string[] } {
  const match = /^([^=\s]+)=(.+)$/.exec(spec);
  if (!match) throw new UsageError(`'${spec}' is not NODE=ADDR[,ADDR2…]`);
  return { name: match[1] as string, addresses: (match[2] as string).split(',') };
}

function parseOptionList(value: string | undefined, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of (value ?? '').split(',').filter((entry) => entry.length > 0)) {
    const match = /^([\w.]+)=(.*)$/.exec(item);
    if (!match) throw new UsageError(`${flag}: '${item}' is not key=value`);
    result[match[1] as string] = match[2] as string;
  }
  return result;
}

/** The `ha-corosync` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-corosync',
  description: 'Read, generate, validate and change corosync.conf; show ring status',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: corosyncTools,
  subCommands: {
    show: defineCliCommand({
      meta: { name: 'show', description: 'A readable summary of a corosync.conf (--json: the typed model)' },
      args: { ...fileArg, ...jsonArg, ...maxBytesArg },
      async run({ args, io }) {
        const { document } = await readConfig(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
        const config = toConfig(document);
        if (args.json) printJson(io, config);
        else printSummary(config, io);
      },
    }),
    validate: defineCliCommand({
      meta: {
        name: 'validate',
        description:
          'Check a corosync.conf (and with the real corosync -t when it belongs to this host); exit 1 on an error finding',
      },
      args: {
        ...fileArg,
        ...jsonArg,
        strict: { type: 'boolean', description: 'Warnings count as errors' },
        realCheck: {
          type: 'boolean',
          description: 'Also run the real corosync -t when the file belongs to this host',
          default: true,
        },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        // Validated from the text, line by line: no tree of a large file is built.
        const text = await readTextFile(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
        const { findings, nodeNames, nodeAddresses } = checkConfig(text, { file: args.file });
        // A file corosync could not read is an error of its own (exit 2, as `parse` would throw), before any meaning is judged.
        const syntax = findings.find((finding) => finding.severity === 'error' && syntaxCodes.has(finding.code));
        if (syntax) throw parseErrorFromDiagnostic(syntax);
        let realCheck = 'skipped';
        if (args.realCheck !== false && findings.every((finding) => finding.severity !== 'error')) {
          const identity = await localIdentity().catch(() => undefined);
          if (identity && namesHost(nodeNames, nodeAddresses, identity)) {
            findings.push(...(await checkWithCorosync(text, { file: args.file })).findings);
            realCheck = 'corosync -t';
          }
        }
        return reportFindings(io, findings, {
          json: args.json,
          strict: args.strict,
          header: { file: args.file, realCheck },
        });
      },
    }),
    fmt: fmtCommand,
    generate: defineCliCommand({
      meta: {
        name: 'generate',
        description:
          'Generate a corosync.conf for a new cluster, as pcs cluster setup writes it: generate --name NAME NODE=ADDR[,ADDR2] …',
      },
      args: {
        nodes: {
          type: 'positional',
          description: 'The nodes, each with one address per link (nodeids 1, 2 … in this order)',
          valueHint: 'NODE=ADDR[,ADDR2]',
          required: true,
        },
        name: { type: 'string', description: 'Cluster name', required: true },
        transport: { type: 'enum', options: ['knet', 'udp', 'udpu'], description: 'Transport (default knet)' },
        cryptoCipher: { type: 'string', description: 'knet crypto cipher (default aes256)' },
        cryptoHash: { type: 'string', description: 'knet crypto hash (default sha256)' },
        crypto: { type: 'boolean', description: 'Use --no-crypto for none', default: true },
        link: {
          type: 'string',
          description: 'Options of a link: N:key=value,key=value (e.g. 0:knet_link_priority=10)',
        },
        quorum: { type: 'string', description: 'Quorum options: key=value,… (e.g. wait_for_all=1)' },
        totem: { type: 'string', description: 'Totem options: key=value,… (e.g. token=5000)' },
        uuid: { type: 'boolean', description: 'Use --no-uuid to leave out cluster_uuid', default: true },
        output: { type: 'string', alias: 'o', description: 'Write to this file (atomically) instead of printing' },
      },
      async run({ args, io }) {
        const nodes = args._.map(parseNodeSpec);
        const links: Record<number, LinkOptions> = {};
        if (args.link) {
          const match = /^(\d+):(.*)$/.exec(args.link);
          if (!match) throw new UsageError(`--link: '${args.link}' is not N:key=value,…`);
          links[Number(match[1])] = parseOptionList(match[2], '--link');
        }
        const text = asUsage(() =>
          generate({
            clusterName: String(args.name),
            nodes,
            transport: args.transport as 'knet' | 'udp' | 'udpu' | undefined,
            links,
            crypto: args.crypto === false ? false : { cipher: args.cryptoCipher, hash: args.cryptoHash },
            quorum: parseOptionList(args.quorum, '--quorum'),
            totem: parseOptionList(args.totem, '--totem'),
            clusterUuid: args.uuid === false ? false : undefined,
          }),
        );
        if (args.output) await writeConfig(args.output, text);
        else io.stdout(text);
      },
    }),
    'add-node': defineCliCommand({
      meta: {
        name: 'add-node',
        description:
          'Add nodes to a corosync.conf in place (atomically, with a backup): add-node FILE NODE=ADDR[,ADDR2] …',
      },
      args: {
        ...fileArg,
        nodes: {
          type: 'positional',
          description: 'The nodes to add, each with one address per link',
          valueHint: 'NODE=ADDR[,ADDR2]',
          required: true,
        },
        nodeid: {
          type: 'string',
          description: 'nodeid of the (single) new node (default: the lowest free one)',
          valueHint: 'ID',
        },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        const specs = args._.slice(1).map(parseNodeSpec);
        if (args.nodeid !== undefined && specs.length > 1) throw new UsageError('--nodeid goes with a single node');
        const nodeid =
          args.nodeid === undefined
            ? undefined
            : parseInteger(args.nodeid, { min: 1, max: 0xffffffff, what: '--nodeid' });
        const read = await readConfig(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
        for (const spec of specs) asUsage(() => addNode(read.document, { ...spec, nodeid }));
        const result = await writeConfig(args.file, read.document, { expectedSha256: read.sha256 });
        io.stdout(
          `${args.file}: added ${specs.map((spec) => spec.name).join(', ')}${result.backupPath ? ` (previous file in ${result.backupPath})` : ''}\n`,
        );
      },
    }),
    'remove-node': defineCliCommand({
      meta: {
        name: 'remove-node',
        description: 'Remove nodes from a corosync.conf in place (atomically, with a backup)',
      },
      args: {
        ...fileArg,
        node: { type: 'positional', description: 'Names of the nodes to remove', valueHint: 'NODE', required: true },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        const names = args._.slice(1);
        const read = await readConfig(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
        for (const name of names) removeNode(read.document, name);
        const result = await writeConfig(args.file, read.document, { expectedSha256: read.sha256 });
        io.stdout(
          `${args.file}: removed ${names.join(', ')}${result.backupPath ? ` (previous file in ${result.backupPath})` : ''}\n`,
        );
      },
    }),
    status: defineCliCommand({
      meta: {
        name: 'status',
        description: 'Links and quorum of the local node; exit 1 when a link is down, a member left or quorum is lost',
      },
      args: jsonArg,
      async run({ args, io }) {
        const status = await readCorosyncStatus();
        if (args.json) printJson(io, status);
        else {
          const q = status.quorum;
          io.stdout(
            `node ${status.localNodeId ?? '?'} (${status.transport ?? '?'}): ${q.quorate ? 'quorate' : 'NOT quorate'}, ` +
              `${q.totalVotes ?? '?'}/${q.expectedVotes ?? '?'} votes, quorum ${q.quorum ?? '?'}, ring ${q.ringId ?? '?'}\n`,
          );
          for (const link of status.links) {
            io.stdout(
              `  link ${link.link} ${(link.name ?? `nodeid ${link.nodeid}`).padEnd(16)} ${link.local ? 'local' : link.connected ? 'connected' : 'DOWN'}\n`,
            );
          }
          for (const reason of status.health.reasons)
            io.stdout(`${status.health.state}: ${reason.message} (${reason.code})\n`);
        }
        return status.health.healthy ? 0 : 1;
      },
    }),
  },
});
