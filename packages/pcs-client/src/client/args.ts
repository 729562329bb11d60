import { UnsafeArgumentError } from '@ha/core';

/**
 * Building pcs command lines: pure functions from typed requests to argument
 * arrays, checked before anything runs. What pcs would refuse (an id that is
 * not an XML id, an option name with `=`) is refused here, with a clearer word.
 */

/** A value pcs takes as `name=value`: strings as they are, numbers and booleans written out. */
export type OptionValue = string | number | boolean;

/** Which pcs the command lines are for: 0.10, 0.11 and 0.12 differ in a few places. */
export interface PcsDialect {
  /** 0.11 and later: `--promoted`, `move` that removes its constraint, `move-with-constraint`. */
  modern: boolean;
  /** 0.10.9 and later 0.10: `move --autodelete`. */
  autodelete: boolean;
  /** 0.12 and later: a confirmation (`stonith confirm`) takes `--yes`, where 0.11 took `--force`. */
  confirmWithYes: boolean;
}

/** The dialect of a pcs version (`0.10.8`, `0.11.5` …). */
export function dialectOf(version: string): PcsDialect {
  // The leading numbers only: `0.11.5`, `0.10.8-rc1`, `0.11` (a part that is missing counts 0).
  const [major = 0, minor = 0, patch = 0] = (/^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version) ?? [])
    .slice(1)
    .map((part) => Number(part ?? 0));
  const modern = major > 0 || minor >= 11;
  return { modern, autodelete: modern || (minor === 10 && patch >= 9), confirmWithYes: major > 0 || minor >= 12 };
}

const idPattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Refuses an id pcs would reject (it must be a valid XML id: a letter or `_` first, then letters, digits, `_`, `.`, `-`). */
export function assertId(id: string, what: string): string {
  if (typeof id !== 'string' || !idPattern.test(id)) {
    throw new UnsafeArgumentError(
      `${what} '${id}' is not a valid id: start with a letter or '_', then use letters, digits, '_', '.' or '-'`,
      String(id),
    );
  }
  return id;
}

/** Refuses a node name that could not be a host name (or would be read as an option). */
export function assertNodeName(name: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new UnsafeArgumentError(`'${name}' is not a node name`, String(name));
  }
  return name;
}

/**
 * `name=value` words, in order; an option whose value is `undefined` is left
 * out, so optional settings pass straight through. A name must be a plain
 * word (it would otherwise split or change the option).
 */
export function optionWords(options: Readonly<Record<string, OptionValue | undefined>> | undefined): string[] {
  const words: string[] = [];
  for (const [name, value] of Object.entries(options ?? {})) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name))
      throw new UnsafeArgumentError(`option name '${name}' is not a plain word`, name);
    if (value === undefined) continue;
    const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
    if (text.includes('\0')) throw new UnsafeArgumentError(`option ${name} contains a NUL byte`, text);
    words.push(`${name}=${text}`);
  }
  return words;
}

/** A score as pcs reads it: a whole number, or (-)INFINITY. */
export function scoreWord(score: number | 'INFINITY' | '-INFINITY' | undefined): string | undefined {
  if (score === undefined) return undefined;
  if (score === 'INFINITY' || score === '-INFINITY') return score;
  if (!Number.isInteger(score)) throw new UnsafeArgumentError(`score ${score} is not a whole number`, String(score));
  if (score >= 1_000_000) return 'INFINITY';
  if (score <= -1_000_000) return '-INFINITY';
  return String(score);
}

/** An operation of a resource: `op monitor interval=10s timeout=20s`. */
export interface OperationSpec {
  /** The operation (`monitor`, `start`, `stop` …). */
  action:
    'monitor' | 'start' | 'stop' | 'promote' | 'demote' | 'migrate_to' | 'migrate_from' | 'notify' | 'reload' | string;
  /** `10s`, `1min`, or ms as a number. */
  interval?: string | number;
  /** How long it may take: `20s`, or ms as a number. */
  timeout?: string | number;
  /** Other operation options (`on-fail: 'restart'`, `role: 'Promoted'`). */
  options?: Record<string, OptionValue>;
}

function durationWord(value: string | number | undefined): string | undefined {
  return typeof value === 'number' ? `${value}ms` : value;
}

/** `op …` words for a list of operations. */
export function operationWords(operations: readonly OperationSpec[] | undefined): string[] {
  if (!operations || operations.length === 0) return [];
  const words: string[] = ['op'];
  for (const operation of operations) {
    if (!/^[a-z][a-z_-]*$/.test(operation.action))
      throw new UnsafeArgumentError(`'${operation.action}' is not an operation name`, operation.action);
    words.push(
      operation.action,
      ...optionWords({
        interval: durationWord(operation.interval),
        timeout: durationWord(operation.timeout),
        ...operation.options,
      }),
    );
  }
  return words;
}

/** A resource to create. */
export interface ResourceSpec {
  /** The resource id (letters, digits, `_`, `.`, `-`). */
  id: string;
  /** `ocf:heartbeat:IPaddr2`, `systemd:nginx`, `IPaddr2` … */
  agent: string;
  /** Instance attributes (`ip=10.0.0.1`). */
  options?: Record<string, OptionValue>;
  /** Its operations (`monitor` every 10 s …). */
  operations?: readonly OperationSpec[];
  /** Meta attributes (`target-role`, `resource-stickiness`, `migration-threshold` …). */
  meta?: Record<string, OptionValue>;
  /** Clone it (`clone [ID] [options]`). */
  clone?:
    | true
    | {
        /** The clone's id (default `<resource>-clone`). */
        id?: string;
        /** Clone meta options (`clone-max`, `interleave` …). */
        options?: Record<string, OptionValue>;
      };
  /** A promotable clone (`promotable [ID] [options]`). */
  promotable?:
    | true
    | {
        /** The promotable clone's id (default `<resource>-clone`). */
        id?: string;
        /** Its meta options (`promoted-max`, `notify` …). */
        options?: Record<string, OptionValue>;
      };
  /** Add it to this group (created when missing). */
  group?: string;
  /** Create it disabled (`--disabled`: target-role Stopped). */
  disabled?: boolean;
}

/** Refuses an agent name pcs or crm_resource could read as something else (an option, several words). */
export function assertAgent(agent: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.@:+-]*$/.test(agent))
    throw new UnsafeArgumentError(`'${agent}' is not a resource agent name`, agent);
  return agent;
}

/** `pcs resource create …` (or `pcs stonith create …` with `stonith: true`). */
export function resourceCreateArgs(
  spec: ResourceSpec,
  options: { stonith?: boolean; waitSeconds?: number } = {},
): string[] {
  if (spec.clone && spec.promotable)
    throw new TypeError(`resource ${spec.id}: clone and promotable exclude each other`);
  if ((spec.clone || spec.promotable) && spec.group)
    throw new TypeError(`resource ${spec.id}: a cloned resource cannot join a group here; clone the group instead`);
  const args = [
    options.stonith ? 'stonith' : 'resource',
    'create',
    assertId(spec.id, 'resource id'),
    assertAgent(spec.agent),
    ...optionWords(spec.options),
    ...operationWords(spec.operations),
  ];
  const meta = optionWords(spec.meta);
  if (meta.length > 0) args.push('meta', ...meta);
  for (const [keyword, value] of [
    ['clone', spec.clone],
    ['promotable', spec.promotable],
  ] as const) {
    if (value === undefined) continue;
    args.push(keyword);
    if (value !== true) {
      if (value.id !== undefined) args.push(assertId(value.id, `${keyword} id`));
      args.push(...optionWords(value.options));
    }
  }
  if (spec.group !== undefined) args.push('--group', assertId(spec.group, 'group id'));
  if (spec.disabled) args.push('--disabled');
  if (options.waitSeconds !== undefined) args.push(waitFlag(options.waitSeconds));
  return args;
}

/** `--wait=N` (whole seconds, at least 1). */
export function waitFlag(seconds: number): string {
  return `--wait=${Math.max(1, Math.ceil(seconds))}`;
}

/** Cluster setup: what `pcs cluster setup` needs. */
export interface ClusterSetupSpec {
  /** The cluster name (corosync's `cluster_name`). */
  name: string;
  /** Each node with its addresses, one per link (`addr=`). */
  nodes: readonly {
    /** The node name. */
    name: string;
    /** Its address on each link, in link order (none: pcs resolves the name). */
    addresses?: readonly string[];
  }[];
  /** Corosync's transport (default knet). */
  transport?: 'knet' | 'udp' | 'udpu';
  /** Options of the transport (`transport knet ip_version=ipv4`). */
  transportOptions?: Record<string, OptionValue>;
  /** Options of each link, in link order (`link linknumber=0 …`). */
  links?: readonly Record<string, OptionValue>[];
  /** knet crypto options (`cipher: 'aes256', hash: 'sha256'`). */
  crypto?: Record<string, OptionValue>;
  /** totem options (`token: 3000`). */
  totem?: Record<string, OptionValue>;
  /** quorum options (`wait_for_all: 1`, `two_node: 1`). */
  quorum?: Record<string, OptionValue>;
  /** Start the cluster after setup (needs pcsd). */
  start?: boolean;
  /** Start the cluster at boot (`--enable`). */
  enable?: boolean;
  /** Write the corosync.conf here instead of distributing it through pcsd. */
  corosyncConfFile?: string;
}

/** `pcs cluster setup NAME node1 addr=… … [transport knet …] [--start] | [--corosync_conf FILE]`. */
export function clusterSetupArgs(spec: ClusterSetupSpec): string[] {
  if (spec.nodes.length === 0) throw new TypeError(`cluster ${spec.name}: a cluster needs at least one node`);
  const args = ['cluster', 'setup', assertId(spec.name, 'cluster name')];
  for (const node of spec.nodes) {
    args.push(assertNodeName(node.name));
    for (const address of node.addresses ?? []) {
      if (!/^[A-Za-z0-9:.%_-]+$/.test(address))
        throw new UnsafeArgumentError(`'${address}' is not an address`, address);
      args.push(`addr=${address}`);
    }
  }
  if (spec.transport || spec.transportOptions || spec.links || spec.crypto) {
    args.push('transport', spec.transport ?? 'knet', ...optionWords(spec.transportOptions));
    for (const link of spec.links ?? []) args.push('link', ...optionWords(link));
    if (spec.crypto) args.push('crypto', ...optionWords(spec.crypto));
  }
  if (spec.totem) args.push('totem', ...optionWords(spec.totem));
  if (spec.quorum) args.push('quorum', ...optionWords(spec.quorum));
  if (spec.corosyncConfFile !== undefined) {
    if (spec.start || spec.enable)
      throw new TypeError('corosyncConfFile (--corosync_conf) only writes the file: start and enable need pcsd');
    args.push('--corosync_conf', spec.corosyncConfFile);
  } else {
    if (spec.enable) args.push('--enable');
    if (spec.start) args.push('--start', '--wait');
  }
  return args;
}
