import {
  createPackageCli,
  defineCliCommand,
  HaError,
  printJson,
  UsageError,
  type CliIo,
  parseMaxBytes,
} from '@ha/core';
import { PcsClient } from '@ha/pcs-client';
import { buildMonitor, loadMonitorConfig, parseMonitorConfig, prefixedRunner } from './config.js';
import { serveMonitor } from './http.js';
import { auditRefusals } from './web/audit.js';
import { createMonitor, type OnceResult, type OnceVerdict, type ProbeStatus } from './monitor.js';
import { defaultAlertId, registerAlertAgent, unregisterAlertAgent } from './pacemaker-alert/register.js';
import { createStdoutSink } from './sinks/stdout.js';
import { monitorTools } from './tools.js';

const probeNames = ['pacemaker', 'corosync', 'haproxy', 'drbd'] as const;

/** `--once`'s exit code for each verdict: a probe that could not run is 2, like every other "could not look". */
export const onceExitCodes = { healthy: 0, degraded: 1, unknown: 2 } as const satisfies Record<OnceVerdict, number>;

/**
 * Prints what `--once` found (text, or JSON) and returns its exit code. The
 * last line of the text is the verdict: `healthy`, `degraded`, or `unknown:
 * could not run the PROBE probe`; a probe that could not run is also one line
 * on stderr.
 */
export function reportOnce(result: OnceResult, io: CliIo, options: { json?: boolean | undefined } = {}): number {
  const failed = result.probes.filter((probe) => !probe.ok);
  if (options.json) printJson(io, result);
  else {
    for (const probe of result.probes)
      io.stdout(
        `${probe.ok ? 'ok    ' : 'FAILED'} ${probe.name}${probe.ok ? ` (${Math.round(probe.durationMs ?? 0)} ms)` : `: ${probe.error ?? ''}`}\n`,
      );
    for (const condition of result.conditions.filter((entry) => !entry.event)) {
      const labels = Object.entries(condition.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ');
      io.stdout(
        `${condition.severity.padEnd(8)} ${condition.alertname}${labels ? ` ${labels}` : ''}: ${condition.summary}\n`,
      );
    }
    io.stdout(result.verdict === 'unknown' ? `unknown: could not run ${probeList(failed)}\n` : `${result.verdict}\n`);
  }
  if (failed.length > 0)
    io.stderr(
      `ha-monitor: could not run ${failed.map((probe) => `the ${probe.name} probe: ${probe.error ?? 'unknown error'}`).join('; ')}\n`,
    );
  return onceExitCodes[result.verdict];
}

function probeList(probes: readonly ProbeStatus[]): string {
  const names = probes.map((probe) => probe.name);
  return `the ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)} probes` : `${names[0]} probe`}`;
}

/** The main job: watch until SIGINT/SIGTERM, or `--once`. */
const watchCommand = defineCliCommand({
  meta: { name: 'ha-monitor', description: 'Watch the stack; --once: exit 0 healthy, 1 degraded, 2 could not run' },
  args: {
    config: { type: 'string', alias: 'c', valueHint: 'PATH', description: 'INI configuration file' },
    once: {
      type: 'boolean',
      description:
        'Run every probe once and print what holds. Exit 0 healthy; 1 degraded (every probe ran, something holds); ' +
        '2 could not run (a probe failed: "unknown", or an error)',
    },
    json: { type: 'boolean', description: 'With --once: print JSON' },
    listen: {
      type: 'string',
      valueHint: 'HOST:PORT',
      description: 'HTTP address for /metrics, /healthz, /status (default 127.0.0.1:9664)',
    },
    webConfig: {
      type: 'string',
      valueHint: 'FILE',
      description: 'Prometheus exporter toolkit web configuration for the HTTP endpoint (TLS, basic auth)',
    },
    stateDir: { type: 'string', valueHint: 'DIR', description: 'Where alert state and undelivered events are kept' },
    haproxySocket: { type: 'string', valueHint: 'PATH', description: "HAProxy's stats socket" },
    maxBytes: {
      type: 'string',
      valueHint: 'N',
      description: 'Refuse a configuration or state file larger than N bytes (default 16777216)',
    },
    stdout: { type: 'enum', options: ['json', 'text'], description: 'Print alert events on stdout in this format' },
    pacemaker: { type: 'boolean', description: 'Watch Pacemaker (--no-pacemaker: do not)' },
    corosync: { type: 'boolean', description: 'Watch Corosync (--no-corosync: do not)' },
    haproxy: { type: 'boolean', description: 'Watch HAProxy (--no-haproxy: do not)' },
    drbd: { type: 'boolean', description: 'Watch DRBD (--no-drbd: do not)' },
  },
  async run({ args, io }) {
    // Flags override the file.
    const overrides: Record<string, Record<string, unknown>> = {};
    const set = (section: string, key: string, value: unknown) => ((overrides[section] ??= {})[key] = value);
    if (args.listen) set('http', 'listen', args.listen);
    if (args.webConfig) set('http', 'web_config', args.webConfig);
    if (args.stateDir) set('monitor', 'state_dir', args.stateDir);
    if (args.haproxySocket) set('haproxy', 'socket', args.haproxySocket);
    for (const name of probeNames) if (args[name] !== undefined) set(name, 'enabled', args[name]);
    const maxBytes = parseMaxBytes(args.maxBytes);
    const config = args.config
      ? await loadMonitorConfig(args.config, overrides, { maxBytes })
      : parseMonitorConfig('', { overrides });
    const built = await buildMonitor(config, { write: io.stdout });
    if (maxBytes !== undefined) built.options.maxStateBytes = maxBytes;
    if (args.stdout)
      built.options.sinks = [
        ...(built.options.sinks ?? []).filter((sink) => sink.name !== 'stdout'),
        createStdoutSink({ format: args.stdout as 'json' | 'text', write: io.stdout }),
      ];
    if (built.options.probes.length === 0)
      throw new HaError('PRECONDITION_FAILED', `nothing to watch here (${built.decisions.join('; ')})`);

    if (args.once) {
      const monitor = createMonitor({ ...built.options, sinks: [] });
      return reportOnce(await monitor.runOnce(), io, { json: args.json });
    }

    // Without a configured sink, events go to stdout (one JSON line each).
    if ((built.options.sinks ?? []).length === 0)
      built.options.sinks = [createStdoutSink({ format: 'json', write: io.stdout })];
    const monitor = createMonitor(built.options);
    monitor.on('warning', (message) => io.stderr(`ha-monitor: warning: ${message}\n`));
    for (const decision of built.decisions) io.stderr(`ha-monitor: ${decision}\n`);
    const server = built.listen
      ? await serveMonitor(monitor, built.listen, {
          ...built.serve,
          onRefused: auditRefusals((line) => io.stderr(`ha-monitor: ${line}\n`)),
          onWarning: (message) => io.stderr(`ha-monitor: warning: ${message}\n`),
        })
      : undefined;
    if (server) io.stderr(`ha-monitor: serving ${server.url}/metrics, /healthz, /status\n`);
    const stopped = new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await monitor.start();
    await stopped;
    await monitor.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    io.stderr('ha-monitor: stopped\n');
    return 0;
  },
});

/** The `ha-monitor` CLI: `command` for tests (`runCli`), `main` for the bin shim. */
export const { command, main } = createPackageCli({
  name: 'ha-monitor',
  description:
    'Watch Pacemaker, Corosync, HAProxy and DRBD: one alert when something degrades, one when it recovers; ' +
    'metrics on /metrics. Runs until SIGINT/SIGTERM; --once: one evaluation, exit 0 healthy, 1 degraded, ' +
    '2 could not run (a probe failed, or an error)',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: monitorTools,
  root: watchCommand,
  subCommands: {
    'pacemaker-alert': defineCliCommand({
      meta: {
        name: 'pacemaker-alert',
        description:
          "Register (install) or remove ha-monitor's Pacemaker alert agent: Pacemaker then pushes every event to the running monitor",
      },
      args: {
        action: { type: 'positional', valueHint: 'install|remove', description: 'install or remove', required: true },
        socket: {
          type: 'string',
          valueHint: 'PATH',
          description: "The monitor's socket ([pacemaker] alert_socket), e.g. /run/ha-monitor/pacemaker.sock",
        },
        agent: {
          type: 'string',
          valueHint: 'PATH',
          description: 'Where to write the agent launcher (default /var/lib/ha-monitor/alert-agent)',
        },
        id: { type: 'string', valueHint: 'ID', description: `The alert id in the CIB (default ${defaultAlertId})` },
        commandPrefix: {
          type: 'string',
          valueHint: 'WORDS',
          description: 'Run pcs through this (words, e.g. "sudo -n")',
        },
      },
      async run({ args, io }) {
        const pcs = new PcsClient({
          runner: prefixedRunner(args.commandPrefix ? (args.commandPrefix as string).trim().split(/\s+/) : undefined),
        });
        const id = args.id ?? defaultAlertId;
        if (args.action === 'remove') {
          await unregisterAlertAgent({ id, pcs });
          io.stdout(`removed the Pacemaker alert '${id}'\n`);
          return 0;
        }
        if (args.action !== 'install') throw new UsageError(`'${args.action}' is not install or remove`);
        if (!args.socket) throw new UsageError('install needs --socket (the [pacemaker] alert_socket of the monitor)');
        const agentPath = args.agent ?? '/var/lib/ha-monitor/alert-agent';
        await registerAlertAgent({ agentPath, socketPath: args.socket, id, pcs });
        io.stdout(`registered the Pacemaker alert '${id}': ${agentPath} → ${args.socket}\n`);
        return 0;
      },
    }),
  },
});
