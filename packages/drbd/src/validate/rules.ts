import { isIP } from 'node:net';
import { DiagnosticCollector, type Severity } from '@ha/core';
import type { DrbdCode, DrbdDiagnostic } from '../codes.js';
import { collectConfig, type DrbdAddress, type DrbdHost, type DrbdResource, type DrbdVolume } from '../model/config.js';
import { safeParse, type DrbdDocument } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';

/** Options of `validate`. */
export interface ValidateOptions {
  /** This host's name: a resource with no host of that name is reported (as drbdadm would refuse to act). */
  host?: string | undefined;
  /** How many findings of one code are kept before the rest are folded into one "and N more like it" (default 10). */
  keepPerCode?: number | undefined;
  /** The file a text (not a document) is from, for the findings' positions. */
  file?: string | undefined;
}

/** Where a finding points: a place in the model (its offset, line and column). */
type Position = Pick<DrbdVolume, 'offset' | 'line' | 'column'>;

type Report = (resource: DrbdResource, at: Position, code: DrbdCode, message: string, severity?: Severity) => void;

/**
 * Semantic checks of DRBD resource files: a text, one document, or several
 * (a drbd.conf and what it includes, see `readConfig`). Each finding has a
 * code and `file:line:column` (a document's as it prints, edits included);
 * syntax problems are the parser's own diagnostics, which this includes (and
 * then stops: the meaning of a broken file is not checked). Linear in the size of the files; findings are folded
 * per code (`keepPerCode`), so memory stays bounded whatever the input.
 *
 * ```ts
 * for (const finding of validate(parse(text, { file }), { host: 'node1' })) console.log(formatDiagnostic(finding));
 * ```
 */
export function validate(
  input: DrbdDocument | string | readonly DrbdDocument[],
  options: ValidateOptions = {},
): DrbdDiagnostic[] {
  const { host: thisHost, keepPerCode, file } = options;
  const texts =
    typeof input === 'string'
      ? [{ text: input, file }]
      : (Array.isArray(input) ? input : [input as DrbdDocument]).map((document) => ({
          text: serialize(document),
          file: document.file,
        }));
  const collector = new DiagnosticCollector<DrbdCode>({ keepPerCode });
  // A document is read again as it prints: its syntax is checked, and what an edit added has a line too.
  const list = texts.map(({ text, file: name }) => {
    const { document, diagnostics } = safeParse(text, { file: name });
    for (const finding of diagnostics) collector.push(finding);
    return document;
  });
  if (collector.hasErrors) return collector.diagnostics();
  const config = collectConfig(list);
  const report: Report = (resource, at, code, message, severity = 'error') =>
    collector.push({
      code,
      severity,
      message,
      file: resource.file,
      line: at.line,
      column: at.column,
      range: { start: Math.max(at.offset, 0), end: Math.max(at.offset, 0) },
    });

  const seenResources = new Map<string, DrbdResource>();
  // Per host name: minors, devices and ports in use, across resources.
  const minors = new Map<string, Map<number, string>>();
  const devices = new Map<string, Map<string, string>>();
  const ports = new Map<string, Map<string, string>>();
  const claim = (
    table: Map<string, Map<string | number, string>>,
    host: string,
    key: string | number,
    owner: string,
  ): string | undefined => {
    let entries = table.get(host);
    if (!entries) table.set(host, (entries = new Map()));
    const previous = entries.get(key);
    if (previous === undefined) entries.set(key, owner);
    return previous;
  };

  for (const resource of config.resources) {
    const previous = seenResources.get(resource.name);
    if (previous)
      report(
        resource,
        resource,
        'DUPLICATE_RESOURCE',
        `resource '${resource.name}' is also defined at ${previous.file ?? ''}${previous.file ? ':' : 'line '}${previous.line}`,
      );
    seenResources.set(resource.name, resource);
    const hosts = resource.hosts.filter((host) => host.names.length > 0 || host.floating);
    const hostsByName = new Map<string, DrbdHost>();
    for (const host of hosts) for (const name of host.names) if (!hostsByName.has(name)) hostsByName.set(name, host);
    // Hosts whose address a connection gives (`host a address 10.0.0.1:7789;`), looked up once.
    const addressedByConnection = new Set<string>();
    for (const connection of resource.connections)
      for (const entry of connection.hosts) if (entry.address !== undefined) addressedByConnection.add(entry.name);
    if (hosts.length < 2 && resource.stackedOn.length === 0)
      report(
        resource,
        resource,
        'TOO_FEW_HOSTS',
        `resource '${resource.name}' has ${hosts.length} host(s); replication needs at least two`,
        'warning',
      );

    // DRBD 9 needs a node-id on every host as soon as there are more than two, a mesh, or any node-id at all.
    const needsNodeIds =
      hosts.length > 2 ||
      resource.mesh !== undefined ||
      hosts.some((host) => host.nodeId !== undefined) ||
      resource.connections.length > 1;
    const nodeIds = new Map<number, DrbdHost>();
    for (const host of hosts) {
      const label = host.floating ? `floating ${host.address?.raw ?? ''}` : host.names.join(' ');
      if (needsNodeIds && host.nodeId === undefined)
        report(
          resource,
          host,
          'MISSING_NODE_ID',
          `host ${label} of '${resource.name}' has no node-id (DRBD 9 needs one on every host of this resource)`,
        );
      if (host.nodeId !== undefined) {
        const other = nodeIds.get(host.nodeId);
        if (other)
          report(
            resource,
            host,
            'DUPLICATE_NODE_ID',
            `node-id ${host.nodeId} is also host ${other.names.join(' ')}'s in '${resource.name}'`,
          );
        nodeIds.set(host.nodeId, host);
      }
      if (!host.address && !resource.mesh && !host.names.some((name) => addressedByConnection.has(name))) {
        report(resource, host, 'MISSING_ADDRESS', `host ${label} of '${resource.name}' has no address`);
      }
      if (host.address) checkAddress(resource, host, host.address, report);
      for (const name of host.names.length > 0 ? host.names : [label]) {
        if (host.address?.port !== undefined) {
          const owner = claim(ports, name, `${host.address.host}:${host.address.port}`, resource.name);
          if (owner !== undefined && owner !== resource.name)
            report(
              resource,
              host,
              'DUPLICATE_PORT',
              `${host.address.host}:${host.address.port} on ${name} is also used by resource '${owner}'`,
            );
        }
        for (const volume of effectiveVolumes(resource, host)) {
          const where = () => `volume ${volume.number} on ${name}`;
          if (volume.device === undefined)
            report(
              resource,
              volume.line ? volume : host,
              'MISSING_DEVICE',
              `${where()} of '${resource.name}' has no device`,
            );
          if (volume.disk === undefined)
            report(
              resource,
              volume.line ? volume : host,
              'MISSING_DISK',
              `${where()} of '${resource.name}' has no disk (use 'disk none;' for a diskless node)`,
            );
          else if (volume.disk !== 'none' && volume.metaDisk === undefined)
            report(
              resource,
              volume.line ? volume : host,
              'MISSING_META_DISK',
              `${where()} of '${resource.name}' has no meta-disk`,
            );
          if (volume.device?.minor !== undefined) {
            const owner = claim(minors, name, volume.device.minor, `${resource.name}/${volume.number}`);
            if (owner !== undefined && owner !== `${resource.name}/${volume.number}`)
              report(
                resource,
                volume.line ? volume : host,
                'DUPLICATE_MINOR',
                `minor ${volume.device.minor} on ${name} is also ${owner}'s`,
              );
          }
          if (volume.device?.path !== undefined) {
            const owner = claim(devices, name, volume.device.path, `${resource.name}/${volume.number}`);
            if (owner !== undefined && owner !== `${resource.name}/${volume.number}`)
              report(
                resource,
                volume.line ? volume : host,
                'DUPLICATE_DEVICE',
                `${volume.device.path} on ${name} is also ${owner}'s`,
              );
          }
        }
      }
    }

    // Hosts named by connections and the mesh must exist; one connection's addresses share a family.
    for (const connection of resource.connections) {
      for (const entry of connection.hosts)
        if (!hostsByName.has(entry.name))
          report(
            resource,
            connection,
            'UNKNOWN_HOST',
            `connection names host '${entry.name}', which '${resource.name}' does not define`,
          );
      const families = new Set<string>();
      for (const entry of connection.hosts) {
        const address = entry.address ?? hostsByName.get(entry.name)?.address;
        if (address) families.add(address.family);
      }
      for (const path of connection.paths)
        for (const entry of path) if (entry.address) families.add(entry.address.family);
      if (families.size > 1)
        report(
          resource,
          connection,
          'ADDRESS_FAMILY_MISMATCH',
          `a connection of '${resource.name}' mixes address families (${[...families].join(', ')})`,
        );
    }
    if (resource.mesh)
      for (const name of resource.mesh.hosts)
        if (!hostsByName.has(name))
          report(
            resource,
            resource,
            'UNKNOWN_HOST',
            `connection-mesh names host '${name}', which '${resource.name}' does not define`,
          );
    if (resource.connections.length === 0 && !resource.mesh) {
      const families = new Set(
        hosts.map((host) => host.address?.family).filter((family): family is string => family !== undefined),
      );
      if (families.size > 1)
        report(
          resource,
          resource,
          'ADDRESS_FAMILY_MISMATCH',
          `the hosts of '${resource.name}' mix address families (${[...families].join(', ')})`,
        );
    }
    if (
      thisHost !== undefined &&
      !hostsByName.has(thisHost) &&
      !hosts.some((host) => host.floating) &&
      resource.stackedOn.length === 0
    ) {
      report(
        resource,
        resource,
        'NOT_FOR_THIS_HOST',
        `resource '${resource.name}' has no host named '${thisHost}' (this host): drbdadm will ignore it here`,
        'warning',
      );
    }
  }
  return collector.diagnostics();
}

/** A host's volumes as DRBD applies them: the resource's, with the host's own over them. */
export function effectiveVolumes(resource: DrbdResource, host: DrbdHost): DrbdVolume[] {
  const byNumber = new Map<number, DrbdVolume>();
  for (const volume of resource.volumes) byNumber.set(volume.number, volume);
  for (const volume of host.volumes) {
    const base = byNumber.get(volume.number);
    byNumber.set(
      volume.number,
      base ? { ...base, ...definedOf(volume), diskOptions: { ...base.diskOptions, ...volume.diskOptions } } : volume,
    );
  }
  return [...byNumber.values()].sort((a, b) => a.number - b.number);
}

function definedOf(volume: DrbdVolume): Partial<DrbdVolume> {
  return Object.fromEntries(Object.entries(volume).filter(([, value]) => value !== undefined));
}

function checkAddress(resource: DrbdResource, at: Position, address: DrbdAddress, report: Report): void {
  if (address.port === undefined || address.port < 1 || address.port > 65535)
    report(resource, at, 'BAD_PORT', `address ${address.raw} of '${resource.name}' needs a port from 1 to 65535`);
  if ((address.family === 'ipv4' || address.family === 'ipv6') && isIP(address.host) === 0)
    report(resource, at, 'BAD_ADDRESS', `'${address.host}' is not an IP address (DRBD needs addresses, not names)`);
  else if (address.family === 'ipv4' && isIP(address.host) === 6)
    report(resource, at, 'ADDRESS_FAMILY_MISMATCH', `'${address.host}' is an IPv6 address written as ipv4`);
}
