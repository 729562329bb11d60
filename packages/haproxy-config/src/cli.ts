import {
  createFmtCommand,
  createPackageCli,
  defineCliCommand,
  jsonArg,
  maxBytesArg,
  parseMaxBytes,
  printJson,
  readTextFile,
  reportFindings,
  UsageError,
  type CliIo,
} from '@ha/core';
import { addMonitorLog, addServer, removeServer, setServer } from './edit/edits.js';
import { readConfig } from './io/read.js';
import { install, type ReloadMethod } from './io/write.js';
import { effective, toConfig } from './model/config.js';
import type { HaproxyConfig, ProxySection } from './model/schema.js';
import { parse, type HaproxyDocument } from './parse/cst.js';
import { format } from './print/format.js';
import { haproxyConfigTools } from './tools.js';
import { checkWithHaproxy } from './validate/haproxy-check.js';
import { validate } from './validate/rules.js';

const fileArg = {
  file: {
    type: 'positional',
    description: 'haproxy.cfg (or a directory of *.cfg, as haproxy -f reads it)',
    valueHint: 'FILE',
    required: true,
  },
} as const;
const installArgs = {
  reload: {
    type: 'string',
    description:
      "Command that reloads HAProxy after the file is in place, e.g. 'systemctl reload haproxy' (split on blanks, no shell)",
    valueHint: 'CMD',
  },
  masterSocket: {
    type: 'string',
    description: "Reload through HAProxy's master CLI socket instead, and confirm a new worker took over",
    valueHint: 'PATH',
  },
  check: {
    type: 'boolean',
    description: 'Check with the real haproxy -c first (default on; --no-check to skip)',
    default: true,
  },
  ...maxBytesArg,
} as const;

function reloadOf(args: { reload?: string | undefined; masterSocket?: string | undefined }): ReloadMethod | undefined {
  if (args.reload !== undefined && args.masterSocket !== undefined)
    throw new UsageError('--reload and --master-socket exclude each other');
  if (args.masterSocket !== undefined) return { masterSocket: args.masterSocket };
  if (args.reload !== undefined) {
    const command = args.reload
      .trim()
      .split(/\s+/)
      .filter((word) => word.length > 0);
    if (command.length === 0) throw new UsageError('--reload needs a command');
    return { command };
  }
  return undefined;
}

/** Reads the file, applies an edit, and installs the result safely (our rules, lock, stale check, haproxy -c, backup, reload). */
async function editInPlace(
  args: {
    file: string;
    reload?: string | undefined;
    masterSocket?: string | undefined;
    check?: boolean | undefined;
    maxBytes?: string | undefined;
  },
  io: CliIo,
  describe: string,
  edit: (document: HaproxyDocument) => void,
): Promise<void> {
  const reload = reloadOf(args);
  const { path, files, document, sha256 } = await readConfig(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
  if (files.length > 1 || path !== args.file)
    throw new UsageError(`${args.file} is a directory: name the file to change`);
  edit(document);
  const report = await install(path, document, { expectedSha256: sha256, check: args.check !== false, reload });
  const notes = [
    report.checked && 'checked by haproxy -c',
    report.backupPath && `previous file in ${report.backupPath}`,
    report.reloaded && 'reloaded',
  ].filter(Boolean);
  io.stdout(
    `${args.file}: ${describe}${report.changed ? '' : ' (no change)'}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}\n`,
  );
}

function printTree(config: HaproxyConfig, io: CliIo): void {
  const proxyLine = (proxy: ProxySection) => {
    const parts = [
      effective(config, proxy, (entry) => entry.mode) ?? 'tcp',
      effective(config, proxy, (entry) => entry.balance?.algorithm),
    ].filter(Boolean);
    return `${proxy.kind} ${proxy.name ?? '(unnamed)'} (${parts.join(', ')})`;
  };
  const servers = (proxy: ProxySection, indent: string) => {
    for (const server of proxy.servers) {
      const flags = [
        server.check && 'check',
        server.backup && 'backup',
        server.disabled && 'disabled',
        server.weight !== undefined && `weight ${server.weight}`,
        server.ssl && 'ssl',
      ].filter(Boolean);
      io.stdout(`${indent}${server.name} ${server.address.raw}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}\n`);
    }
  };
  for (const proxy of [...config.frontends, ...config.listens]) {
    io.stdout(
      `${proxyLine(proxy)}${proxy.binds.length > 0 ? ` bind ${proxy.binds.map((bind) => `${bind.address.raw}${bind.ssl ? ' ssl' : ''}`).join(', ')}` : ''}\n`,
    );
    for (const route of proxy.useBackends)
      io.stdout(
        `  → ${route.backend} ${route.condition ? `${route.condition.kind} ${route.condition.terms.join(' ')}` : ''}\n`,
      );
    if (proxy.defaultBackend) io.stdout(`  → ${proxy.defaultBackend} (default)\n`);
    if (proxy.kind === 'listen') servers(proxy, '  ');
  }
  for (const backend of config.backends) {
    io.stdout(`${proxyLine(backend)}\n`);
    servers(backend, '  ');
  }
  const others = config.sections.map((section) => `${section.kind}${section.name ? ` ${section.name}` : ''}`);
  if (others.length > 0) io.stdout(`other sections: ${others.join(', ')}\n`);
}

// The live commands' code (the runtime client, plans, drift) loads only for them.
async function liveCode() {
  const [apply, words, drift] = await Promise.all([
    import('./live/apply.js'),
    import('./live/change-words.js'),
    import('./live/drift.js'),
  ]);
  return { ...apply, ...words, ...drift };
}

/** The `ha-haproxy-config` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-haproxy-config',
  description: 'Read, check, format and change haproxy.cfg losslessly; install changes safely',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: haproxyConfigTools,
  subCommands: {
    validate: defineCliCommand({
      meta: {
        name: 'validate',
        description:
          'Check a configuration (our rules, then the real haproxy -c); exit 0 clean, 1 on an error finding, 2 unreadable',
      },
      args: {
        ...fileArg,
        ...jsonArg,
        strict: { type: 'boolean', description: 'Warnings count as errors' },
        realCheck: {
          type: 'boolean',
          description: 'Also run haproxy -c (default on; --no-real-check to skip)',
          default: true,
        },
        ...maxBytesArg,
      },
      async run({ args, io }) {
        const documents = (await readConfig(args.file, { maxBytes: parseMaxBytes(args.maxBytes) })).files.map(
          (file) => file.document,
        );
        const findings = validate(documents);
        let realCheck = 'skipped';
        if (args.realCheck !== false) {
          const result = await checkWithHaproxy(documents);
          findings.push(...result.findings);
          realCheck = `haproxy -c: ${result.valid ? 'valid' : 'refused'}`;
        }
        return reportFindings(io, findings, {
          json: args.json,
          strict: args.strict,
          header: { files: documents.map((document) => document.file), realCheck },
        });
      },
    }),
    fmt: createFmtCommand({
      fileDescription: 'haproxy.cfg',
      parse,
      format,
    }),
    show: defineCliCommand({
      meta: { name: 'show', description: 'Frontends → backends → servers as a tree (--json: the typed model)' },
      args: { ...fileArg, ...jsonArg, ...maxBytesArg },
      async run({ args, io }) {
        const { files } = await readConfig(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
        const config = toConfig(files.map((file) => file.document));
        if (args.json) printJson(io, config);
        else printTree(config, io);
      },
    }),
    'add-server': defineCliCommand({
      meta: {
        name: 'add-server',
        description:
          'add-server FILE BACKEND NAME ADDRESS [OPTIONS…], e.g. add-server haproxy.cfg servers web3 192.168.1.12:80 check',
      },
      args: {
        ...fileArg,
        backend: { type: 'positional', description: 'Backend name', valueHint: 'BACKEND', required: true },
        name: { type: 'positional', description: 'Server name', valueHint: 'NAME', required: true },
        address: { type: 'positional', description: 'ADDRESS[:PORT]', valueHint: 'ADDRESS', required: true },
        ...installArgs,
      },
      async run({ args, io }) {
        const options = args._.slice(4);
        await editInPlace(args, io, `added server ${args.backend}/${args.name}`, (document) =>
          addServer(document, args.backend, { name: args.name, address: args.address, options }),
        );
      },
    }),
    'add-monitor-log': defineCliCommand({
      meta: {
        name: 'add-monitor-log',
        description:
          "add-monitor-log FILE TARGET: the lines ha-monitor's [haproxy] log_listen needs (log TARGET local0 in " +
          'global, option log-health-checks in defaults), e.g. add-monitor-log haproxy.cfg 127.0.0.1:5514',
      },
      args: {
        ...fileArg,
        target: {
          type: 'positional',
          description: 'Where HAProxy sends its log',
          valueHint: 'HOST:PORT',
          required: true,
        },
        facility: { type: 'string', description: 'Syslog facility (default local0)', valueHint: 'FACILITY' },
        ...installArgs,
      },
      async run({ args, io }) {
        await editInPlace(args, io, `logs to ${args.target} with its health checks`, (document) => {
          addMonitorLog(document, args.target, args.facility);
        });
      },
    }),
    apply: defineCliCommand({
      meta: {
        name: 'apply',
        description:
          'apply FILE --socket S VERB ARGS…: one change live through the Runtime API and into its file ' +
          '(a reload when HAProxy cannot make it live), e.g. apply haproxy.cfg --socket S set-weight servers/web1 50',
      },
      args: {
        ...fileArg,
        socket: { type: 'string', description: 'Runtime API socket (level admin)', valueHint: 'PATH', required: true },
        dryRun: {
          type: 'boolean',
          description: 'Show the lines that would change and the runtime commands; apply nothing',
        },
        ...jsonArg,
        ...installArgs,
      },
      async run({ args, io }) {
        const { applyChange, changeFromWords } = await liveCode();
        const change = await changeFromWords(args._.slice(1), (path) => readTextFile(path));
        const report = await applyChange(change, {
          config: args.file,
          socket: args.socket,
          reload: reloadOf(args),
          dryRun: args.dryRun === true,
          check: args.check !== false,
        });
        if (args.json) return printJson(io, report);
        const verb = report.applied
          ? report.route === 'runtime'
            ? 'applied live'
            : 'installed with a reload'
          : 'would apply';
        io.stdout(`${report.file}: ${report.change}: ${verb}${report.reason ? ` (${report.reason})` : ''}\n`);
        if (!report.applied || args.dryRun) {
          for (const line of report.removed) io.stdout(`- ${line}\n`);
          for (const line of report.added) io.stdout(`+ ${line}\n`);
          for (const command of report.commands) io.stdout(`runtime: ${command}\n`);
        }
        for (const note of report.notes) io.stdout(`note: ${note}\n`);
      },
    }),
    drift: defineCliCommand({
      meta: {
        name: 'drift',
        description:
          'Where the running HAProxy and its files disagree (servers, states, weights, addresses, maxconn, map and ACL entries); exit 1 when they do',
      },
      args: {
        ...fileArg,
        socket: { type: 'string', description: 'Runtime API socket', valueHint: 'PATH', required: true },
        ...jsonArg,
      },
      async run({ args, io }) {
        const { diffRuntime, formatDrift } = await liveCode();
        const drifts = await diffRuntime({ config: args.file, socket: args.socket });
        if (args.json) printJson(io, drifts);
        else if (drifts.length === 0) io.stdout(`${args.file}: the running HAProxy matches its files\n`);
        else for (const drift of drifts) io.stdout(`${formatDrift(drift)}\n`);
        return drifts.length === 0 ? 0 : 1;
      },
    }),
    'remove-server': defineCliCommand({
      meta: { name: 'remove-server', description: 'remove-server FILE BACKEND NAME' },
      args: {
        ...fileArg,
        backend: { type: 'positional', description: 'Backend name', valueHint: 'BACKEND', required: true },
        name: { type: 'positional', description: 'Server name', valueHint: 'NAME', required: true },
        ...installArgs,
      },
      async run({ args, io }) {
        await editInPlace(args, io, `removed server ${args.backend}/${args.name}`, (document) =>
          removeServer(document, args.backend, args.name),
        );
      },
    }),
    'set-server': defineCliCommand({
      meta: {
        name: 'set-server',
        description:
          'set-server FILE BACKEND NAME [--address A] [OPTIONS…]: new options replace the old ones (none given: they stay)',
      },
      args: {
        ...fileArg,
        backend: { type: 'positional', description: 'Backend name', valueHint: 'BACKEND', required: true },
        name: { type: 'positional', description: 'Server name', valueHint: 'NAME', required: true },
        address: { type: 'string', description: 'New ADDRESS[:PORT]', valueHint: 'ADDRESS' },
        ...installArgs,
      },
      async run({ args, io }) {
        const options = args._.slice(3);
        if (options.length === 0 && args.address === undefined)
          throw new UsageError('give --address, new options, or both');
        // No option words: the server's own stay (setServer replaces them only when given some).
        await editInPlace(args, io, `changed server ${args.backend}/${args.name}`, (document) =>
          setServer(document, args.backend, args.name, {
            address: args.address,
            options: options.length > 0 ? options : undefined,
          }),
        );
      },
    }),
  },
});
