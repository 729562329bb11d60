import {
  createPackageCli,
  DEFAULT_MAX_INPUT_BYTES,
  defineCliCommand,
  InputTooLargeError,
  jsonArg,
  maxBytesArg,
  parseDuration,
  parseMaxBytes,
  printJson,
  readTextFile,
  safeParseInteger,
  UsageError,
  type CliIo,
} from '@ha/core';
import { HaproxyRuntime, splitServer } from './client.js';
import { RuntimeCommandError } from './errors.js';
import { summarizeStat, type StatOverview } from './model/overview.js';
import { StatJsonByteEncoder } from './print/stat-json-bytes.js';
import { defaultSocket, loadProfile } from './profile.js';
import type { LoadedCertificate } from './ssl/replace.js';
import { haproxyRuntimeTools } from './tools.js';

const connectionArgs = {
  socket: {
    type: 'string',
    alias: 's',
    description: `Stats socket: a path, ipv4@HOST:PORT or ipv6@[HOST]:PORT (default: profile, else ${defaultSocket})`,
  },
  profile: { type: 'string', description: 'A [section] of the profile file' },
  config: {
    type: 'string',
    description: 'Profile file (default ~/.config/ha-toolkit/haproxy.ini, then /etc/ha-toolkit/haproxy.ini)',
  },
  timeout: { type: 'string', description: 'Deadline of each answer, e.g. 5s (default 10s)' },
} as const;
const serverArg = { server: { type: 'positional', description: 'BACKEND/SERVER', required: true } } as const;

interface ConnectionFlags {
  socket?: string | undefined;
  profile?: string | undefined;
  config?: string | undefined;
  timeout?: string | undefined;
}

// Flags override the profile; the profile overrides the defaults. A command or two go over
// one-shot connections (as socat does); a batch is pipelined over one session.
async function connect(flags: ConnectionFlags, mode: 'session' | 'oneshot'): Promise<HaproxyRuntime> {
  const profile = await loadProfile({ file: flags.config, name: flags.profile });
  const timeoutMs =
    flags.timeout === undefined ? profile?.timeoutMs : parseDuration(flags.timeout, { what: '--timeout' });
  return new HaproxyRuntime(flags.socket ?? profile?.socket ?? defaultSocket, {
    timeoutMs,
    mode: profile?.mode ?? mode,
  });
}

// A server that is not BACKEND/SERVER is an error in how the CLI was called: found before connecting.
function serverArgument(text: string): string {
  try {
    splitServer(text);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  return text;
}

async function withRuntime<T>(
  flags: ConnectionFlags,
  work: (runtime: HaproxyRuntime) => Promise<T>,
  mode: 'session' | 'oneshot' = 'oneshot',
): Promise<T> {
  const runtime = await connect(flags, mode);
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

function printOverview(overview: StatOverview, io: CliIo): void {
  const table: string[][] = [['NAME', 'STATUS', 'WEIGHT', 'SESSIONS', 'QUEUE', 'CHECK']];
  for (const frontend of overview.frontends)
    table.push([
      `frontend ${frontend.name}`,
      frontend.status,
      '',
      sessions(frontend.sessions, frontend.sessionLimit),
      '',
      '',
    ]);
  for (const backend of overview.backends) {
    table.push([
      `backend ${backend.name}`,
      backend.status,
      '',
      sessions(backend.sessions, backend.sessionLimit),
      String(backend.queued),
      backend.algorithm ?? '',
    ]);
    for (const server of backend.servers) {
      table.push([
        `  ${server.name}`,
        server.status,
        String(server.weight ?? ''),
        sessions(server.sessions, server.sessionLimit),
        String(server.queued),
        server.checkStatus ?? '',
      ]);
    }
  }
  printTable(table, io);
  io.stdout(`health: ${overview.health.state}\n`);
  for (const reason of overview.health.reasons) io.stdout(`problem: ${reason.message}\n`);
}

// Rows in columns as wide as their widest cell, the first row the header.
function printTable(table: readonly (readonly string[])[], io: CliIo): void {
  const widths = (table[0] as string[]).map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  for (const row of table)
    io.stdout(
      `${row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
}

function daysLeft(certificate: LoadedCertificate, now: number): number {
  return Math.floor((certificate.notAfter.getTime() - now) / 86_400_000);
}

function printCertificates(certificates: readonly LoadedCertificate[], now: number, io: CliIo): void {
  const table: string[][] = [['FILE', 'SUBJECT', 'SANS', 'NOT AFTER', 'DAYS LEFT']];
  for (const certificate of certificates)
    table.push([
      certificate.file,
      certificate.subject,
      certificate.subjectAltNames.join(',') || '-',
      certificate.notAfter.toISOString(),
      String(daysLeft(certificate, now)),
    ]);
  printTable(table, io);
}

function sessions(current: number, limit: number | undefined): string {
  return limit === undefined ? String(current) : `${current}/${limit}`;
}

function stateCommand(name: 'ready' | 'maint', description: string) {
  return defineCliCommand({
    meta: { name, description },
    args: { ...serverArg, ...connectionArgs },
    async run({ args, io }) {
      const server = serverArgument(args.server);
      await withRuntime(args, (runtime) => runtime.setServerState(server, name));
      io.stdout(`${args.server}: ${name}\n`);
    },
  });
}

/** The `ha-haproxy` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-haproxy',
  description: 'Talk to a running HAProxy over its Runtime API (stats socket): status, drain, weights, batches',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: haproxyRuntimeTools,
  subCommands: {
    status: defineCliCommand({
      meta: {
        name: 'status',
        description:
          'Frontends, backends and servers with state, weight, sessions and check; exit 1 when something is down',
      },
      args: { ...connectionArgs, ...jsonArg },
      async run({ args, io }) {
        const overview = summarizeStat(await withRuntime(args, (runtime) => runtime.showStat()));
        if (args.json) printJson(io, overview);
        else printOverview(overview, io);
        return overview.health.healthy ? 0 : 1;
      },
    }),
    drain: defineCliCommand({
      meta: {
        name: 'drain',
        description: 'Stop sending new sessions to a server (--wait: until it is idle, then put it in maintenance)',
      },
      args: {
        ...serverArg,
        ...connectionArgs,
        wait: { type: 'boolean', description: 'Wait until the server has no session, then set it to maint' },
        waitTimeout: { type: 'string', description: 'How long --wait waits (default 60s)' },
      },
      async run({ args, io }) {
        const server = serverArgument(args.server);
        const timeoutMs =
          args.waitTimeout === undefined ? undefined : parseDuration(args.waitTimeout, { what: '--wait-timeout' });
        await withRuntime(args, (runtime) =>
          runtime.drain(server, { until: args.wait ? 'idle' : undefined, timeoutMs }),
        );
        io.stdout(`${args.server}: ${args.wait ? 'drained, now in maintenance' : 'draining'}\n`);
      },
    }),
    ready: stateCommand('ready', 'Put a server back into service (state ready)'),
    maint: stateCommand('maint', 'Put a server in maintenance (state maint)'),
    weight: defineCliCommand({
      meta: { name: 'weight', description: 'Set a server weight: weight BACKEND/SERVER N (0 to 256, or N%)' },
      args: {
        ...serverArg,
        weight: { type: 'positional', description: 'New weight', required: true },
        ...connectionArgs,
      },
      async run({ args, io }) {
        const server = serverArgument(args.server);
        const text = String(args.weight);
        const weight = /^\d+%$/.test(text) ? (text as `${number}%`) : safeParseInteger(text, { min: 0, max: 256 });
        if (weight === undefined)
          throw new UsageError(`weight '${text}' is not a whole number from 0 to 256 or a percentage`);
        await withRuntime(args, (runtime) => runtime.setServerWeight(server, weight));
        io.stdout(`${args.server}: weight ${text}\n`);
      },
    }),
    info: defineCliCommand({
      meta: { name: 'info', description: 'show info: the process, its limits and counters' },
      args: { ...connectionArgs, ...jsonArg },
      async run({ args, io }) {
        const info = await withRuntime(args, (runtime) => runtime.showInfo());
        if (args.json) printJson(io, info);
        else for (const [key, value] of Object.entries(info)) io.stdout(`${key}: ${value}\n`);
      },
    }),
    stat: defineCliCommand({
      meta: { name: 'stat', description: 'show stat as typed rows (--json), or as CSV the way HAProxy prints it' },
      args: { ...connectionArgs, ...jsonArg },
      async run({ args, io }) {
        await withRuntime(args, async (runtime) => {
          if (!args.json) {
            io.stdout(`${await runtime.execute(['show', 'stat'])}\n`);
            return;
          }
          // Straight from CSV bytes to JSON bytes while the answer arrives: 40,000 servers
          // are 9 MB of CSV and 30 MB of JSON. The `[` waits for the first rows, so a failure
          // (no socket, a refusal) leaves nothing half-written on stdout for a `| jq`.
          let opened = false;
          const emit = (bytes: Uint8Array) => {
            if (!opened) io.stdout('[\n');
            opened = true;
            if (io.stdoutBytes) io.stdoutBytes(bytes);
            else io.stdout(Buffer.from(bytes).toString('utf8'));
          };
          const encoder = new StatJsonByteEncoder(emit);
          await runtime.streamChunks(['show', 'stat'], (chunk) => encoder.push(chunk));
          encoder.end();
          io.stdout(opened ? '\n]\n' : '[]\n');
        });
      },
    }),
    batch: defineCliCommand({
      meta: {
        name: 'batch',
        description:
          'Run commands from FILE (or - for stdin), one a line, pipelined over one connection; exit 1 if any failed',
      },
      args: {
        file: { type: 'positional', description: 'FILE or -', required: true },
        ...connectionArgs,
        ...jsonArg,
        ...maxBytesArg,
        quiet: { type: 'boolean', description: 'Report failures only' },
      },
      async run({ args, io }) {
        const maxBytes = parseMaxBytes(args.maxBytes);
        const text = args.file === '-' ? await readStdin(maxBytes) : await readTextFile(args.file, { maxBytes });
        const commands = text
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line.length > 0 && !line.startsWith('#'));
        const results = await withRuntime(args, (runtime) => runtime.batch(commands), 'session');
        const failed = results.filter((result) => !result.ok);
        if (args.json) {
          printJson(
            io,
            results.map((result) => ({
              command: result.command,
              ok: result.ok,
              output: result.output,
              error: result.error?.message,
            })),
          );
        } else {
          let out = '';
          for (const result of results) {
            if (result.ok && args.quiet) continue;
            out += result.ok
              ? `ok   ${result.command}${result.output ? `: ${result.output.split('\n')[0]}` : ''}\n`
              : `FAIL ${result.command}: ${result.error?.message ?? 'failed'}\n`;
          }
          out += `${results.length - failed.length} ok, ${failed.length} failed\n`;
          io.stdout(out);
        }
        return failed.length > 0 ? 1 : 0;
      },
    }),
    certs: defineCliCommand({
      meta: {
        name: 'certs',
        description: 'The certificates HAProxy has loaded: file, subject, SANs, not-after and days left',
      },
      args: { ...connectionArgs, ...jsonArg },
      async run({ args, io }) {
        const certificates = await withRuntime(args, (runtime) => runtime.showCertificates());
        const now = Date.now();
        if (args.json) {
          printJson(
            io,
            certificates.map((certificate) => ({ ...certificate, daysLeft: daysLeft(certificate, now) })),
          );
        } else printCertificates(certificates, now, io);
      },
    }),
    cert: defineCliCommand({
      meta: { name: 'cert', description: 'Change a loaded certificate without a reload' },
      subCommands: {
        replace: defineCliCommand({
          meta: {
            name: 'replace',
            description:
              'Replace a loaded certificate (set + commit ssl cert) and its file: replace FILE --cert PEM [--key KEY]',
          },
          args: {
            file: { type: 'positional', description: 'The certificate file, as HAProxy loaded it', required: true },
            cert: { type: 'string', description: 'PEM file of the new certificate (and chain, and key)' },
            key: { type: 'string', description: 'PEM file of its private key, when not in --cert' },
            allowExpired: { type: 'boolean', description: 'Accept an expired certificate' },
            noWrite: { type: 'boolean', description: 'Change HAProxy only; leave the file on disk as it is' },
            ...connectionArgs,
          },
          async run({ args, io }) {
            if (args.cert === undefined) throw new UsageError('cert replace needs --cert PEMFILE');
            const pem = await readTextFile(args.cert, { maxBytes: 1024 * 1024 });
            const key = args.key === undefined ? undefined : await readTextFile(args.key, { maxBytes: 1024 * 1024 });
            const result = await withRuntime(args, (runtime) =>
              runtime.replaceCertificate(args.file, pem, {
                key,
                allowExpired: args.allowExpired === true,
                persist: args.noWrite !== true,
              }),
            );
            io.stdout(
              `${result.file}: serial ${result.before.serial} -> ${result.after.serial}, not after ${result.after.notAfter.toISOString()}${
                result.written ? ', file written' : ''
              }\n`,
            );
          },
        }),
      },
    }),
    exec: defineCliCommand({
      meta: {
        name: 'exec',
        description:
          "Send one raw command and print HAProxy's answer (exit 1 when it refused): exec 'show servers state'",
      },
      args: { line: { type: 'positional', description: 'The command, quoted', required: true }, ...connectionArgs },
      async run({ args, io }) {
        const line = [args.line, ...args._.slice(1)].join(' ');
        const answer = await withRuntime(args, (runtime) => runtime.executeRaw(line)).catch((error: unknown) => {
          // HAProxy refused the command itself: its answer is the output, and exit 1. A permission or an
          // unknown command is an error in how it was called (exit 2, one line), like a missing socket.
          if (error instanceof RuntimeCommandError && error.code === 'REJECTED') return error;
          throw error;
        });
        const text = answer instanceof RuntimeCommandError ? answer.response : answer;
        if (text.length > 0) io.stdout(`${text}\n`);
        return answer instanceof RuntimeCommandError ? 1 : 0;
      },
    }),
  },
});

async function readStdin(maxBytes: number = DEFAULT_MAX_INPUT_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    // Refused as soon as it is too large, not once it is all in memory.
    if (size > maxBytes) throw new InputTooLargeError('standard input', size, maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
