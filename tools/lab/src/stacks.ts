import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRunner, defaultRunner, HaError, UsageError, type Runner } from '@ha/core';
import { z } from 'zod';

/** A generation of the HA stack the lab can boot. */
export type StackName = 'debian12' | 'debian13';

/** Every generation, oldest first. */
export const stackNames: readonly StackName[] = ['debian12', 'debian13'];

/** What a generation is made of: Debian's suite and the packages a node of it runs. */
export interface StackDefinition {
  name: StackName;
  /** Debian's release number (`/etc/os-release` VERSION_ID). */
  debianVersion: string;
  /** The archive suite (`bookworm`, `trixie`). */
  suite: string;
  /** The release series of each program this generation ships (`pacemaker: '3.0'`): what tests expect. */
  series: { pacemaker: string; pcs: string; corosync: string; haproxy: string };
}

/** Each generation's definition, by name. */
export const stackDefinitions: Record<StackName, StackDefinition> = {
  debian12: {
    name: 'debian12',
    debianVersion: '12',
    suite: 'bookworm',
    series: { pacemaker: '2.1', pcs: '0.11', corosync: '3.1', haproxy: '2.6' },
  },
  debian13: {
    name: 'debian13',
    debianVersion: '13',
    suite: 'trixie',
    series: { pacemaker: '3.0', pcs: '0.12', corosync: '3.1', haproxy: '3.0' },
  },
};

/**
 * What a root of another generation holds: the cluster stack, HAProxy, the
 * agents, and what the lab's scripts call inside a node. A change here
 * rebuilds the root. Debian 13 splits fence-agents per agent: the cloud agents would pull
 * in a gigabyte of SDKs, so only the common library and the agents the lab uses come in.
 */
export const stackPackages: readonly string[] = [
  'pacemaker',
  'pacemaker-cli-utils',
  'corosync',
  'pcs',
  'haproxy',
  'fence-agents-common',
  'fence-agents-dummy',
  'fence-agents-apc',
  'fence-agents-apc-snmp',
  'fence-agents-ipmilan',
  'resource-agents',
  'drbd-utils',
  'socat',
  'iproute2',
  'procps',
  'psmisc',
  'openssl',
  'libstdc++6',
  'ca-certificates',
];

/** Where built roots live; they outlast labs (`ha-lab down` keeps them), `HA_LAB_STACK_DIR` moves them. */
export const defaultStacksDir = process.env.HA_LAB_STACK_DIR ?? '/var/cache/ha-lab/stacks';

/** What a finished build records beside its root; a root without it is not used. */
export const stackManifestSchema = z.object({
  /** Version of this file's shape. */
  version: z.literal(1),
  /** The generation the root is. */
  stack: z.enum(['debian12', 'debian13']),
  /** The archive suite it was bootstrapped from. */
  suite: z.string(),
  /** Hash of the package list the root was built from: another list means a rebuild. */
  packagesHash: z.string(),
  /** When the build finished (ISO 8601). */
  builtAt: z.string(),
  /** Installed versions of the stack's main packages. */
  versions: z.record(z.string(), z.string()),
});
/** What a finished build records beside its root (see `stackManifestSchema`). */
export type StackManifest = z.infer<typeof stackManifestSchema>;

/** The generation this machine itself runs (from `/etc/os-release`). */
export function hostStack(osRelease = '/etc/os-release'): StackName {
  const text = existsSync(osRelease) ? readFileSync(osRelease, 'utf8') : '';
  const version = /^VERSION_ID="?([0-9]+)/m.exec(text)?.[1];
  const found = stackNames.find((name) => stackDefinitions[name].debianVersion === version);
  if (!found)
    throw new HaError(
      'PRECONDITION_FAILED',
      `this machine is not Debian ${stackNames.map((name) => stackDefinitions[name].debianVersion).join(' or ')} (${osRelease} says VERSION_ID ${version ?? 'nothing'})`,
    );
  return found;
}

/** Checks a `--stack` value. */
export function parseStackName(value: string): StackName {
  if ((stackNames as readonly string[]).includes(value)) return value as StackName;
  throw new UsageError(`--stack must be one of ${stackNames.join(', ')}, got '${value}'`);
}

/** The generation the tests and the demo use unless told: `HA_LAB_STACK`, else the host's. */
export function defaultStack(): StackName {
  const fromEnvironment = process.env.HA_LAB_STACK;
  return fromEnvironment ? parseStackName(fromEnvironment) : hostStack();
}

/** Where a generation's programs come from: the host itself, or a root file system. */
export interface StackLocation {
  /** The generation. */
  name: StackName;
  /** The root file system; undefined for the host's own generation. */
  root: string | undefined;
  /** An empty directory beside the root, where each user mounts its private overlay layer. */
  scratch: string | undefined;
}

function stackDirectory(name: StackName, stacksDir: string): string {
  return join(stacksDir, name);
}

/** The paths of a generation's built root (whether or not it is built). */
export function stackPaths(name: StackName, stacksDir: string = defaultStacksDir) {
  const directory = stackDirectory(name, stacksDir);
  return {
    directory,
    root: join(directory, 'root'),
    scratch: join(directory, 'scratch'),
    manifest: join(directory, 'stack.json'),
  };
}

/** Reads a built root's manifest; undefined when the root is not (completely) built. */
export async function readStackManifest(
  name: StackName,
  stacksDir: string = defaultStacksDir,
): Promise<StackManifest | undefined> {
  try {
    const text = await readFile(stackPaths(name, stacksDir).manifest, 'utf8');
    return stackManifestSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** Where `name`'s programs run from; throws when its root is not built (the message says how to build it). */
export async function locateStack(name: StackName, stacksDir: string = defaultStacksDir): Promise<StackLocation> {
  if (name === hostStack()) return { name, root: undefined, scratch: undefined };
  const manifest = await readStackManifest(name, stacksDir);
  if (!manifest) throw new HaError('NOT_FOUND', `the ${name} root is not built (run 'ha-lab stack build ${name}')`);
  const paths = stackPaths(name, stacksDir);
  return { name, root: paths.root, scratch: paths.scratch };
}

/** The lab's chroot helper, run on the host side before it enters a root. */
export const chrootScript = fileURLToPath(new URL('../scripts/ha-lab-chroot', import.meta.url));

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/**
 * Host paths a program of another generation must see at the same place: the
 * lab's state, the repository, the temporary folders and home directories that
 * config files and sockets live in, and this Node.js.
 */
export function visibleHostPaths(stateRoot: string): string[] {
  const topLevel = readdirSync('/').filter(
    (entry) =>
      !/^(bin|boot|dev|etc|lib|lib32|lib64|libx32|lost\+found|proc|run|sbin|sys|usr|var|snap)$/.test(entry) &&
      !entry.startsWith('.'),
  );
  const paths = [...topLevel.map((entry) => `/${entry}`), '/var/tmp', stateRoot, repositoryRoot, process.execPath];
  return [...new Set(paths)].filter((path) => existsSync(path));
}

/**
 * A runner whose commands are the given generation's programs, seeing the
 * host's files at the same paths. For the host's own generation it is `host`.
 */
export function stackToolRunner(
  stack: StackLocation,
  stateRoot: string,
  host: Runner = defaultRunner,
  label?: string,
): Runner {
  const { root, scratch } = stack;
  if (root === undefined || scratch === undefined) return host;
  return createRunner({
    label: label ?? stack.name,
    // The paths are looked up at each command: the state folder may appear after the runner is made.
    wrap: (file, args) => ({
      file: 'unshare',
      args: [
        '--mount',
        '--propagation',
        'private',
        '--',
        'bash',
        chrootScript,
        root,
        scratch,
        ...visibleHostPaths(stateRoot),
        '--',
        file,
        ...args,
      ],
    }),
  });
}

/** Versions of the main programs, as the root's package database has them. */
const versionPackages = [
  'pacemaker',
  'corosync',
  'pcs',
  'haproxy',
  'fence-agents-common',
  'resource-agents',
  'drbd-utils',
];

/** How `buildStack` reports progress: one line at a time. */
export type ProgressSink = (line: string) => void;

/** Options of `buildStack`. */
export interface BuildStackOptions {
  stacksDir?: string;
  /** Rebuild even when the root is current. */
  force?: boolean;
  /** Receives progress lines (default: none). */
  progress?: ProgressSink;
  host?: Runner;
}

/**
 * Builds (or refreshes) a generation's root from Debian's archive: a minimal
 * debootstrap, then the stack's packages installed inside with apt. Cached: a
 * root built from the same package list is kept. Atomic: the root is made in a
 * temporary folder and renamed into place with its manifest, so a build killed
 * midway leaves nothing a later run would use (and the next build removes it).
 */
export async function buildStack(name: StackName, options: BuildStackOptions = {}): Promise<StackManifest | undefined> {
  const stacksDir = options.stacksDir ?? defaultStacksDir;
  const progress = options.progress ?? (() => undefined);
  const host = options.host ?? defaultRunner;
  if (name === hostStack()) {
    progress(`${name}: this machine's own generation, nothing to build`);
    return undefined;
  }
  const packagesHash = hashPackages(stackPackages);
  const current = await readStackManifest(name, stacksDir);
  if (current && current.packagesHash === packagesHash && !options.force) {
    progress(`${name}: root is current (built ${current.builtAt})`);
    return current;
  }
  const definition = stackDefinitions[name];
  const mirror = hostMirror();
  const paths = stackPaths(name, stacksDir);
  await mkdir(stacksDir, { recursive: true, mode: 0o755 });
  // What a killed build left: never used (no manifest in place), removed now.
  for (const entry of readdirSync(stacksDir)) {
    if (entry.startsWith(`.${name}.`)) await rm(join(stacksDir, entry), { recursive: true, force: true });
  }
  const building = join(stacksDir, `.${name}.building-${process.pid}`);
  const root = join(building, 'root');
  await mkdir(join(building, 'scratch'), { recursive: true });
  const started = performance.now();
  const step = (text: string) => progress(`${name}: ${text} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  try {
    step(`debootstrap ${definition.suite} from ${mirror}`);
    await streamLines(host, 'debootstrap', ['--variant=minbase', definition.suite, root, mirror], (line) => {
      if (
        /^I: (Retrieving|Installing|Configuring|Base system)/.test(line) &&
        /(Base system|Installing core|libc6 )/.test(line)
      )
        step(line.slice(3));
    });
    // Packages must not start daemons while they are installed: the lab runs them in namespaces.
    await writeFile(join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    step(`apt-get install ${stackPackages.length} packages`);
    let unpacked = 0;
    await streamLines(
      host,
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        '--',
        'bash',
        '-c',
        'mount -t proc proc "$1/proc" && mount --rbind /dev "$1/dev" && shift && exec chroot "$0" "$@"',
        root,
        root,
        'env',
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '-y',
        '--no-install-recommends',
        '-o',
        'Dpkg::Use-Pty=0',
        ...stackPackages,
      ],
      (line) => {
        if (line.startsWith('Unpacking ')) {
          unpacked += 1;
          if (unpacked % 50 === 0) step(`${unpacked} packages unpacked`);
        } else if (/^(Need to get|Setting up pacemaker |Setting up pcs |Setting up haproxy )/.test(line)) step(line);
      },
    );
    await host.run('chroot', [root, 'apt-get', 'clean']);
    const { stdout } = await host.run('chroot', [
      root,
      'dpkg-query',
      '-W',
      '-f',
      '${Package} ${Version}\\n',
      ...versionPackages,
    ]);
    const versions = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    const manifest: StackManifest = {
      version: 1,
      stack: name,
      suite: definition.suite,
      packagesHash,
      builtAt: new Date().toISOString(),
      versions,
    };
    await writeFile(join(building, 'stack.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // Swap in: the old root (if any) moves aside first, then the new one takes its name.
    const old = join(stacksDir, `.${name}.old-${process.pid}`);
    if (existsSync(paths.directory)) await rename(paths.directory, old);
    await rename(building, paths.directory);
    await rm(old, { recursive: true, force: true });
    step(
      `built: ${Object.entries(versions)
        .map(([pkg, version]) => `${pkg} ${version}`)
        .join(', ')}`,
    );
    return manifest;
  } catch (error) {
    await rm(building, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/** Each generation: installed or not, and its versions. */
export async function listStacks(
  stacksDir: string = defaultStacksDir,
): Promise<{ name: StackName; host: boolean; built: boolean; current: boolean; versions: Record<string, string> }[]> {
  const host = hostStack();
  const packagesHash = hashPackages(stackPackages);
  return Promise.all(
    stackNames.map(async (name) => {
      if (name === host) return { name, host: true, built: true, current: true, versions: hostVersions() };
      const manifest = await readStackManifest(name, stacksDir);
      return {
        name,
        host: false,
        built: manifest !== undefined,
        current: manifest?.packagesHash === packagesHash,
        versions: manifest?.versions ?? {},
      };
    }),
  );
}

function hostVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  const status = existsSync('/var/lib/dpkg/status') ? readFileSync('/var/lib/dpkg/status', 'utf8') : '';
  for (const stanza of status.split('\n\n')) {
    const name = /^Package: (\S+)/m.exec(stanza)?.[1];
    if (name === undefined || !(versionPackages.includes(name) || name === 'fence-agents')) continue;
    if (!/^Status: install ok installed/m.test(stanza)) continue;
    const version = /^Version: (\S+)/m.exec(stanza)?.[1];
    if (version) versions[name] = version;
  }
  return versions;
}

function hashPackages(packages: readonly string[]): string {
  return createHash('sha256')
    .update([...packages].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The Debian mirror this machine's own apt uses (deb822 `.sources` or
 * `sources.list`): the main archive, not the security one.
 */
export function hostMirror(aptDir = '/etc/apt'): string {
  const candidates: string[] = [];
  const sourcesDir = join(aptDir, 'sources.list.d');
  const files = existsSync(sourcesDir) ? readdirSync(sourcesDir).filter((file) => file.endsWith('.sources')) : [];
  for (const file of files) {
    for (const stanza of readFileSync(join(sourcesDir, file), 'utf8').split(/\n\s*\n/)) {
      const field = (key: string) => new RegExp(`^${key}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim();
      if (!/\bdeb\b/.test(field('Types') ?? '') || /^Enabled:\s*no/im.test(stanza)) continue;
      const suites = (field('Suites') ?? '').split(/\s+/);
      if (!suites.some((suite) => /^[a-z]+$/.test(suite))) continue;
      candidates.push(...(field('URIs') ?? '').split(/\s+/));
    }
  }
  const list = join(aptDir, 'sources.list');
  if (existsSync(list)) {
    for (const line of readFileSync(list, 'utf8').split('\n')) {
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+([a-z]+)\s/.exec(line.trim());
      if (match) candidates.push(match[1] as string);
    }
  }
  const mirror = candidates.find((uri) => /^https?:\/\//.test(uri) && !/security/.test(uri) && /debian\/?$/.test(uri));
  if (!mirror) throw new HaError('NOT_FOUND', `no Debian mirror found in ${aptDir}'s sources`);
  return mirror.replace(/\/$/, '');
}

// Runs a command to its end, handing its output (stdout and stderr) line by line.
async function streamLines(host: Runner, file: string, args: string[], onLine: (line: string) => void): Promise<void> {
  const running = host.stream('bash', ['-c', 'exec "$@" 2>&1', file, file, ...args]);
  for await (const line of running.lines) onLine(line);
  await running.done;
}
