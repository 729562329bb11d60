import { defaultRunner, UnsafeArgumentError, type CommandResult, type Runner } from '@ha/core';
import { drbdUnavailableFrom } from '../errors.js';

/** A command drbdadm would run (`drbdadm -d` prints them). */
export interface PlannedCommand {
  /** `drbdsetup`, `drbdmeta`, `drbdsetup-84` … (without its directory). */
  program: string;
  /** Its arguments, unquoted (`['new-peer', 'r0', '1', '--_name=node2']`). */
  args: string[];
}

/** Options of a `Drbdadm` client. */
export interface DrbdadmOptions {
  /** Runs drbdadm (default: core's `defaultRunner`). */
  runner?: Runner;
  /** The config file (`-c FILE`; default drbdadm's own, /etc/drbd.conf). */
  configFile?: string;
  /** Act as this host (`__DRBD_NODE__`): drbdadm only acts for a host named in the resource. */
  node?: string;
  /** Pretend this kernel module version (`DRBD_DRIVER_VERSION_OVERRIDE`; `8.4.11` switches to 8.4 commands). */
  driverVersion?: string;
  /** How long one drbdadm run may take, ms (default 120 000). */
  timeoutMs?: number;
}

/** What a drbdadm operation did: the commands it ran (or, in a dry run, would run). */
export interface DrbdadmResult {
  /** It was a dry run (`drbdadm -d`): nothing was done. */
  dryRun: boolean;
  /** In a dry run, the commands drbdadm would have run; empty otherwise. */
  commands: PlannedCommand[];
  /** drbdadm's own run: exit code, stdout, stderr, duration. */
  output: CommandResult;
}

/** The verbs `Drbdadm` speaks. */
export type DrbdadmVerb =
  | 'create-md'
  | 'up'
  | 'down'
  | 'adjust'
  | 'primary'
  | 'secondary'
  | 'connect'
  | 'disconnect'
  | 'invalidate'
  | 'resize'
  | 'verify'
  | 'pause-sync'
  | 'resume-sync'
  | 'attach'
  | 'detach';

/**
 * A typed client of `drbdadm`. Every operation has a dry run (`drbdadm -d`)
 * that returns the `drbdsetup` and `drbdmeta` commands drbdadm would run, so
 * what a change does can be checked before it is made, on any host.
 */
export class Drbdadm {
  private readonly runner: Runner;
  private readonly configArgs: readonly string[];
  private readonly env: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;

  constructor(options: DrbdadmOptions = {}) {
    const { runner = defaultRunner, configFile, node, driverVersion, timeoutMs = 120_000 } = options;
    this.runner = runner;
    this.timeoutMs = timeoutMs;
    this.configArgs = configFile ? ['-c', configFile] : [];
    const env: Record<string, string> = {};
    if (node) env.__DRBD_NODE__ = node;
    if (driverVersion) env.DRBD_DRIVER_VERSION_OVERRIDE = driverVersion;
    this.env = env;
  }

  /** Writes DRBD's metadata on the backing disk (`--force`: no question asked). */
  async createMd(
    resource: string,
    options: { force?: boolean; maxPeers?: number; dryRun?: boolean } = {},
  ): Promise<DrbdadmResult> {
    return this.run(
      'create-md',
      resource,
      [
        ...(options.force ? ['--force'] : []),
        ...(options.maxPeers !== undefined ? [`--max-peers=${integer(options.maxPeers)}`] : []),
      ],
      options.dryRun,
    );
  }

  /** Brings a resource up: creates it in the kernel, attaches its disks, connects to its peers. */
  async up(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('up', resource, [], options.dryRun);
  }

  /** Takes a resource down: disconnects, detaches, removes it from the kernel. */
  async down(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('down', resource, [], options.dryRun);
  }

  /** Makes the running resource match its configuration file. */
  async adjust(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('adjust', resource, [], options.dryRun);
  }

  /** `--force`: become primary without an UpToDate peer (the first time, on the node whose data is the truth). */
  async primary(resource: string, options: { force?: boolean; dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('primary', resource, options.force ? ['--force'] : [], options.dryRun);
  }

  /** Demotes this node to Secondary (the device can no longer be opened for writing). */
  async secondary(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('secondary', resource, [], options.dryRun);
  }

  /** `discardMyData`: after a split brain, this node's changes are thrown away. */
  async connect(
    resource: string,
    options: { peer?: string; discardMyData?: boolean; dryRun?: boolean } = {},
  ): Promise<DrbdadmResult> {
    return this.run(
      'connect',
      options.peer ? `${resource}:${name(options.peer)}` : resource,
      options.discardMyData ? ['--discard-my-data'] : [],
      options.dryRun,
    );
  }

  /** Disconnects from the peers (or from one `peer`); the resource stays up, StandAlone. */
  async disconnect(resource: string, options: { peer?: string; dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('disconnect', options.peer ? `${resource}:${name(options.peer)}` : resource, [], options.dryRun);
  }

  /** Throws this node's copy away and resyncs it from a peer. */
  async invalidate(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('invalidate', resource, [], options.dryRun);
  }

  /** Grows the device to its backing disks (after they grew), or to `size` (`10G`). */
  async resize(resource: string, options: { size?: string; dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    if (options.size !== undefined && !/^\d+[kKmMgGtT]?$/.test(options.size))
      throw new UnsafeArgumentError(`'${options.size}' is not a size (e.g. 10G)`, options.size);
    return this.run('resize', resource, options.size ? [`--size=${options.size}`] : [], options.dryRun);
  }

  /** Online verification against the peers (needs `verify-alg` in `net`). */
  async verify(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('verify', resource, [], options.dryRun);
  }

  /** Pauses a running resync. */
  async pauseSync(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('pause-sync', resource, [], options.dryRun);
  }

  /** Resumes a paused resync. */
  async resumeSync(resource: string, options: { dryRun?: boolean } = {}): Promise<DrbdadmResult> {
    return this.run('resume-sync', resource, [], options.dryRun);
  }

  /** Any verb, for what the typed methods above do not cover. */
  async run(
    verb: DrbdadmVerb,
    resource: string,
    extra: readonly string[] = [],
    dryRun = false,
  ): Promise<DrbdadmResult> {
    const [resourceName, peer] = resource.split(':');
    name(resourceName as string);
    if (peer !== undefined) name(peer);
    const args = [...this.configArgs, ...(dryRun ? ['-d'] : []), verb, ...extra, resource];
    try {
      const output = await this.runner.run('drbdadm', args, { env: this.env, timeoutMs: this.timeoutMs });
      return { dryRun, commands: dryRun ? parsePlannedCommands(output.stdout) : [], output };
    } catch (error) {
      // drbdadm runs drbdsetup, which cannot reach an absent module: drbdadm says so of its child.
      throw drbdUnavailableFrom(error) ?? error;
    }
  }
}

/** Reads the commands `drbdadm -d` prints (one a line; words quoted the shell's way). */
export function parsePlannedCommands(text: string): PlannedCommand[] {
  const commands: PlannedCommand[] = [];
  for (const line of text.split('\n')) {
    const words = shellWords(line.trim());
    const [program, ...args] = words;
    if (
      program === undefined ||
      !/^(drbdsetup(-8[34])?|drbdmeta|drbdadm(-8[34])?|drbd-proxy-ctl)$/.test(program.replace(/^.*\//, ''))
    )
      continue;
    commands.push({ program: program.replace(/^.*\//, ''), args });
  }
  return commands;
}

function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let started = false;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = '';
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

function name(value: string): string {
  if (!/^[A-Za-z0-9_.+][A-Za-z0-9_.+-]*$/.test(value))
    throw new UnsafeArgumentError(`'${value}' is not a resource or host name`, value);
  return value;
}

function integer(value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new UnsafeArgumentError(`${value} is not a positive whole number`, String(value));
  return value;
}
