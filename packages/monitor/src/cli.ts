import { createPackageCli, defineCliCommand, HaError, type CliIo } from '@ha/core';
import { PcsClient } from '@ha/pcs-client';
import { buildMonitor, loadMonitorConfig, parseMonitorConfig, prefixedRunner } from './config.js';
import { serveMonitor, toJson } from './http.js';
import { createMonitor, type OnceResult } from './monitor.js';
import { defaultAlertId, registerAlertAgent, unregisterAlertAgent } from './pacemaker-alert/register.js';
import { createStdoutSink } from './sinks/stdout.js';
import { monitorTools } from './tools.js';

const probeNames = ['pacemaker', 'corosync', 'haproxy', 'drbd'] as const;

function printOnce(result: OnceResult, io: CliIo): void {
  for (const probe of result.probes) io.stdout(`${probe.ok ? 'ok    ' : 'FAILED'} ${probe.name}${probe.ok ? ` (${Math.round(probe.durationMs ?? 0)} ms)` : `: ${probe.error ?? ''}`}\n`);
  for (const condition of result.conditions.filter((entry) => !entry.event)) {
    const labels = Object.entries(condition.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    io.stdout(`${condition.severity.padEnd(8)} ${condition.alertname}${labels ? ` ${labels}` : ''}: ${condition.summary}\n`);
  }
  io.stdout(result.healthy ? 'healthy\n' : 'degraded\n');
}

/** The main job: watch until SIGINT/SIGTERM, or `--once`. */
const watchCommand = defineCliCommand({
  meta: { name: 'ha-monitor', description: 'Watch the stack' },
  args: {
    config: { type: 'string', alias: 'c', description: 'INI configuration file' },
    once: { type: 'boolean', description: 'Run every probe once, print what holds, exit 0 healthy / 1 degraded / 2 error' },
    json: { type: 'boolean', description: 'With --once: print JSON' },
    listen: { type: 'string', description: 'HTTP address for /metrics, /healthz, /status (default 127.0.0.1:9664)' },
    stateDir: { type: 'string', description: 'Where alert state and undelivered events are kept' },
    haproxySocket: { type: 'string', description: "HAProxy's stats socket" },
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
    if (args.stateDir) set('monitor', 'state_dir', args.stateDir);
    if (args.haproxySocket) set('haproxy', 'socket', args.haproxySocket);
    for (const name of probeNames) if (args[name] !== undefined) set(name, 'enabled', args[name]);
    const config = args.config ? await loadMonitorConfig(args.config, overrides) : parseMonitorConfig('', { overrides });
    const built = await buildMonitor(config, { write: io.stdout });
    if (args.stdout) built.options.sinks = [...(built.options.sinks ?? []).filter((sink) => sink.name !== 'stdout'), createStdoutSink({ format: args.stdout as 'json' | 'text', write: io.stdout })];
    if (built.options.probes.length === 0) throw new HaError('PRECONDITION_FAILED', `nothing to watch here (${built.decisions.join('; ')})`);

    if (args.once) {
      const monitor = createMonitor({ ...built.options, sinks: [] });
      const result = await monitor.runOnce();
      if (args.json) io.stdout(`${toJson(result, 2)}\n`);
      else printOnce(result, io);
      return result.probes.some((probe) => !probe.ok) ? 2 : result.healthy ? 0 : 1;
    }

    // Without a configured sink, events go to stdout (one JSON line each).
    if ((built.options.sinks ?? []).length === 0) built.options.sinks = [createStdoutSink({ format: 'json', write: io.stdout })];
    const monitor = createMonitor(built.options);
    monitor.on('warning', (message) => io.stderr(`ha-monitor: warning: ${message}\n`));
    for (const decision of built.decisions) io.stderr(`ha-monitor: ${decision}\n`);
    const server = built.listen ? await serveMonitor(monitor, built.listen) : undefined;
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
  description: 'Watch Pacemaker, Corosync, HAProxy and DRBD: one alert when something degrades, one when it recovers; metrics on /metrics. Runs until SIGINT/SIGTERM; --once: one evaluation, exit 0 healthy, 1 degraded, 2 error',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: monitorTools,
  root: watchCommand,
  subCommands: {
    'pacemaker-alert': defineCliCommand({
      meta: { name: 'pacemaker-alert', description: "Register (install) or remove ha-monitor's Pacemaker alert agent: Pacemaker then pushes every event to the running monitor" },
      args: {
        action: { type: 'positional', description: 'install or remove', required: true },
        socket: { type: 'string', description: "The monitor's socket ([pacemaker] alert_socket), e.g. /run/ha-monitor/pacemaker.sock" },
        agent: { type: 'string', description: 'Where to write the agent launcher (default /var/lib/ha-monitor/alert-agent)' },
        id: { type: 'string', description: `The alert id in the CIB (default ${defaultAlertId})` },
        commandPrefix: { type: 'string', description: 'Run pcs through this (words)' },
      },
      async run({ args, io }) {
        const pcs = new PcsClient({ runner: prefixedRunner(args.commandPrefix ? (args.commandPrefix as string).trim().split(/\s+/) : undefined) });
        const id = args.id ?? defaultAlertId;
        if (args.action === 'remove') {
          await unregisterAlertAgent({ id, pcs });
          io.stdout(`removed the Pacemaker alert '${id}'\n`);
          return 0;
        }
        if (args.action !== 'install') throw new HaError('USAGE_ERROR', `'${args.action}' is not install or remove`);
        if (!args.socket) throw new HaError('USAGE_ERROR', 'install needs --socket (the [pacemaker] alert_socket of the monitor)');
        const agentPath = args.agent ?? '/var/lib/ha-monitor/alert-agent';
        await registerAlertAgent({ agentPath, socketPath: args.socket, id, pcs });
        io.stdout(`registered the Pacemaker alert '${id}': ${agentPath} → ${args.socket}\n`);
        return 0;
      },
    }),
  },
});
