// npm run demo: the seed's stack on real daemons, watched by the real ha-monitor, with faults injected one
// at a time. Needs the packages built (the root script builds them) and root (the lab uses namespaces).
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultRunner, formatDuration } from '@ha/core';
import { applyChange, diffRuntime, formatDrift, useServerStateFile } from '@ha/haproxy-config';
import { HaproxyRuntime } from '@ha/haproxy-runtime';
import { formatPlan, PcsClient } from '@ha/pcs-client';
import {
  freeLoopbackPort,
  LabCluster,
  killLabBackend,
  parseStackName,
  runPartitionCampaign,
  servicesHome,
  startHaproxyLab,
  startLabBackend,
  teardownLab,
} from '@ha/lab';

// `npm run demo -- --stack debian13`: the same job on Debian 13's generation (default: this machine's).
const { values: options } = parseArgs({ options: { stack: { type: 'string' } } });
const stack = options.stack === undefined ? undefined : parseStackName(options.stack);
const bin = fileURLToPath(new URL('../bin/ha-monitor.js', import.meta.url));
const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
const say = (text) => process.stdout.write(`${clock()}  ${text}\n`);
const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

let directory;
let monitorProcess;
let cleaning;
async function cleanUp() {
  cleaning ??= (async () => {
    say('tearing everything down');
    await monitorProcess?.stop().catch(() => undefined);
    const left = await teardownLab();
    if (directory) await rm(directory, { recursive: true, force: true });
    say(left.length === 0 ? 'nothing left behind' : `left behind: ${left.join('; ')}`);
  })();
  return cleaning;
}
process.once('SIGINT', () => {
  process.stdout.write('\n');
  say('interrupted');
  void cleanUp().then(() => process.exit(130));
});

/** Alert events from ha-monitor's stdout, as they come, each with when it was seen. */
const events = [];
let waiters = [];
function onEvent(event) {
  const entry = { ...event, seenAt: Date.now() };
  events.push(entry);
  for (const waiter of waiters) waiter();
  return entry;
}
async function waitForEvent(status, alertname, labels, since, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find(
      (event) =>
        event.seenAt >= since &&
        event.status === status &&
        event.alertname === alertname &&
        Object.entries(labels).every(([key, value]) => event.labels[key] === value),
    );
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${status} ${alertname} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, 500);
    });
    waiters = [];
  }
}

const detections = [];

// A partition of the node running the services: the majority fences it, then starts them on a survivor,
// while a sampler reads every node's namespaces every 100 ms for a second holder of the VIP or WebServer.
// node2 is the one cut (the monitor's tools run in node1, which must stay up): the services are sent there first.
async function partitionFault(cluster, pcs) {
  await pcs('constraint', 'location', 'VirtualIP', 'prefers', 'node2=100');
  await cluster.waitForView('VirtualIP and WebServer on node2', (view) => servicesHome(view) === 'node2', {
    from: 'node1',
  });
  say(bold('FAULT: partition of node2, which runs VirtualIP + WebServer (its link cut at the switch)'));
  const injectedAt = Date.now();
  const campaign = await runPartitionCampaign(cluster, { cycles: 1 });
  const [run] = campaign.runs;
  const fenced = await waitForEvent('firing', 'PacemakerNodeFenced', { node: 'node2' }, injectedAt);
  say(
    `  node2 fenced (${fenced.labels.action} by ${fenced.labels.delegate ?? 'a survivor'}); VirtualIP + WebServer running on ${run.survivor} ${formatDuration(run.totalMs)} after the cut`,
  );
  say(
    `  of which ${formatDuration(run.detectMs)} detecting the loss (corosync token + consensus), ${formatDuration(run.fenceMs)} fencing (agent and switch), ${formatDuration(run.recoverMs)} starting the services`,
  );
  const { breaches, samples } = campaign.dualActive;
  say(
    breaches.length === 0
      ? `  no dual-active observed (${samples} samples of every node, every 100 ms)`
      : `  DUAL-ACTIVE OBSERVED at ${breaches.length} of ${samples} samples: ${JSON.stringify(breaches[0])}`,
  );
  say(bold('REPAIR: partition of node2 (link healed; node2 rebooted by the fence and rejoined)'));
  await waitForEvent('resolved', 'PacemakerNodeFenced', { node: 'node2' }, injectedAt, 120_000);
  say('  PacemakerNodeFenced resolved');
  await pcs('constraint', 'delete', 'location-VirtualIP-node2-100');
  detections.push({
    title: 'partition of node2 (fenced; services on a survivor)',
    detected: fenced.seenAt - injectedAt,
    resolved: undefined,
    recovery: run.totalMs,
  });
  if (breaches.length > 0) throw new Error('two nodes held the VIP or ran WebServer at once');
}
async function fault(title, alertname, labels, inject, repair) {
  say(bold(`FAULT: ${title}`));
  const injectedAt = Date.now();
  await inject();
  const firing = await waitForEvent('firing', alertname, labels, injectedAt);
  const detected = firing.seenAt - injectedAt;
  say(`  detected in ${formatDuration(detected)} after the fault was injected`);
  say(bold(`REPAIR: ${title}`));
  const repairedAt = Date.now();
  await repair();
  const resolved = await waitForEvent('resolved', alertname, labels, repairedAt);
  say(`  resolve seen ${formatDuration(resolved.seenAt - repairedAt)} after the repair`);
  detections.push({ title, detected, resolved: resolved.seenAt - repairedAt });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
}

try {
  say('removing any lab a previous run left');
  await teardownLab();
  say('booting a 3-node Corosync/Pacemaker cluster (node1..node3, in namespaces)');
  const cluster = await LabCluster.up({ nodes: 3, ...(stack ? { stack } : {}) });
  say(`  up in ${formatDuration(cluster.bootMs)}`);
  say('starting a real HAProxy in front of two real HTTP backends');
  const haproxy = await startHaproxyLab({ servers: 2, ...(stack ? { stack } : {}) });
  say('creating the seed resources: VirtualIP (10.213.0.100) + WebServer, colocated and ordered');
  const view = await cluster.createSeedResources();
  say(`  both running on ${view.resources.find((resource) => resource.id === 'WebServer')?.nodes[0]}`);

  directory = await mkdtemp('/var/tmp/ha-monitor-demo-');
  await chmod(directory, 0o755);
  const node1 = (await cluster.status()).nodes.find((node) => node.name === 'node1');
  // The monitor runs on this host; the cluster's tools run inside node1 through this prefix.
  const prefix = `nsenter -t ${node1.pid} -a -r env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8`;
  const port = await freeLoopbackPort();
  const config = join(directory, 'ha-monitor.ini');
  await writeFile(
    config,
    `[monitor]\nstate_dir = ${join(directory, 'state')}\n\n` +
      `[pacemaker]\ncommand_prefix = ${prefix}\nalert_socket = ${join(directory, 'pacemaker.sock')}\n` +
      `alert_socket_group = ${cluster.clusterAccount.haclient}\n\n` +
      `[corosync]\ncommand_prefix = ${prefix}\n\n` +
      `[haproxy]\nsocket = ${haproxy.adminSocket}\n\n[drbd]\nenabled = false\n\n` +
      `[http]\nlisten = 127.0.0.1:${port}\n\n[sink.stdout]\nformat = json\n`,
  );
  say("registering ha-monitor's Pacemaker alert agent (pcs alert create …)");
  await defaultRunner.run(
    process.execPath,
    [
      bin,
      'pacemaker-alert',
      'install',
      '--socket',
      join(directory, 'pacemaker.sock'),
      '--agent',
      join(directory, 'alert-agent'),
      '--command-prefix',
      prefix,
    ],
    { timeoutMs: 120_000 },
  );

  say(`starting ha-monitor --config ${config}`);
  monitorProcess = defaultRunner.stream(process.execPath, [bin, '--config', config]);
  void (async () => {
    for await (const line of monitorProcess.lines) {
      if (!line.startsWith('{')) continue;
      const event = onEvent(JSON.parse(line));
      const labels = Object.entries(event.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(' ');
      const mark =
        event.status === 'firing'
          ? event.severity === 'critical'
            ? '🔴'
            : event.severity === 'warning'
              ? '🟠'
              : '🔵'
          : '🟢';
      say(`${mark} ${event.status.toUpperCase()} ${event.severity} ${event.alertname} ${labels}: ${event.summary}`);
    }
  })();
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/status`)
      .then((response) => response.json())
      .then(
        (status) => status.probes.every((probe) => probe.ok),
        () => false,
      );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  say(`ha-monitor is watching: metrics on http://127.0.0.1:${port}/metrics, status on /status`);
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  // One change in the running HAProxy and in haproxy.cfg at once; what HAProxy cannot change live goes by a
  // validated reload, and the server-state file keeps the runtime's states across it.
  say(bold('changes live and in haproxy.cfg at once (applyChange: the Runtime API and the file, or a reload)'));
  const live = {
    config: haproxy.configPath,
    socket: haproxy.adminSocket,
    reload: { masterSocket: haproxy.masterSocket },
  };
  const stateFile = join(directory, 'haproxy-server-state');
  for (const change of [
    {
      kind: 'edit',
      description: 'keep runtime states across reloads',
      edit: (document) => useServerStateFile(document, stateFile),
    },
    { kind: 'set-weight', server: 'servers/srv1', weight: 20 },
    { kind: 'set-state', server: 'servers/srv2', state: 'drain' },
    { kind: 'set-check', server: 'servers/srv1', interMs: 600 },
  ]) {
    const report = await applyChange(change, live);
    const how = report.route === 'runtime' ? `live: ${report.commands.join('; ')}` : `reload: ${report.reason}`;
    const lines = report.added.map((line) => line.trim()).join(' | ') || 'no line (the server-state file keeps it)';
    say(`  ${report.change} → ${how}; haproxy.cfg: ${lines}`);
  }
  const drained = (await new HaproxyRuntime(haproxy.adminSocket, { mode: 'oneshot' }).showServersState('servers')).find(
    (row) => row.srv_name === 'srv2',
  );
  say(`  after the reload srv2 is still ${drained?.srv_admin_state === 8 ? 'draining' : 'NOT draining'}`);
  const drift = await diffRuntime(live);
  say(
    `  the running HAProxy against its files: ${drift.length === 0 ? 'no drift' : drift.map(formatDrift).join('; ')}`,
  );
  await applyChange({ kind: 'set-state', server: 'servers/srv2', state: 'ready' }, live);

  const pcs = (...args) => cluster.exec('node1', 'pcs', args, { timeoutMs: 120_000 });
  // What-if first: Pacemaker's own scheduler on a copy of the CIB says what the standby will do.
  say(bold('what would a standby of node2 do? (ha-pcs plan standby node2: crm_simulate on a copy of the CIB)'));
  const plan = await new PcsClient({ runner: cluster.runner('node1') }).plan({ kind: 'standby', node: 'node2' });
  for (const line of formatPlan(plan).trimEnd().split('\n')) say(`  ${line}`);
  await fault(
    'put node2 in standby',
    'PacemakerNodeStandby',
    { node: 'node2' },
    () => pcs('node', 'standby', 'node2'),
    () => pcs('node', 'unstandby', 'node2'),
  );
  await fault(
    'hard kill of node3 (SIGKILL to the whole node)',
    'PacemakerNodeOffline',
    { node: 'node3' },
    () => cluster.kill('node3'),
    async () => {
      await cluster.start('node3');
      await cluster.waitForView('node3 online', (current) => current.nodes.every((node) => node.online));
    },
  );
  await fault(
    'HAProxy backend srv1 down (its process killed)',
    'HaproxyServerDown',
    { server: 'srv1' },
    () => killLabBackend('srv1'),
    () => startLabBackend('srv1'),
  );
  await partitionFault(cluster, pcs);
  // The fenced node has rejoined; without stickiness the services may move back to it. Where WebServer runs
  // is known once the DC has nothing left to do.
  await cluster.exec('node1', 'crm_resource', ['--wait', '--timeout', '90'], { timeoutMs: 120_000 });
  const home = (await cluster.view('node1')).resources.find((resource) => resource.id === 'WebServer')?.nodes[0];
  await fault(
    `WebServer fails its monitor on ${home} (its process killed)`,
    'PacemakerFailedAction',
    { resource: 'WebServer' },
    () => cluster.exec(home, 'pkill', ['-f', 'socat TCP-LISTEN:80']),
    () => pcs('resource', 'cleanup', 'WebServer'),
  );

  say(bold("detection times (fault injected → alert printed; the seed's loop: up to 60 s, and again every minute):"));
  for (const entry of detections)
    say(
      `  ${entry.title.padEnd(50)} ${formatDuration(entry.detected).padStart(7)}   ${
        entry.resolved === undefined
          ? `services back ${formatDuration(entry.recovery)} after the cut`
          : `resolve ${formatDuration(entry.resolved).padStart(7)} after the repair`
      }`,
    );
  say('  (a node kill is seen when corosync declares the node lost: its token and consensus timeouts, about 8 s here)');
  await defaultRunner
    .run(process.execPath, [bin, 'pacemaker-alert', 'remove', '--command-prefix', prefix], { timeoutMs: 120_000 })
    .catch(() => undefined);
  await cleanUp();
} catch (error) {
  say(`demo failed: ${error.message}`);
  await cleanUp();
  process.exitCode = 1;
}
