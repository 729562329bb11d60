import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HaError, UsageError, writeFileAtomic, type Runner } from '@ha/core';
import { labDefaults, nodeAddress, nodeName, type NodePaths } from './layout.js';

/** uid/gid of the Pacemaker account, which owns Pacemaker's state. */
export interface ClusterAccount {
  hacluster: number;
  haclient: number;
}

/**
 * Looks up `hacluster` and `haclient` (created by the pacemaker package) in
 * the account files of `root`: a root of another generation has its own ids.
 */
export function readClusterAccount(root = '/'): ClusterAccount {
  const uid = lookupId(join(root, 'etc/passwd'), 'hacluster');
  const gid = lookupId(join(root, 'etc/group'), 'haclient');
  return { hacluster: uid, haclient: gid };
}

function lookupId(file: string, name: string): number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  const id = line?.split(':')[2];
  if (id === undefined) {
    throw new HaError('PRECONDITION_FAILED', `no '${name}' in ${file}: is pacemaker installed?`);
  }
  return Number(id);
}

/**
 * What `pcs cluster setup` would write for the lab: knet with crypto, one link,
 * nodes `nodeK` at `10.213.0.K`, votequorum, logging to a file only.
 */
export function renderLabCorosyncConf(
  nodeCount: number,
  clusterName: string = labDefaults.clusterName,
  options: { tokenMs?: number } = {},
): string {
  if (options.tokenMs !== undefined && (!Number.isInteger(options.tokenMs) || options.tokenMs < 300))
    throw new UsageError(`a corosync token of ${options.tokenMs} ms: a whole number of at least 300`);
  const token = options.tokenMs === undefined ? '' : `    token: ${options.tokenMs}\n`;
  const nodes = Array.from({ length: nodeCount }, (_, i) => i + 1)
    .map(
      (k) =>
        `    node {\n        ring0_addr: ${nodeAddress(k)}\n        name: ${nodeName(k)}\n        nodeid: ${k}\n    }\n`,
    )
    .join('');
  return (
    `totem {\n    version: 2\n    cluster_name: ${clusterName}\n    transport: knet\n` +
    `    crypto_cipher: aes256\n    crypto_hash: sha256\n${token}}\n\n` +
    `nodelist {\n${nodes}}\n\n` +
    `quorum {\n    provider: corosync_votequorum\n${nodeCount === 2 ? '    two_node: 1\n' : ''}}\n\n` +
    `logging {\n    to_logfile: yes\n    logfile: /var/log/corosync/corosync.log\n    to_stderr: no\n    to_syslog: no\n    timestamp: on\n}\n`
  );
}

/** `/etc/hosts` of every node: pcs resolves node names through it. */
export function renderLabHosts(nodeCount: number): string {
  const lines = ['127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback'];
  for (let k = 1; k <= nodeCount; k++) lines.push(`${nodeAddress(k)} ${nodeName(k)}`);
  return `${lines.join('\n')}\n`;
}

/** How the seed CIB fences (see `LabUpOptions`). */
export interface SeedFencing {
  nodeCount: number;
  /** `lab`: stonith-enabled=true with the device `lab-fence`; `none`: stonith-enabled=false. */
  fencing: 'lab' | 'none';
  stonithAction?: 'reboot' | 'off';
  fenceDelayMax?: string;
}

/**
 * The lab's fence device as CIB XML: agent `fence_ha_lab` (the lab's power switch), each node
 * its own outlet, monitored every 60 s.
 */
export function renderLabFenceDevice(nodeCount: number, options: { delayMax?: string } = {}): string {
  const id = 'lab-fence';
  const hostMap = Array.from({ length: nodeCount }, (_, i) => `${nodeName(i + 1)}:${nodeName(i + 1)}`).join(';');
  const params: [string, string][] = [['pcmk_host_map', hostMap]];
  if (options.delayMax !== undefined) {
    if (!/^\d+(ms|s|m)?$/.test(options.delayMax))
      throw new UsageError(`fence delay '${options.delayMax}' is not a duration such as 5s`);
    params.push(['pcmk_delay_max', options.delayMax]);
  }
  const nvpairs = params
    .map(([name, value]) => `<nvpair id="${id}-instance_attributes-${name}" name="${name}" value="${value}"/>`)
    .join('');
  return (
    `<primitive id="${id}" class="stonith" type="fence_ha_lab">` +
    `<instance_attributes id="${id}-instance_attributes">${nvpairs}</instance_attributes>` +
    `<operations><op id="${id}-monitor-interval-60s" name="monitor" interval="60s"/></operations>` +
    `</primitive>`
  );
}

/** The cluster-wide secrets, made once per lab and shared by all nodes, and the seed CIB. */
export async function createClusterKeys(
  host: Runner,
  paths: { corosyncKey: string; pacemakerKey: string; seedCib: string },
  fencing: SeedFencing,
): Promise<void> {
  await mkdir(dirname(paths.corosyncKey), { recursive: true, mode: 0o700 });
  await host.run('corosync-keygen', ['-k', paths.corosyncKey]);
  await writeFile(paths.pacemakerKey, randomBytes(4096), { mode: 0o600 });
  // A seeded CIB with a short dc-deadtime makes a boot take seconds instead of 20 s.
  const { stdout: empty } = await host.run('cibadmin', ['--empty']);
  await writeFile(paths.seedCib, empty, { mode: 0o600 });
  const env = { CIB_file: paths.seedCib };
  const options: [string, string][] = [
    ['dc-deadtime', '2s'],
    ['stonith-enabled', fencing.fencing === 'lab' ? 'true' : 'false'],
  ];
  if (fencing.stonithAction !== undefined) options.push(['stonith-action', fencing.stonithAction]);
  for (const [name, value] of options) {
    await host.run('crm_attribute', ['--type', 'crm_config', '--name', name, '--update', value], { env });
  }
  if (fencing.fencing === 'lab') {
    const device = renderLabFenceDevice(
      fencing.nodeCount,
      fencing.fenceDelayMax === undefined ? {} : { delayMax: fencing.fenceDelayMax },
    );
    await host.run('cibadmin', ['--create', '--scope', 'resources', '--xml-text', device], { env });
  }
}

/** What goes into a node's private directories before it first boots. */
export interface NodeFilesOptions {
  index: number;
  nodeCount: number;
  bare: boolean;
  account: ClusterAccount;
  keys: { corosyncKey: string; pacemakerKey: string; seedCib: string };
  /** The private /etc/shadow, when pcsd runs (it authenticates `hacluster`). */
  shadow?: string;
  /** corosync's `token` (ms); corosync's own default (3000) when absent. */
  tokenMs?: number;
}

/** Lays out one node's private directories with the ownership Pacemaker expects. */
export async function prepareNodeFiles(paths: NodePaths, options: NodeFilesOptions): Promise<void> {
  const { hacluster, haclient } = options.account;
  const directories: [string, number, number, number][] = [
    [paths.dir, 0o755, 0, 0],
    [paths.hold, 0o700, 0, 0],
    [paths.etcCorosync, 0o755, 0, 0],
    [paths.etcPacemaker, 0o755, 0, 0],
    [paths.varLibCorosync, 0o755, 0, 0],
    [paths.varLibPcsd, 0o700, 0, 0],
    [paths.varLogCorosync, 0o770, hacluster, haclient],
    [paths.varLogPacemaker, 0o770, hacluster, haclient],
    [paths.varLogPcsd, 0o755, 0, 0],
    [paths.varLibPacemaker, 0o750, hacluster, haclient],
  ];
  for (const sub of ['cib', 'pengine', 'blackbox', 'cores']) {
    directories.push([`${paths.varLibPacemaker}/${sub}`, 0o750, hacluster, haclient]);
  }
  for (const [directory, mode, uid, gid] of directories) {
    await mkdir(directory, { recursive: true });
    await chmod(directory, mode);
    await chown(directory, uid, gid);
  }
  await writeFileAtomic(paths.hosts, renderLabHosts(options.nodeCount), { mode: 0o644 });
  if (options.shadow !== undefined) await writeFileAtomic(paths.shadow, options.shadow, { mode: 0o640 });
  // A bare node is for tests that set the cluster up themselves (pcs cluster setup).
  if (options.bare) return;
  const conf = renderLabCorosyncConf(
    options.nodeCount,
    labDefaults.clusterName,
    options.tokenMs === undefined ? {} : { tokenMs: options.tokenMs },
  );
  await writeFileAtomic(`${paths.etcCorosync}/corosync.conf`, conf, {
    mode: 0o644,
  });
  await copyFile(options.keys.corosyncKey, `${paths.etcCorosync}/authkey`);
  await chmod(`${paths.etcCorosync}/authkey`, 0o400);
  await copyFile(options.keys.pacemakerKey, `${paths.etcPacemaker}/authkey`);
  await chown(`${paths.etcPacemaker}/authkey`, 0, haclient);
  await chmod(`${paths.etcPacemaker}/authkey`, 0o640);
  const cib = `${paths.varLibPacemaker}/cib/cib.xml`;
  await copyFile(options.keys.seedCib, cib);
  await chown(cib, hacluster, haclient);
  await chmod(cib, 0o600);
}

/** The /etc/shadow of `root` with `hacluster`'s password set, for a node's private copy. */
export async function renderShadowWithPassword(host: Runner, password: string, root = '/'): Promise<string> {
  const { stdout } = await host.run('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n` });
  const hash = stdout.trim();
  const shadowFile = join(root, 'etc/shadow');
  const lines = readFileSync(shadowFile, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.startsWith('hacluster:'));
  if (index === -1)
    throw new HaError('PRECONDITION_FAILED', `no 'hacluster' in ${shadowFile}: is pacemaker installed?`);
  const fields = (lines[index] as string).split(':');
  fields[1] = hash;
  lines[index] = fields.join(':');
  return lines.join('\n');
}
