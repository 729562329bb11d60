import {
  defineCliCommand,
  formatDuration,
  jsonArg,
  parseDuration,
  printJson,
  UsageError,
  type CliCommand,
  type CliIo,
} from '@ha/core';
import { PcsClient } from '../client/pcs-client.js';
import type { OptionValue } from '../client/args.js';
import type { FenceEvent } from '../status/model.js';
import type { FenceAction } from './args.js';
import { FencingFailedError } from './errors.js';
import type { FenceLevel } from './model.js';
import { parseHostMap } from './parse.js';

/**
 * `ha-pcs fence`, `ha-pcs fencing` and `ha-pcs stonith …`: thin commands over
 * `PcsClient`'s fencing API. `createFencingCommands` takes the client to use,
 * so tests drive the commands with a recording runner.
 */

/** `k=v` words (`ip=10.0.0.1`, `passwd=`) as options; a word without `=` is a usage error. */
function optionsOf(words: readonly string[]): Record<string, OptionValue> {
  const options: Record<string, OptionValue> = {};
  for (const word of words) {
    const equals = word.indexOf('=');
    if (equals <= 0) throw new UsageError(`'${word}' is not an option: write NAME=VALUE (NAME= removes it)`);
    options[word.slice(0, equals)] = word.slice(equals + 1);
  }
  return options;
}

function eventLine(event: FenceEvent): string {
  const when = event.completed ? ` at ${event.completed}` : '';
  const by = event.delegate ? ` by ${event.delegate}` : '';
  const why = event.exitReason ? `: ${event.exitReason}` : '';
  return `${event.target} ${event.action} ${event.status}${by}${when} (asked by ${event.client} on ${event.origin})${why}`;
}

function levelLine(level: FenceLevel): string {
  const target =
    level.target.kind === 'node'
      ? level.target.node
      : level.target.kind === 'pattern'
        ? `pattern ${level.target.pattern}`
        : `attribute ${level.target.name}=${level.target.value}`;
  return `level ${level.level} for ${target}: ${level.devices.join(', ')} (${level.id})`;
}

/** The last fencing of each node, failed ones: what makes `ha-pcs fencing` exit 1. */
function lastFailures(events: readonly FenceEvent[]): FenceEvent[] {
  const last = new Map<string, FenceEvent>();
  // The fencer lists the newest first; pending actions have no result yet.
  for (const event of events) if (event.status !== 'pending' && !last.has(event.target)) last.set(event.target, event);
  return [...last.values()].filter((event) => event.status === 'failed');
}

function positionals(args: { _: string[] }, from: number): string[] {
  return args._.slice(from);
}

function printOrJson(io: CliIo, json: boolean | undefined, data: unknown, text: string): void {
  if (json) printJson(io, data);
  else io.stdout(text);
}

/** The fencing commands over the client `clientOf` gives (a new `PcsClient` on this machine by default). */
export function createFencingCommands(clientOf: () => PcsClient = () => new PcsClient()): {
  fence: CliCommand<any>;
  fencing: CliCommand<any>;
  stonith: CliCommand<any>;
} {
  const fence = defineCliCommand({
    meta: {
      name: 'fence',
      description:
        'Fence NODE now through Pacemaker (reboot unless --off or --on) and print the recorded result. ' +
        'Exit 0 done, 1 the fencing failed, 2 error (an unknown node …)',
    },
    args: {
      node: { type: 'positional', valueHint: 'NODE', description: 'The node to fence', required: true },
      reboot: { type: 'boolean', description: 'Power it off and on again (the default)' },
      off: { type: 'boolean', description: 'Power it off and leave it off' },
      on: { type: 'boolean', description: 'Power it on (unfence)' },
      wait: {
        type: 'boolean',
        default: true,
        description: 'Wait until Pacemaker has recorded the result (--no-wait: return once it is pending)',
      },
      timeout: {
        type: 'string',
        valueHint: 'DURATION',
        description: 'How long the fencer may take, e.g. 90s (default 120s)',
      },
      ...jsonArg,
    },
    async run({ args, io }) {
      const chosen = (['reboot', 'off', 'on'] as const).filter((action) => args[action] === true);
      if (chosen.length > 1) throw new UsageError('--reboot, --off and --on exclude each other');
      const action: FenceAction = chosen[0] ?? 'reboot';
      const timeoutMs =
        args.timeout === undefined ? 120_000 : parseDuration(args.timeout, { what: '--timeout', defaultUnit: 's' });
      const started = Date.now();
      try {
        const event = await clientOf().fence(args.node, { action, wait: args.wait !== false, timeoutMs });
        printOrJson(io, args.json, event, `${eventLine(event)} (${formatDuration(Date.now() - started)})\n`);
        return 0;
      } catch (error) {
        if (!(error instanceof FencingFailedError)) throw error;
        if (args.json) printJson(io, { error: { code: error.code, message: error.message }, event: error.event });
        else io.stdout(`${error.event ? eventLine(error.event) : error.message}\n`);
        io.stderr(`ha-pcs: ${error.message}\n`);
        return 1;
      }
    },
  });

  const fencing = defineCliCommand({
    meta: {
      name: 'fencing',
      description:
        'The fencing history, newest first (cleanup: forget it). Exit 0, 1 when the last fencing of some node failed, 2 error',
    },
    args: {
      node: { type: 'string', valueHint: 'NODE', description: "Only this node's history" },
      ...jsonArg,
    },
    subCommands: {
      cleanup: defineCliCommand({
        meta: { name: 'cleanup', description: 'Forget the fencing history (of one node, or all)' },
        args: { node: { type: 'string', valueHint: 'NODE', description: "Only this node's history" } },
        async run({ args, io }) {
          await clientOf().cleanupFenceHistory(args.node);
          io.stdout(`fencing history of ${args.node ?? 'every node'} cleaned up\n`);
        },
      }),
    },
    async run({ args, io }) {
      const events = await clientOf().fenceHistory(args.node);
      const failed = lastFailures(events);
      printOrJson(
        io,
        args.json,
        { events, lastFailed: failed.map((event) => event.target) },
        events.length === 0 ? 'no fencing recorded\n' : events.map((event) => `${eventLine(event)}\n`).join(''),
      );
      return failed.length > 0 ? 1 : 0;
    },
  });

  const id = { type: 'positional', valueHint: 'ID', description: 'The fence device id', required: true } as const;
  // delete, enable, disable: one device, one call, one line.
  const deviceCommand = (
    name: string,
    description: string,
    done: string,
    act: (client: PcsClient, device: string) => Promise<void>,
  ) =>
    defineCliCommand({
      meta: { name, description },
      args: { id },
      async run({ args, io }) {
        await act(clientOf(), args.id);
        io.stdout(`fence device ${args.id} ${done}\n`);
      },
    });
  const stonith = defineCliCommand({
    meta: { name: 'stonith', description: 'Fence devices, agents and levels' },
    subCommands: {
      list: defineCliCommand({
        meta: { name: 'list', description: 'The fence devices of the CIB' },
        args: { ...jsonArg },
        async run({ args, io }) {
          const devices = await clientOf().fenceDevices();
          const lines = devices.map((device) => {
            const hosts = device.hostMap
              ? ` hosts ${Object.keys(device.hostMap).join(',')}`
              : device.hostList
                ? ` hosts ${device.hostList.join(',')}`
                : '';
            return `${device.id} (${device.agent})${hosts}${device.disabled ? ' [disabled]' : ''}\n`;
          });
          printOrJson(io, args.json, devices, lines.join('') || 'no fence devices\n');
        },
      }),
      agents: defineCliCommand({
        meta: { name: 'agents', description: 'The installed fence agents' },
        args: { ...jsonArg },
        async run({ args, io }) {
          const agents = await clientOf().fenceAgents();
          printOrJson(io, args.json, agents, agents.map((agent) => `${agent}\n`).join(''));
        },
      }),
      describe: defineCliCommand({
        meta: { name: 'describe', description: "A fence agent's parameters and actions" },
        args: {
          agent: {
            type: 'positional',
            valueHint: 'AGENT',
            description: 'The fence agent (fence_ipmilan)',
            required: true,
          },
          ...jsonArg,
        },
        async run({ args, io }) {
          const metadata = await clientOf().fenceAgentMetadata(args.agent);
          const lines = [`${metadata.name}: ${metadata.shortdesc}\n`];
          for (const parameter of metadata.parameters) {
            const notes = [
              parameter.type,
              parameter.required && 'required',
              parameter.default !== undefined && `default ${parameter.default}`,
              parameter.choices && `one of ${parameter.choices.join('|')}`,
              parameter.deprecated && 'deprecated',
              parameter.obsoletes && `replaces ${parameter.obsoletes}`,
            ].filter(Boolean);
            lines.push(`  ${parameter.name} (${notes.join(', ')}): ${parameter.description}\n`);
          }
          lines.push(`actions: ${metadata.actions.join(', ')}\n`);
          printOrJson(io, args.json, metadata, lines.join(''));
        },
      }),
      create: defineCliCommand({
        meta: {
          name: 'create',
          description: 'Create a fence device: ID AGENT NAME=VALUE…, checked against the agent first',
        },
        args: {
          id,
          agent: { type: 'positional', valueHint: 'AGENT', description: 'Its fence agent', required: true },
          options: {
            type: 'positional',
            valueHint: 'NAME=VALUE…',
            description: "The agent's options",
            required: false,
          },
          hostMap: {
            type: 'string',
            valueHint: 'NODE:PORT,…',
            description: 'Which port (plug) of the device each node is on: node1:1,node2:2 (pcmk_host_map)',
          },
          delayBase: {
            type: 'string',
            valueHint: 'DURATION',
            description: 'A fixed delay before fencing (pcmk_delay_base)',
          },
          delayMax: {
            type: 'string',
            valueHint: 'DURATION',
            description: 'A random delay up to this before fencing (pcmk_delay_max), so one side of a split wins',
          },
          disabled: { type: 'boolean', description: 'Create it disabled' },
        },
        async run({ args, io }) {
          const hostMap = args.hostMap === undefined ? undefined : parseHostMap(args.hostMap.replaceAll(',', ';'));
          if (hostMap !== undefined && Object.keys(hostMap).length === 0)
            throw new UsageError(`--host-map '${args.hostMap}' names no node: write node1:port1,node2:port2`);
          const delay =
            args.delayBase === undefined && args.delayMax === undefined
              ? undefined
              : { base: args.delayBase, max: args.delayMax };
          await clientOf().createFenceDevice({
            id: args.id,
            agent: args.agent,
            options: optionsOf(positionals(args, 2)),
            hostMap,
            ...(delay ? { delay: stripUndefined(delay) } : {}),
            disabled: args.disabled === true,
          });
          io.stdout(`fence device ${args.id} created\n`);
        },
      }),
      update: defineCliCommand({
        meta: { name: 'update', description: "Change a fence device's options: ID NAME=VALUE… (NAME= removes it)" },
        args: {
          id,
          options: {
            type: 'positional',
            valueHint: 'NAME=VALUE…',
            description: 'The options to change',
            required: true,
          },
        },
        async run({ args, io }) {
          await clientOf().updateFenceDevice(args.id, optionsOf(positionals(args, 1)));
          io.stdout(`fence device ${args.id} updated\n`);
        },
      }),
      delete: deviceCommand('delete', 'Remove a fence device', 'deleted', (client, id) => client.deleteFenceDevice(id)),
      enable: deviceCommand('enable', 'Let Pacemaker use a fence device again', 'enabled', (client, id) =>
        client.enableFenceDevice(id),
      ),
      disable: deviceCommand(
        'disable',
        'Stop a fence device and keep Pacemaker from using it',
        'disabled',
        (client, id) => client.disableFenceDevice(id),
      ),
      confirm: defineCliCommand({
        meta: {
          name: 'confirm',
          description:
            'Tell the cluster NODE is safely down, so it recovers without fencing it: only after you made sure it is off (--node-is-down)',
        },
        args: {
          node: { type: 'positional', valueHint: 'NODE', description: 'The node that is down', required: true },
          nodeIsDown: {
            type: 'boolean',
            description: 'You made sure NODE is powered off and cut from shared resources (required)',
          },
        },
        async run({ args, io }) {
          await clientOf().confirmNodeDown(args.node, { nodeIsDown: args.nodeIsDown === true });
          io.stdout(`${args.node} confirmed down\n`);
        },
      }),
      levels: defineCliCommand({
        meta: { name: 'levels', description: 'The fencing levels (topology)' },
        args: { ...jsonArg },
        async run({ args, io }) {
          const levels = await clientOf().fenceLevels();
          printOrJson(
            io,
            args.json,
            levels,
            levels.map((level) => `${levelLine(level)}\n`).join('') || 'no fencing levels\n',
          );
        },
      }),
      level: defineCliCommand({
        meta: { name: 'level', description: 'Add, remove or verify fencing levels' },
        subCommands: {
          add: defineCliCommand({
            meta: {
              name: 'add',
              description: 'Add level N for NODE with these devices (tried in order, all must succeed)',
            },
            args: {
              level: {
                type: 'positional',
                valueHint: 'N',
                description: 'The level (1 is tried first)',
                required: true,
              },
              node: { type: 'positional', valueHint: 'NODE', description: 'The node it is for', required: true },
              devices: { type: 'positional', valueHint: 'DEVICE…', description: 'Fence device ids', required: true },
            },
            async run({ args, io }) {
              const devices = positionals(args, 2);
              await clientOf().addFenceLevel(levelOf(args.level), args.node, devices);
              io.stdout(`level ${args.level} for ${args.node}: ${devices.join(', ')}\n`);
            },
          }),
          remove: defineCliCommand({
            meta: { name: 'remove', description: 'Remove level N (of NODE only, when given)' },
            args: {
              level: { type: 'positional', valueHint: 'N', description: 'The level', required: true },
              node: {
                type: 'positional',
                valueHint: 'NODE',
                description: 'Only the level of this node',
                required: false,
              },
            },
            async run({ args, io }) {
              await clientOf().removeFenceLevel(levelOf(args.level), args.node);
              io.stdout(`level ${args.level}${args.node ? ` for ${args.node}` : ''} removed\n`);
            },
          }),
          verify: defineCliCommand({
            meta: {
              name: 'verify',
              description: 'Check that every device and node the levels name exists. Exit 0 all exist, 1 not',
            },
            args: { ...jsonArg },
            async run({ args, io }) {
              const findings = await clientOf().verifyFenceLevels();
              printOrJson(
                io,
                args.json,
                findings,
                findings.map((finding) => `${finding.message}\n`).join('') || 'fencing levels verified\n',
              );
              return findings.length > 0 ? 1 : 0;
            },
          }),
        },
      }),
    },
  });
  return { fence, fencing, stonith };
}

function levelOf(word: string): number {
  if (!/^[1-9]$/.test(word)) throw new UsageError(`level '${word}' is not a level (a whole number from 1 to 9)`);
  return Number(word);
}

function stripUndefined(delay: { base?: string | undefined; max?: string | undefined }): {
  base?: string;
  max?: string;
} {
  return {
    ...(delay.base === undefined ? {} : { base: delay.base }),
    ...(delay.max === undefined ? {} : { max: delay.max }),
  };
}

const commands = createFencingCommands();

/** `ha-pcs fence NODE [--off|--reboot|--on] [--no-wait]`. */
export const fenceCommand = commands.fence;
/** `ha-pcs fencing [--node N] [--json]` and `ha-pcs fencing cleanup [--node N]`. */
export const fencingCommand = commands.fencing;
/** `ha-pcs stonith list|agents|describe|create|update|delete|enable|disable|confirm|levels|level …`. */
export const stonithCommand = commands.stonith;
