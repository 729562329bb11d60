import { createFmtCommand, createPackageCli, defineCliCommand, parseErrorFromDiagnostic, readTextFile, reportFindings, UsageError, parseMaxBytes, maxBytesArg, type CliIo, type Diagnostic } from '@ha/core';
import { syntaxCodes } from './codes.js';
import { addNode, removeNode } from './edit/edits.js';
import { generate, type LinkOptions } from './generate/generate.js';
import { toConfig, type CorosyncConfig } from './model/config.js';
import { safeParse, type CorosyncDocument } from './parse/cst.js';
import { format } from './print/format.js';
import { readCorosyncStatus } from './status/read-status.js';
import { corosyncTools } from './tools.js';
import { checkWithCorosync, localIdentity, namesHost } from './validate/corosync-check.js';
import { checkConfig } from './validate/rules.js';
import { writeConfig } from './write.js';

const fileArg = { file: { type: 'positional', description: 'Path of a corosync.conf', required: true } } as const;
const jsonArg = { json: { type: 'boolean', description: 'Print JSON' } } as const;
async function readDocument(file: string, maxBytes: number | undefined): Promise<{ text: string; document: CorosyncDocument }> {
  const text = await readTextFile(file, { maxBytes });
  return { text, document: safeParse(text, { file }) };
}

// A file corosync could not read is an error of its own (exit 2), before any meaning is judged.
function assertParsable(findings: readonly Diagnostic[]): void {
  const syntax = findings.find((finding) => finding.severity === 'error' && syntaxCodes.has(finding.code));
  if (syntax) throw parseErrorFromDiagnostic(syntax);
}

const fmtCommand = createFmtCommand({
  fileDescription: fileArg.file.description,
  format: async (file, { maxBytes }) => {
    const { text, document } = await readDocument(file, maxBytes);
    assertParsable(document.diagnostics);
    return { text, formatted: format(document) };
  },
});

function printSummary(config: CorosyncConfig, io: CliIo): void {
  const crypto = config.totem.transport === 'knet' ? `${config.totem.cryptoCipher ?? 'none'}/${config.totem.cryptoHash ?? 'none'}` : 'none';
  io.stdout(`cluster ${config.totem.clusterName ?? '(unnamed)'}: transport ${config.totem.transport}, crypto ${crypto}, ${config.nodes.length} node(s)\n`);
  for (const node of config.nodes) {
    io.stdout(`  ${(node.name ?? '(no name)').padEnd(16)} nodeid ${String(node.nodeid ?? '-').padEnd(4)} ${node.links.map((link) => `link${link.link}=${link.address}`).join(' ')}\n`);
  }
  const q = config.quorum;
  const flags = [q.twoNode && 'two_node', q.waitForAll && 'wait_for_all', q.lastManStanding && 'last_man_standing', q.autoTieBreaker && 'auto_tie_breaker'].filter(Boolean);
  io.stdout(`quorum: ${q.provider ?? 'none'}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}${q.expectedVotes !== undefined ? `, expected_votes ${q.expectedVotes}` : ''}${q.device ? `, qdevice ${q.device.model ?? '?'}${q.device.net?.host ? ` at ${q.device.net.host}` : ''}` : ''}\n`);
  const logging = [config.logging.toLogfile && `file ${config.logging.logfile ?? '?'}`, config.logging.toSyslog && 'syslog', config.logging.toStderr && 'stderr'].filter(Boolean);
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
        const { document } = await readDocument(args.file, parseMaxBytes(args.maxBytes));
        assertParsable(document.diagnostics);
        const config = toConfig(document);
        if (args.json) io.stdout(`${JSON.stringify(config, null, 2)}\n`);
        else printSummary(config, io);
      },
    }),
    validate: defineCliCommand({
      meta: { name: 'validate', description: 'Check a corosync.conf (and with the real corosync -t when it belongs to this host); exit 1 on an error finding' },
      args: {
        ...fileArg,
        ...jsonArg,
        strict: { type: 'boolean', description: 'Warnings count as errors' },
        realCheck: { type: 'boolean', description: 'Also run the real corosync -t when the file belongs to this host', default: true },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        // Validated from the text, line by line: no tree of a large file is built.
        const text = await readTextFile(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
        const { findings, nodeNames, nodeAddresses } = checkConfig(text, { file: args.file });
        assertParsable(findings);
        let realCheck = 'skipped';
        if (args.realCheck !== false && findings.every((finding) => finding.severity !== 'error')) {
          const identity = await localIdentity().catch(() => undefined);
          if (identity && namesHost(nodeNames, nodeAddresses, identity)) {
            findings.push(...(await checkWithCorosync(text, { file: args.file })));
            realCheck = 'corosync -t';
          }
        }
        return reportFindings(io, findings, { json: args.json, strict: args.strict, header: { file: args.file, realCheck } });
      },
    }),
    fmt: fmtCommand,
    generate: defineCliCommand({
      meta: { name: 'generate', description: 'Generate a corosync.conf for a new cluster, as pcs cluster setup writes it: generate --name NAME NODE=ADDR[,ADDR2] …' },
      args: {
        nodes: { type: 'positional', description: 'The nodes, each with one address per link (nodeids 1, 2 … in this order)', valueHint: 'NODE=ADDR[,ADDR2]', required: true },
        name: { type: 'string', description: 'Cluster name', required: true },
        transport: { type: 'enum', options: ['knet', 'udp', 'udpu'], description: 'Transport (default knet)' },
        cryptoCipher: { type: 'string', description: 'knet crypto cipher (default aes256)' },
        cryptoHash: { type: 'string', description: 'knet crypto hash (default sha256)' },
        crypto: { type: 'boolean', description: 'Use --no-crypto for none', default: true },
        link: { type: 'string', description: 'Options of a link: N:key=value,key=value (e.g. 0:knet_link_priority=10)' },
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
        const text = generate({
          clusterName: String(args.name),
          nodes,
          transport: (args.transport ?? 'knet') as 'knet' | 'udp' | 'udpu',
          links,
          crypto: args.crypto === false ? false : { ...(args.cryptoCipher ? { cipher: args.cryptoCipher } : {}), ...(args.cryptoHash ? { hash: args.cryptoHash } : {}) },
          quorum: parseOptionList(args.quorum, '--quorum'),
          totem: parseOptionList(args.totem, '--totem'),
          ...(args.uuid === false ? { clusterUuid: false as const } : {}),
        });
        if (args.output) await writeConfig(args.output, text);
        else io.stdout(text);
      },
    }),
    'add-node': defineCliCommand({
      meta: { name: 'add-node', description: 'Add nodes to a corosync.conf in place (atomically, with a backup): add-node FILE NODE=ADDR[,ADDR2] …' },
      args: {
        ...fileArg,
        nodes: { type: 'positional', description: 'The nodes to add, each with one address per link', valueHint: 'NODE=ADDR[,ADDR2]', required: true },
        nodeid: { type: 'string', description: 'nodeid of the (single) new node (default: the lowest free one)', valueHint: 'ID' },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        const specs = args._.slice(1).map(parseNodeSpec);
        if (args.nodeid !== undefined && specs.length > 1) throw new UsageError('--nodeid goes with a single node');
        const { document } = await readDocument(args.file, parseMaxBytes(args.maxBytes));
        assertParsable(document.diagnostics);
        for (const spec of specs) addNode(document, { ...spec, ...(args.nodeid !== undefined ? { nodeid: Number(args.nodeid) } : {}) });
        const result = await writeConfig(args.file, document);
        io.stdout(`${args.file}: added ${specs.map((spec) => spec.name).join(', ')}${result.backupPath ? ` (previous file in ${result.backupPath})` : ''}\n`);
      },
    }),
    'remove-node': defineCliCommand({
      meta: { name: 'remove-node', description: 'Remove nodes from a corosync.conf in place (atomically, with a backup)' },
      args: { ...fileArg, node: { type: 'positional', description: 'Names of the nodes to remove', valueHint: 'NODE', required: true }, ...maxBytesArg },
      async run({ args, io }) {
        const names = args._.slice(1);
        const { document } = await readDocument(args.file, parseMaxBytes(args.maxBytes));
        assertParsable(document.diagnostics);
        for (const name of names) removeNode(document, name);
        const result = await writeConfig(args.file, document);
        io.stdout(`${args.file}: removed ${names.join(', ')}${result.backupPath ? ` (previous file in ${result.backupPath})` : ''}\n`);
      },
    }),
    status: defineCliCommand({
      meta: { name: 'status', description: 'Links and quorum of the local node; exit 1 when a link is down, a member left or quorum is lost' },
      args: jsonArg,
      async run({ args, io }) {
        const status = await readCorosyncStatus();
        if (args.json) io.stdout(`${JSON.stringify(status, null, 2)}\n`);
        else {
          const q = status.quorum;
          io.stdout(`node ${status.localNodeId ?? '?'} (${status.transport ?? '?'}): ${q.quorate ? 'quorate' : 'NOT quorate'}, ${q.totalVotes ?? '?'}/${q.expectedVotes ?? '?'} votes, quorum ${q.quorum ?? '?'}, ring ${q.ringId ?? '?'}\n`);
          for (const link of status.links) {
            io.stdout(`  link ${link.link} ${(link.name ?? `nodeid ${link.nodeid}`).padEnd(16)} ${link.local ? 'local' : link.connected ? 'connected' : 'DOWN'}\n`);
          }
          for (const problem of status.problems) io.stdout(`problem: ${problem}\n`);
        }
        return status.problems.length > 0 ? 1 : 0;
      },
    }),
  },
});
