// npm run bench -w @ha/monitor  (root; boots the lab; needs `npm run build` first)
// 1. Detection: how long after Pacemaker records a change (node offline, resource moved) and after HAProxy
//    marks a server DOWN the monitor's event comes, over repeated real faults, beside the seed's 60 s loop.
// 2. Cost: the real ha-monitor process, default intervals, on a 3-node cluster plus one HAProxy with 1,000
//    servers: CPU (its own, and its children's: crm_mon, corosync tools) and RSS.
//   HAProxy's detection is measured twice: polled (the default, `show stat` every 750 ms) and pushed (HAProxy's
//   log to `log_listen`). HAProxy's own line "Server servers/srv2 is DOWN" is the moment it marks the server
//   down: the bench receives HAProxy's log first (its timestamp) and relays each datagram to the monitor.
//   --haproxy-faults N  (default 10)   --standby-changes N  (default 10)   --node-kills N  (default 3)   --cost-seconds N  (default 120)   --cost-only
import { createSocket } from 'node:dgram';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRunner, formatDuration } from '@ha/core';
import { freeLoopbackPort, LabCluster, killLabBackend, startHaproxyLab, startLabBackend, teardownLab } from '@ha/lab';
import { PcsClient } from '@ha/pcs-client';
import {
  createCorosyncProbe,
  createHaproxyProbe,
  createMonitor,
  createPacemakerProbe,
  registerAlertAgent,
  unregisterAlertAgent,
} from '../dist/index.js';
import { median } from '../../../tools/scripts/bench-kit.mjs';

const option = (flag, fallback) =>
  process.argv.includes(flag) ? Number(process.argv[process.argv.indexOf(flag) + 1]) : fallback;
const haproxyFaults = option('--haproxy-faults', 10);
const nodeKills = option('--node-kills', 3);
const standbyChanges = option('--standby-changes', 10);
const costSeconds = option('--cost-seconds', 120);
const costOnly = process.argv.includes('--cost-only');
const bin = fileURLToPath(new URL('../bin/ha-monitor.js', import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const summary = (label, values) =>
  console.log(
    `  ${label.padEnd(60)} median ${formatDuration(median(values)).padStart(6)}   worst ${formatDuration(Math.max(...values)).padStart(6)}   (n=${values.length})`,
  );

async function pollUntil(check, timeoutMs, everyMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(everyMs);
  }
}

const directory = await mkdtemp('/var/tmp/ha-monitor-bench-');
await chmod(directory, 0o755);
let monitor;
let costPid;
let bigPidFile;
const stopProcess = async (target) => {
  if (!Number.isInteger(target) || target <= 1) return; // never a process group, never init
  try {
    process.kill(target, 'SIGTERM');
  } catch {
    // gone
  }
};
try {
  await teardownLab();
  const cluster = await LabCluster.up({ nodes: 3 });
  // HAProxy's log comes to the bench, which notes when each server line arrived and relays it to the monitor's port.
  const relayPort = await freeLoopbackPort();
  const monitorLogPort = await freeLoopbackPort();
  const downLines = [];
  const relay = createSocket('udp4');
  relay.on('message', (bytes) => {
    if (/Server servers\/srv2 is DOWN/.test(bytes.toString())) downLines.push(Date.now());
    relay.send(bytes, monitorLogPort, '127.0.0.1');
  });
  await new Promise((resolve) => relay.bind(relayPort, '127.0.0.1', resolve));
  relay.unref();
  const haproxy = await startHaproxyLab({ servers: 3, logTarget: `127.0.0.1:${relayPort}` });
  await cluster.createSeedResources();
  const node1 = cluster.runner('node1');
  await registerAlertAgent({
    agentPath: join(directory, 'alert-agent'),
    socketPath: join(directory, 'pacemaker.sock'),
    pcs: new PcsClient({ runner: node1 }),
  });

  // The monitor with its default intervals (Pacemaker 5 s + pushes, Corosync 5 s, HAProxy 500 ms).
  monitor = createMonitor({
    probes: [
      createPacemakerProbe({ runner: node1, alertSocket: join(directory, 'pacemaker.sock') }),
      createCorosyncProbe({ runner: node1 }),
      createHaproxyProbe({ socket: haproxy.adminSocket }),
    ],
  });
  const seen = [];
  monitor.on('alert', (event) => seen.push({ ...event, at: Date.now() }));
  await monitor.start();
  await sleep(3_000);
  const eventAfter = (since, status, alertname, match = () => true) =>
    pollUntil(
      async () =>
        seen.find(
          (event) => event.at >= since && event.status === status && event.alertname === alertname && match(event),
        ),
      120_000,
      5,
    );

  if (!costOnly) {
    console.log('detection latency');
    // HAProxy: from its line "Server servers/srv2 is DOWN" to the monitor's event; apart, from the kill to that line.
    const measureHaproxy = async (events) => {
      const ours = [];
      const haproxys = [];
      for (let i = 0; i < haproxyFaults; i++) {
        const start = Date.now();
        const lines = downLines.length;
        await killLabBackend('srv2');
        const markedDown = await pollUntil(async () => downLines[lines], 30_000, 2);
        const event = await events(
          start,
          'firing',
          'HaproxyServerDown',
          (candidate) => candidate.labels.server === 'srv2',
        );
        ours.push(Math.max(0, event.at - markedDown));
        haproxys.push(markedDown - start);
        await startLabBackend('srv2');
        await events(event.at, 'resolved', 'HaproxyServerDown', (candidate) => candidate.labels.server === 'srv2');
        await sleep(500 + Math.random() * 500); // a fault at a random point of the polling cycle
      }
      return { ours, haproxys };
    };
    const polled = await measureHaproxy(eventAfter);
    // The same faults with the log pushed: a monitor of the HAProxy probe alone, listening where the relay sends.
    const pushMonitor = createMonitor({
      probes: [createHaproxyProbe({ socket: haproxy.adminSocket, logListen: `127.0.0.1:${monitorLogPort}` })],
    });
    const pushSeen = [];
    pushMonitor.on('alert', (event) => pushSeen.push({ ...event, at: Date.now() }));
    await pushMonitor.start();
    const pushed = await measureHaproxy((since, status, alertname, match) =>
      pollUntil(
        async () =>
          pushSeen.find(
            (event) => event.at >= since && event.status === status && event.alertname === alertname && match(event),
          ),
        120_000,
        2,
      ),
    );
    await pushMonitor.stop();

    // Pacemaker: a standby (a CIB edit the alert agent does not carry): from the CIB holding it (cibadmin on node1,
    // polled every 50 ms) to the monitor's event, seen through crm_mon following the CIB where it can (Pacemaker 2.1).
    const standbyLatencies = [];
    const cibNodes = async () =>
      (await node1.run('cibadmin', ['--query', '--scope', 'nodes'], { timeoutMs: 10_000 })).stdout;
    for (let i = 0; i < standbyChanges; i++) {
      const start = Date.now();
      const standby = node1.run('crm_attribute', ['--node', 'node3', '--name', 'standby', '--update', 'on'], {
        timeoutMs: 30_000,
      });
      const inCib = await pollUntil(
        async () => (/uname="node3"[\s\S]*?name="standby" value="on"/.test(await cibNodes()) ? Date.now() : undefined),
        30_000,
        50,
      );
      await standby;
      const event = await eventAfter(
        start,
        'firing',
        'PacemakerNodeStandby',
        (candidate) => candidate.labels.node === 'node3',
      );
      standbyLatencies.push(Math.max(0, event.at - inCib));
      await node1.run('crm_attribute', ['--node', 'node3', '--name', 'standby', '--delete'], { timeoutMs: 30_000 });
      await eventAfter(event.at, 'resolved', 'PacemakerNodeStandby', (candidate) => candidate.labels.node === 'node3');
      await sleep(1_000 + Math.random() * 2_000);
    }

    // Pacemaker: kill the node that runs the resources; the CIB (cibadmin on node1, polled every 50 ms) records the node
    // offline, then the resources started elsewhere. Latency: the CIB's change to the monitor's event.
    const offlineLatencies = [];
    const movedLatencies = [];
    const cibStatus = async () =>
      (await node1.run('cibadmin', ['--query', '--scope', 'status'], { timeoutMs: 10_000 })).stdout;
    for (let i = 0; i < nodeKills; i++) {
      const view = await cluster.view('node1');
      const victim = view.resources.find((resource) => resource.id === 'WebServer').nodes[0];
      const target = victim === 'node1' ? undefined : victim;
      if (!target) {
        // Never kill node1 (the monitor's viewpoint): move the resources away first.
        await node1.run('pcs', ['resource', 'move', 'VirtualIP', 'node2'], { timeoutMs: 120_000 });
        await cluster.waitForView('moved to node2', (current) =>
          current.resources.every((resource) => resource.nodes[0] === 'node2'),
        );
        await node1.run('pcs', ['resource', 'clear', 'VirtualIP'], { timeoutMs: 120_000 });
        i--;
        continue;
      }
      const start = Date.now();
      await cluster.kill(target);
      const offlineAt = await pollUntil(
        async () =>
          new RegExp(`<node_state [^>]*uname="${target}"[^>]*crmd="offline"`).test(await cibStatus())
            ? Date.now()
            : undefined,
        60_000,
        50,
      );
      const offlineEvent = await eventAfter(
        start,
        'firing',
        'PacemakerNodeOffline',
        (event) => event.labels.node === target,
      );
      offlineLatencies.push(Math.max(0, offlineEvent.at - offlineAt));
      const movedAt = await pollUntil(
        async () => {
          const current = await cluster.view('node1');
          const web = current.resources.find((resource) => resource.id === 'WebServer');
          return web.active && web.nodes.length === 1 && web.nodes[0] !== target ? Date.now() : undefined;
        },
        60_000,
        50,
      );
      const movedEvent = await eventAfter(
        start,
        'firing',
        'PacemakerResourceMoved',
        (event) => event.labels.resource === 'WebServer',
      );
      movedLatencies.push(Math.max(0, movedEvent.at - movedAt));
      await cluster.start(target);
      await eventAfter(offlineEvent.at, 'resolved', 'PacemakerNodeOffline', (event) => event.labels.node === target);
      await cluster.waitForView('all online', (current) => current.nodes.every((node) => node.online));
      await sleep(2_000);
    }
    summary('HAProxy marks a server DOWN → HaproxyServerDown, polled (750 ms)', polled.ours);
    summary('HAProxy marks a server DOWN → HaproxyServerDown, log pushed', pushed.ours);
    summary("  apart: the kill → HAProxy's check marks it DOWN (inter 500ms fall 2)", [
      ...polled.haproxys,
      ...pushed.haproxys,
    ]);
    const pushedMedian = median(pushed.ours);
    const pushedWorst = Math.max(...pushed.ours);
    console.log(
      `  log pushed: median ${pushedMedian} ms (target ≤ 100: ${pushedMedian <= 100 ? 'met' : 'NOT met'}), ` +
        `worst ${pushedWorst} ms (target ≤ 250: ${pushedWorst <= 250 ? 'met' : 'NOT met'})`,
    );
    summary('the CIB shows a node in standby → PacemakerNodeStandby', standbyLatencies);
    console.log(
      `  standby: median ${median(standbyLatencies)} ms (target ≤ 500: ${median(standbyLatencies) <= 500 ? 'met' : 'NOT met'})`,
    );
    summary('the CIB shows a node offline → PacemakerNodeOffline', offlineLatencies);
    summary('the resource is started elsewhere → PacemakerResourceMoved', movedLatencies);
    console.log(`  the seed's loop (sleep 60): median 30s, worst 60s after the change; then again every minute`);
  }
  await monitor.stop();
  monitor = undefined;

  // Cost: 1,000 servers behind one more HAProxy (no health checks: the monitor's work, not HAProxy's, is measured),
  // first with the defaults (show stat every 750 ms), then with HAProxy's log pushed (show stat every 10 s).
  const big = join(directory, 'big');
  await defaultRunner.run('mkdir', ['-p', big]);
  const bigLogPort = await freeLoopbackPort();
  let config = `global\n    stats socket ${join(big, 'admin.sock')} mode 600 level admin\n    maxconn 2000\n    log 127.0.0.1:${bigLogPort} local0\n\ndefaults\n    mode http\n    log global\n    option log-health-checks\n    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n\n`;
  for (let b = 0; b < 10; b++) {
    config += `backend be${b}\n`;
    for (let s = 0; s < 100; s++) config += `    server s${s} 127.0.0.1:${20_000 + s}\n`;
  }
  await writeFile(join(big, 'haproxy.cfg'), config);
  bigPidFile = join(big, 'haproxy.pid');
  await defaultRunner.run('haproxy', ['-D', '-p', bigPidFile, '-f', join(big, 'haproxy.cfg')], { stdio: 'ignore' });
  const node1Pid = (await cluster.status()).nodes.find((node) => node.name === 'node1').pid;
  const prefix = `nsenter -t ${node1Pid} -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8`;
  const ticks = Number((await defaultRunner.run('getconf', ['CLK_TCK'])).stdout.trim());

  const measureCost = async (label, haproxyIni) => {
    console.log(
      `cost over ${costSeconds} s: the ha-monitor process, ${label}, 3-node cluster + HAProxy with 1,000 servers, scraped every 15 s`,
    );
    const port = await freeLoopbackPort();
    const iniFile = join(directory, 'cost.ini');
    await writeFile(
      iniFile,
      `[pacemaker]\ncommand_prefix = ${prefix}\nalert_socket = ${join(directory, 'pacemaker.sock')}\n[corosync]\ncommand_prefix = ${prefix}\n[haproxy]\nsocket = ${join(big, 'admin.sock')}\n${haproxyIni}[drbd]\nenabled = false\n[http]\nlisten = 127.0.0.1:${port}\n[sink.stdout]\nformat = json\n`,
    );
    // The bin itself, as an operator starts it (its #! line carries the Node options it runs with).
    const { pid } = await defaultRunner.spawnDetached(bin, ['--config', iniFile], {
      logFile: join(directory, 'cost.log'),
    });
    costPid = pid;
    const sample = async () => {
      const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /, '').split(' ');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))[1]);
      return {
        own: Number(fields[11]) + Number(fields[12]),
        children: Number(fields[13]) + Number(fields[14]),
        rssKb: rss,
        at: performance.now(),
      };
    };
    await sleep(10_000); // started, first runs done
    const first = await sample();
    let peakRss = first.rssKb;
    for (let elapsed = 0; elapsed < costSeconds; elapsed += 15) {
      await sleep(15_000);
      await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()); // a Prometheus scrape every 15 s
      peakRss = Math.max(peakRss, (await sample()).rssKb);
    }
    const last = await sample();
    const seconds = (last.at - first.at) / 1000;
    const percent = (ticksUsed) => (ticksUsed / ticks / seconds) * 100;
    const status = await fetch(`http://127.0.0.1:${port}/status`).then((response) => response.json());
    await stopProcess(pid);
    costPid = undefined;
    const own = percent(last.own - first.own);
    const children = percent(last.children - first.children);
    console.log(
      `  probes: ${status.probes.map((entry) => `${entry.name} ${entry.runs} runs, last ${Math.round(entry.durationMs)} ms`).join('; ')}`,
    );
    console.log(`  CPU of the monitor process: ${own.toFixed(2)} % of one core`);
    console.log(
      `  CPU of the tools it ran (crm_mon, corosync-cmapctl, corosync-quorumtool, nsenter): ${children.toFixed(2)} % of one core`,
    );
    console.log(
      `  together: ${(own + children).toFixed(2)} % of one core (target ≤ 0.5 %: ${own + children <= 0.5 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  RSS: ${(last.rssKb / 1024).toFixed(1)} MB now, ${(peakRss / 1024).toFixed(1)} MB at most (target ≤ 60 MB: ${peakRss / 1024 <= 60 ? 'met' : 'NOT met'})`,
    );
  };
  await measureCost('its defaults', '');
  await measureCost("HAProxy's log pushed (log_listen)", `log_listen = 127.0.0.1:${bigLogPort}\n`);
  await unregisterAlertAgent({ pcs: new PcsClient({ runner: node1 }) }).catch(() => undefined);
} finally {
  await monitor?.stop();
  if (costPid) await stopProcess(costPid);
  if (bigPidFile) await stopProcess(Number((await readFile(bigPidFile, 'utf8').catch(() => '')).trim()));
  await sleep(1_000);
  await teardownLab();
  await rm(directory, { recursive: true, force: true });
}
