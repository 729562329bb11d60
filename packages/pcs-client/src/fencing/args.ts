import { UnsafeArgumentError } from '@ha/core';
import { assertId, assertNodeName, optionWords, type OptionValue, type PcsDialect } from '../client/args.js';
import type { FenceLevelTarget } from './model.js';

/**
 * Command lines of fencing: pure functions from typed requests to argument
 * arrays (pcs's and stonith_admin's), checked before anything runs.
 */

/** A fence device to create (`createFenceDevice`). */
export interface FenceDeviceSpec {
  /** The device's id (letters, digits, `_`, `.`, `-`). */
  id: string;
  /** Its fence agent (`fence_ipmilan`, `fence_ha_lab`). */
  agent: string;
  /** The agent's options (`ip`, `username` …) and the fencer's (`pcmk_host_check` …). */
  options?: Record<string, OptionValue>;
  /** Node name → the agent's port (plug) for it: written as `pcmk_host_map`. */
  hostMap?: Record<string, string>;
  /** The nodes the device can fence (`pcmk_host_list`), for agents that take the node name as is. */
  hostList?: readonly string[];
  /** A delay before fencing, so one side of a split wins: `base` always (`pcmk_delay_base`), plus up to `max` at random (`pcmk_delay_max`): `5s`, `1`. */
  delay?: {
    /** `pcmk_delay_base`: a fixed delay (`2s`). */
    base?: string;
    /** `pcmk_delay_max`: a random delay up to this (`5s`). */
    max?: string;
  };
  /** Fencing levels to add for this device once it exists: its index, and the node it is for. */
  levels?: readonly {
    /** The level's index (1 is tried first). */
    level: number;
    /** The node the level is for. */
    target: string;
  }[];
  /** Create it disabled (`--disabled`). */
  disabled?: boolean;
}

/** The fencing actions a node can be asked to go through. */
export type FenceAction = 'reboot' | 'off' | 'on';

const portPattern = /^[^\s;:=\0]+$/;
const durationPattern = /^\d+(?:\.\d+)?(?:ms|msec|s|sec|m|min|h|hr)?$/;

function assertDuration(value: string, what: string): string {
  if (!durationPattern.test(value))
    throw new UnsafeArgumentError(`${what} '${value}' is not a duration (e.g. 5s, 500ms, 1min)`, value);
  return value;
}

/**
 * The options of a device as pcs takes them: `options`, then `hostMap` as
 * `pcmk_host_map`, `hostList` as `pcmk_host_list` and `delay` as
 * `pcmk_delay_base`/`pcmk_delay_max` (each refused when also in `options`).
 */
export function fenceDeviceOptions(spec: FenceDeviceSpec): Record<string, OptionValue> {
  const options: Record<string, OptionValue> = { ...spec.options };
  const put = (name: string, value: string | undefined) => {
    if (value === undefined) return;
    if (options[name] !== undefined)
      throw new TypeError(`fence device ${spec.id}: ${name} is given twice (in options and as its own setting)`);
    options[name] = value;
  };
  if (spec.hostMap !== undefined) {
    const entries = Object.entries(spec.hostMap).map(([node, port]) => {
      assertNodeName(node);
      if (!portPattern.test(port))
        throw new UnsafeArgumentError(`port '${port}' of node ${node} cannot be written in pcmk_host_map`, port);
      return `${node}:${port}`;
    });
    if (entries.length === 0) throw new TypeError(`fence device ${spec.id}: hostMap names no node`);
    put('pcmk_host_map', entries.join(';'));
  }
  if (spec.hostList !== undefined) {
    if (spec.hostList.length === 0) throw new TypeError(`fence device ${spec.id}: hostList names no node`);
    put('pcmk_host_list', spec.hostList.map(assertNodeName).join(','));
  }
  put('pcmk_delay_base', spec.delay?.base === undefined ? undefined : assertDuration(spec.delay.base, 'delay base'));
  put('pcmk_delay_max', spec.delay?.max === undefined ? undefined : assertDuration(spec.delay.max, 'delay max'));
  return options;
}

function assertAgentName(agent: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.@:/+-]*$/.test(agent))
    throw new UnsafeArgumentError(`'${agent}' is not a fence agent name`, agent);
  return agent;
}

/**
 * `pcs stonith create ID AGENT k=v… [--disabled]` (the same words on pcs 0.10
 * to 0.12; the levels are added by `fenceLevelAddArgs` afterwards).
 */
export function fenceDeviceCreateArgs(spec: FenceDeviceSpec): string[] {
  return [
    'stonith',
    'create',
    assertId(spec.id, 'fence device id'),
    assertAgentName(spec.agent),
    ...optionWords(fenceDeviceOptions(spec)),
    ...(spec.disabled ? ['--disabled'] : []),
  ];
}

/** `pcs stonith update ID k=v…`: an empty value removes that option. */
export function fenceDeviceUpdateArgs(id: string, options: Readonly<Record<string, OptionValue>>): string[] {
  const words = optionWords(options);
  if (words.length === 0) throw new TypeError(`fence device ${id}: no option to update`);
  return ['stonith', 'update', assertId(id, 'fence device id'), ...words];
}

/** A level's target as pcs writes it: `node1`, `regexp%node[23]`, `attrib%rack=r1`. */
export function levelTargetWord(target: FenceLevelTarget | string): string {
  if (typeof target === 'string') return assertNodeName(target);
  switch (target.kind) {
    case 'node':
      return assertNodeName(target.node);
    case 'pattern':
      if (/[\s\0]/.test(target.pattern) || target.pattern === '')
        throw new UnsafeArgumentError(`'${target.pattern}' cannot be a level's node pattern`, target.pattern);
      return `regexp%${target.pattern}`;
    case 'attribute':
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(target.name) || /[\s\0]/.test(target.value))
        throw new UnsafeArgumentError(
          `'${target.name}=${target.value}' cannot be a level's node attribute`,
          target.name,
        );
      return `attrib%${target.name}=${target.value}`;
  }
}

function assertLevel(level: number): string {
  if (!Number.isInteger(level) || level < 1 || level > 9)
    throw new UnsafeArgumentError(`fencing level ${level} is not a level (a whole number from 1 to 9)`, String(level));
  return String(level);
}

/** `pcs stonith level add N TARGET DEVICE…`. */
export function fenceLevelAddArgs(
  level: number,
  target: FenceLevelTarget | string,
  devices: readonly string[],
): string[] {
  if (devices.length === 0) throw new TypeError(`fencing level ${level}: name at least one fence device`);
  return [
    'stonith',
    'level',
    'add',
    assertLevel(level),
    levelTargetWord(target),
    ...devices.map((id) => assertId(id, 'fence device id')),
  ];
}

/** `pcs stonith level remove N [target TARGET] [stonith DEVICE…]`: the level (of that target, with those devices). */
export function fenceLevelRemoveArgs(
  level: number,
  target?: FenceLevelTarget | string,
  devices?: readonly string[],
): string[] {
  const args = ['stonith', 'level', 'remove', assertLevel(level)];
  if (target !== undefined) args.push('target', levelTargetWord(target));
  if (devices !== undefined && devices.length > 0)
    args.push('stonith', ...devices.map((id) => assertId(id, 'fence device id')));
  return args;
}

/**
 * `pcs stonith confirm NODE` and its deliberate flag: `--force` on pcs 0.11
 * and before, `--yes` on 0.12 (which took `--force` away from confirmations).
 */
export function confirmNodeDownArgs(node: string, dialect: PcsDialect): string[] {
  return ['stonith', 'confirm', assertNodeName(node), dialect.confirmWithYes ? '--yes' : '--force'];
}

const fenceFlags: Record<FenceAction, string> = { reboot: '--reboot', off: '--fence', on: '--unfence' };

/**
 * `stonith_admin --reboot|--fence|--unfence NODE --timeout S`: the fencer
 * carries the action out and answers once it has recorded the result.
 */
export function fenceNodeArgs(node: string, action: FenceAction, timeoutSeconds: number): string[] {
  const flag = fenceFlags[action];
  if (flag === undefined) throw new TypeError(`'${String(action)}' is not a fencing action (reboot, off or on)`);
  return [flag, assertNodeName(node), '--timeout', String(Math.max(1, Math.ceil(timeoutSeconds)))];
}

/** `stonith_admin --history NODE|* --verbose --output-as=xml` (every recorded and pending action, not only the last). */
export function fenceHistoryArgs(node?: string): string[] {
  return ['--history', node === undefined ? '*' : assertNodeName(node), '--verbose', '--output-as=xml'];
}
