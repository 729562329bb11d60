import {
  CommandError,
  createPackageCli,
  defaultRunner,
  defineCliCommand,
  HaError,
  UsageError,
  type CliIo,
} from '@ha/core';
import { LabCluster, type LabStatus } from './cluster.js';
import {
  killLabBackend,
  readHaproxyLab,
  serverStatuses,
  startHaproxyLab,
  startLabBackend,
  stopHaproxyLab,
} from './haproxy.js';
import { findLabLeftovers } from './leftovers.js';
import { defaultStateRoot } from './layout.js';
import { isOutletRequest, outletActions, parsePowerRequest, powerFaults } from './power-protocol.js';
import { servePowerSwitch } from './power-switch.js';
import { teardownLab } from './teardown.js';
import { labTools } from './tools.js';
import { buildStack, listStacks, parseStackName, stackNames } from './stacks.js';

const nodeArg = { node: { type: 'positional', description: 'Node name (node1 … node5)', required: true } } as const;
const jsonArg = { json: { type: 'boolean', description: 'Print JSON' } } as const;
const stackArg = {
  stack: {
    type: 'string',
    description: `Generation of the stack: ${stackNames.join(' or ')} (default: HA_LAB_STACK, else this machine's)`,
  },
} as const;

async function attached(): Promise<LabCluster> {
  const lab = await LabCluster.attach();
  if (!lab) throw new HaError('NOT_FOUND', "no lab is up (start one with 'ha-lab up --nodes 3')");
  return lab;
}

function nodeCommand(
  name: string,
  description: string,
  action: (lab: LabCluster, node: string) => Promise<void>,
  done: string,
) {
  return defineCliCommand({
    meta: { name, description },
    args: nodeArg,
    async run({ args, io }) {
      const lab = await attached();
      await action(lab, args.node);
      io.stdout(`${args.node}: ${done}\n`);
    },
  });
}

function printStatus(status: LabStatus, io: CliIo): void {
  const view = status.view;
  const summary = view ? `DC ${view.dc ?? 'none'}, ${view.quorate ? 'quorate' : 'no quorum'}` : 'no cluster view';
  io.stdout(
    `cluster ${status.clusterName}: ${status.nodes.length} nodes${status.bare ? ' (bare)' : ''}${status.pcsd ? ' with pcsd' : ''}; ${summary}\n`,
  );
  for (const node of status.nodes) {
    const seen = view?.nodes.find((entry) => entry.name === node.name);
    const membership = seen ? (seen.online ? (seen.standby ? 'standby' : 'online') : 'offline') : '-';
    const daemons =
      [node.corosync && 'corosync', node.pacemaker && 'pacemaker', node.pcsd && 'pcsd'].filter(Boolean).join(',') ||
      '-';
    io.stdout(
      `${node.name.padEnd(6)} ${node.address.padEnd(11)} ${(node.running ? 'running' : 'down').padEnd(8)} link ${node.link.padEnd(7)} ${daemons.padEnd(24)} ${membership}\n`,
    );
  }
}

const haproxy = defineCliCommand({
  meta: {
    name: 'haproxy',
    description: 'A real HAProxy with an admin socket in front of small real HTTP backends on loopback',
  },
  subCommands: {
    up: defineCliCommand({
      meta: { name: 'up', description: 'Start the backends and HAProxy; returns when every server is UP' },
      args: {
        servers: { type: 'string', description: 'Number of backend servers (default 3)' },
        ...stackArg,
        ...jsonArg,
      },
      async run({ args, io }) {
        const lab = await startHaproxyLab({
          servers: args.servers === undefined ? 3 : parseCount(args.servers, '--servers'),
          ...(args.stack === undefined ? {} : { stack: parseStackName(args.stack) }),
        });
        if (args.json) io.stdout(`${JSON.stringify(lab, null, 2)}\n`);
        else
          io.stdout(
            `haproxy ${lab.haproxyVersion} (${lab.stack}) up: http://${lab.frontend.address}:${lab.frontend.port}/ → ${lab.servers.length} servers; admin socket ${lab.adminSocket}; master CLI ${lab.masterSocket}\n`,
          );
      },
    }),
    down: defineCliCommand({
      meta: { name: 'down', description: 'Stop HAProxy and its backends' },
      async run({ io }) {
        await stopHaproxyLab();
        io.stdout('haproxy down\n');
      },
    }),
    kill: defineCliCommand({
      meta: { name: 'kill', description: "Kill one backend server's process (SIGKILL); HAProxy's check marks it DOWN" },
      args: { server: { type: 'positional', description: 'Server name (srv1 …)', required: true } },
      async run({ args, io }) {
        await killLabBackend(args.server);
        io.stdout(`${args.server}: killed\n`);
      },
    }),
    start: defineCliCommand({
      meta: { name: 'start', description: 'Start a killed backend server again on its port' },
      args: { server: { type: 'positional', description: 'Server name (srv1 …)', required: true } },
      async run({ args, io }) {
        const pid = await startLabBackend(args.server);
        io.stdout(`${args.server}: running (pid ${pid})\n`);
      },
    }),
    status: defineCliCommand({
      meta: { name: 'status', description: "Show the lab HAProxy and its servers' states" },
      args: jsonArg,
      async run({ args, io }) {
        const lab = await readHaproxyLab();
        if (!lab) throw new HaError('NOT_FOUND', "the lab's HAProxy is not up (ha-lab haproxy up)");
        const statuses = await serverStatuses(defaultRunner, lab);
        if (args.json) io.stdout(`${JSON.stringify({ ...lab, statuses: Object.fromEntries(statuses) }, null, 2)}\n`);
        else
          for (const server of lab.servers)
            io.stdout(`${server.name} ${server.address}:${server.port} ${statuses.get(server.name) ?? 'unknown'}\n`);
      },
    }),
  },
});

const power = defineCliCommand({
  meta: { name: 'power', description: "The lab's power switch: one outlet per node (what fence_ha_lab drives)" },
  args: {
    action: {
      type: 'positional',
      description: `${outletActions.join(', ')}, list, or fault (none, refuse, unreachable)`,
      required: true,
    },
    target: { type: 'positional', description: 'Node name (node1 …), or the fault', required: false },
    ...jsonArg,
  },
  subCommands: {
    serve: defineCliCommand({
      meta: { name: 'serve', description: 'Run the switch (ha-lab up starts it; ha-lab down ends it)' },
      args: { 'state-dir': { type: 'string', description: 'State folder of the lab', default: defaultStateRoot } },
      async run({ args }) {
        await servePowerSwitch(args['state-dir']);
      },
    }),
  },
  async run({ args, io }) {
    const lab = await attached();
    if (args.action === 'list') {
      const outlets = await lab.powerStatus();
      if (args.json) io.stdout(`${JSON.stringify(outlets, null, 2)}\n`);
      else for (const outlet of outlets) io.stdout(`${outlet.node} ${outlet.state}\n`);
      return;
    }
    if (args.action === 'fault') {
      const fault = oneOf(args.target ?? '', powerFaults, 'power fault');
      await lab.setPowerFault(fault);
      io.stdout(`power switch fault: ${fault}\n`);
      return;
    }
    // Checked as the switch would check it, so a bad word fails before anything is asked.
    const request = parsePowerRequest(`${args.action} ${args.target ?? ''}`);
    if (!isOutletRequest(request)) throw new UsageError(`power ${args.action} takes no node`);
    const state = await lab.power(request.action, request.node);
    if (args.json) io.stdout(`${JSON.stringify({ node: request.node, state })}\n`);
    else io.stdout(`${request.node}: ${state}\n`);
  },
});

const cli = createPackageCli({
  name: 'ha-lab',
  description: 'Real Corosync/Pacemaker clusters and HAProxy on this machine, in namespaces',
  packageJsonUrl: new URL('../package.json', import.meta.url),
  tools: labTools,
  subCommands: {
    up: defineCliCommand({
      meta: {
        name: 'up',
        description: 'Boot an N-node cluster; returns when a DC is elected and all nodes are online',
      },
      args: {
        nodes: { type: 'string', description: 'Number of nodes, 1 to 5', default: '3' },
        bare: { type: 'boolean', description: 'Boot the node namespaces only, no cluster' },
        pcsd: { type: 'boolean', description: 'Also run pcsd in every node (hacluster password: ha-lab-secret)' },
        fencing: {
          type: 'string',
          description: "lab (default): stonith-enabled with the lab's power switch as fence device; none: no fencing",
        },
        'stonith-action': { type: 'string', description: 'What fencing does to a node: reboot (default) or off' },
        'fence-delay-max': { type: 'string', description: 'pcmk_delay_max of the fence device (e.g. 5s)' },
        ...stackArg,
        ...jsonArg,
      },
      async run({ args, io }) {
        const lab = await LabCluster.up({
          nodes: parseCount(args.nodes, '--nodes'),
          bare: args.bare ?? false,
          pcsd: args.pcsd ?? false,
          ...(args.stack === undefined ? {} : { stack: parseStackName(args.stack) }),
          ...(args.fencing === undefined
            ? {}
            : { fencing: oneOf(args.fencing, ['lab', 'none'] as const, '--fencing') }),
          ...(args['stonith-action'] === undefined
            ? {}
            : { stonithAction: oneOf(args['stonith-action'], ['reboot', 'off'] as const, '--stonith-action') }),
          ...(args['fence-delay-max'] === undefined ? {} : { fenceDelayMax: args['fence-delay-max'] }),
        });
        const seconds = (lab.bootMs / 1000).toFixed(1);
        if (args.json)
          io.stdout(`${JSON.stringify({ bootMs: Math.round(lab.bootMs), ...(await lab.status()) }, null, 2)}\n`);
        else
          io.stdout(
            `lab up (${lab.stack}): ${lab.nodeNames.length} node(s) ${lab.nodeNames.join(', ')} in ${seconds} s\n`,
          );
      },
    }),
    down: defineCliCommand({
      meta: {
        name: 'down',
        description: 'Tear everything down (also what a crashed run left); exit 1 if anything remains',
      },
      async run({ io }) {
        const left = await teardownLab();
        for (const item of left) io.stderr(`left behind: ${item}\n`);
        io.stdout(
          left.length === 0 ? 'lab down: nothing left behind\n' : `lab down: ${left.length} thing(s) left behind\n`,
        );
        return left.length === 0 ? 0 : 1;
      },
    }),
    status: defineCliCommand({
      meta: { name: 'status', description: 'Show nodes, daemons, links and the cluster view' },
      args: jsonArg,
      async run({ args, io }) {
        const status = await (await attached()).status();
        if (args.json) io.stdout(`${JSON.stringify(status, null, 2)}\n`);
        else printStatus(status, io);
      },
    }),
    exec: defineCliCommand({
      meta: {
        name: 'exec',
        description: 'Run a command inside a node: ha-lab exec NODE -- CMD [ARGS…]; its exit code is passed through',
      },
      args: nodeArg,
      async run({ args, rawArgs }) {
        const separator = rawArgs.indexOf('--');
        const commandLine = separator === -1 ? args._.slice(1) : rawArgs.slice(separator + 1);
        const [file, ...rest] = commandLine;
        if (file === undefined) throw new UsageError('no command given: ha-lab exec NODE -- CMD [ARGS…]');
        const lab = await attached();
        try {
          const result = await lab.exec(args.node, file, rest, { stdio: 'inherit', timeoutMs: 24 * 3600_000 });
          return result.exitCode;
        } catch (error) {
          if (error instanceof CommandError && !error.timedOut) return error.exitCode ?? 128;
          throw error;
        }
      },
    }),
    kill: nodeCommand('kill', 'Hard-crash a node (SIGKILL to its PID 1)', (lab, node) => lab.kill(node), 'killed'),
    stop: nodeCommand(
      'stop',
      'Stop a node cleanly (pacemaker, then corosync, then the node)',
      (lab, node) => lab.stop(node),
      'stopped',
    ),
    start: nodeCommand(
      'start',
      'Boot a stopped or killed node and wait until it is online',
      (lab, node) => lab.start(node),
      'started',
    ),
    partition: nodeCommand(
      'partition',
      "Cut a node's link at the switch",
      (lab, node) => lab.partition(node),
      'partitioned',
    ),
    heal: nodeCommand('heal', "Restore a partitioned node's link", (lab, node) => lab.heal(node), 'healed'),
    haproxy,
    power,
    stacks: defineCliCommand({
      meta: { name: 'stacks', description: 'List the generations of the stack, whether each is built, and versions' },
      args: jsonArg,
      async run({ args, io }) {
        const stacks = await listStacks();
        if (args.json) io.stdout(`${JSON.stringify(stacks, null, 2)}\n`);
        else
          for (const stack of stacks) {
            const state = stack.host ? 'this machine' : stack.built ? (stack.current ? 'built' : 'stale') : 'not built';
            const versions = Object.entries(stack.versions)
              .map(([name, version]) => `${name} ${version}`)
              .join(', ');
            io.stdout(`${stack.name.padEnd(9)} ${state.padEnd(12)} ${versions || '-'}\n`);
          }
      },
    }),
    stack: defineCliCommand({
      meta: { name: 'stack', description: "Manage a generation's root file system" },
      subCommands: {
        build: defineCliCommand({
          meta: {
            name: 'build',
            description: "Build or refresh a generation's root from Debian's archive (kept while current)",
          },
          args: {
            name: { type: 'positional', description: stackNames.join(' or '), required: true },
            force: { type: 'boolean', description: 'Rebuild even when the root is current' },
          },
          async run({ args, io }) {
            const manifest = await buildStack(parseStackName(args.name), {
              force: args.force ?? false,
              progress: (line) => io.stdout(`${line}\n`),
            });
            if (manifest) io.stdout(`${manifest.stack}: ready (${manifest.suite}, built ${manifest.builtAt})\n`);
          },
        }),
      },
    }),
    leftovers: defineCliCommand({
      meta: { name: 'leftovers', description: 'List anything of a lab on this machine; exit 1 if there is any' },
      async run({ io }) {
        const left = await findLabLeftovers(defaultRunner);
        for (const item of left) io.stdout(`${item}\n`);
        return left.length === 0 ? 0 : 1;
      },
    }),
  },
});

/** The `ha-lab` command tree, with `--version` and `tools` as every ha-toolkit CLI has. */
export const command = cli.command;

/** Entry of the `ha-lab` bin: runs `command` on `process.argv` and sets the exit code. */
export const main = cli.main;

function parseCount(value: string, flag: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(count))
    throw new UsageError(`${flag} takes a whole number, got '${value}'`);
  return count;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} takes ${allowed.join(' or ')}, got '${value}'`);
  return value as T;
}
