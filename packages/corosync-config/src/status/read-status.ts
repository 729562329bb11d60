import { CommandError, defaultRunner, ServiceUnavailableError, type Runner } from '@ha/core';
import { evaluateCorosyncHealth, type CorosyncHealth } from './health.js';
import {
  parseCfgtoolStatus,
  parseCmapctl,
  parseQuorumtoolStatus,
  type CmapEntry,
  type QuorumStatus,
} from './parse-status.js';

/** One link between the local node and a peer. */
export interface LinkState {
  /** The peer's nodeid. */
  nodeid: number;
  /** The peer's name from the nodelist, when it has one. */
  name: string | undefined;
  /** The link number. */
  link: number;
  /** Whether the link is enabled. */
  enabled: boolean;
  /** Whether the link to the peer is up. */
  connected: boolean;
  /** The local node's own entry (always "connected" to itself). */
  local: boolean;
}

/** The ring and quorum as the local node sees them. */
export interface CorosyncStatus {
  /** The local node's nodeid. */
  localNodeId: number | undefined;
  /** `totem.transport` as corosync runs it (`knet`, `udpu`, `udp`). */
  transport: string | undefined;
  /** Every peer on every link, the local node's own entries included. */
  links: LinkState[];
  /** Members corosync has seen, with `joined` or `left`. */
  members: {
    /** The member's nodeid. */
    nodeid: number;
    /** Its name from the nodelist. */
    name: string | undefined;
    /** `joined`, `left` (or what corosync says). */
    status: string;
    /** Its addresses, one per link. */
    addresses: string[];
  }[];
  /** Votequorum's view, from `corosync-quorumtool -s`. */
  quorum: QuorumStatus;
  /**
   * The verdict: healthy when every link is up, every member joined and the
   * partition quorate; else `degraded` (a link down, a member gone) or
   * `no-quorum`, with one reason each (`LINK_DOWN`, `MEMBER_LEFT`, `NOT_QUORATE` …).
   */
  health: CorosyncHealth;
}

/**
 * Reads the local node's ring and quorum status. Link states come from cmap
 * (`stats.knet.*`), which has carried the same facts in every corosync 3;
 * `corosync-cfgtool -s` is read only for udp/udpu, whose stats cmap lacks.
 * Throws a `ServiceUnavailableError` (service `corosync`) when corosync is not
 * running on the node.
 *
 * @example
 * const { health } = await readCorosyncStatus();
 * if (!health.healthy) for (const reason of health.reasons) console.log(reason.code, reason.message);
 */
export async function readCorosyncStatus(runner: Runner = defaultRunner): Promise<CorosyncStatus> {
  // Three independent reads at once: the knet stats are asked for before the transport is known,
  // and simply unused (the query fails harmlessly) on udp/udpu.
  const [cmapText, quorumText, statsText] = await Promise.all([
    runner.run('corosync-cmapctl', [], { timeoutMs: 10_000 }),
    // Exit 2 means "not quorate", which is an answer.
    runner.run('corosync-quorumtool', ['-s'], { timeoutMs: 10_000, allowExitCodes: [2] }),
    runner.run('corosync-cmapctl', ['-m', 'stats', 'stats.knet.node'], { timeoutMs: 10_000 }).catch(() => undefined),
  ]).catch((error: unknown) => {
    if (error instanceof CommandError && /CS_ERR_LIBRARY|Cannot initialize/i.test(error.stderr)) {
      throw new ServiceUnavailableError('corosync', 'corosync is not running on this node (its IPC is not reachable)', {
        exitCode: error.exitCode,
        cause: error,
      });
    }
    throw error;
  });
  const cmap = parseCmapctl(cmapText.stdout);
  const quorum = parseQuorumtoolStatus(quorumText.stdout, { file: 'corosync-quorumtool -s' });
  const transport = cmap.get('totem.transport')?.value ?? 'knet';
  const localNodeId = cmap.get('runtime.votequorum.this_node_id')?.number ?? quorum.nodeId;
  const names = nodeNames(cmap);

  let links: LinkState[];
  if (transport === 'knet' && statsText) {
    links = knetLinks(parseCmapctl(statsText.stdout), names, localNodeId);
  } else {
    const ring = parseCfgtoolStatus(
      (await runner.run('corosync-cfgtool', ['-s'], { timeoutMs: 10_000, allowExitCodes: [1] })).stdout,
      { file: 'corosync-cfgtool -s' },
    );
    links = ring.links.flatMap((link) =>
      link.peers.length > 0
        ? link.peers.map((peer) => ({
            nodeid: peer.nodeid ?? -1,
            name: names.get(peer.nodeid ?? -1),
            link: link.link,
            enabled: peer.enabled,
            connected: peer.connected,
            local: peer.state === 'localhost',
          }))
        : [
            {
              nodeid: localNodeId ?? -1,
              name: names.get(localNodeId ?? -1),
              link: link.link,
              enabled: true,
              connected: !link.faulty,
              local: true,
            },
          ],
    );
  }

  const members = membersFrom(cmap, names);
  return { localNodeId, transport, links, members, quorum, health: evaluateCorosyncHealth({ links, members, quorum }) };
}

function nodeNames(cmap: Map<string, CmapEntry>): Map<number, string> {
  const byIndex = new Map<string, { id?: number; name?: string }>();
  for (const [key, entry] of cmap) {
    const match = /^nodelist\.node\.(\d+)\.(nodeid|name)$/.exec(key);
    if (!match) continue;
    const node = byIndex.get(match[1] as string) ?? {};
    if (match[2] === 'nodeid') node.id = entry.number;
    else node.name = entry.value;
    byIndex.set(match[1] as string, node);
  }
  const names = new Map<number, string>();
  for (const node of byIndex.values())
    if (node.id !== undefined && node.name !== undefined) names.set(node.id, node.name);
  return names;
}

function knetLinks(
  stats: Map<string, CmapEntry>,
  names: Map<number, string>,
  localNodeId: number | undefined,
): LinkState[] {
  const links = new Map<string, LinkState>();
  for (const [key, entry] of stats) {
    const match = /^stats\.knet\.node(\d+)\.link(\d+)\.(connected|enabled)$/.exec(key);
    if (!match) continue;
    const nodeid = Number(match[1]);
    const link = Number(match[2]);
    const id = `${nodeid}/${link}`;
    const state = links.get(id) ?? {
      nodeid,
      name: names.get(nodeid),
      link,
      enabled: false,
      connected: false,
      local: nodeid === localNodeId,
    };
    state[match[3] as 'connected' | 'enabled'] = entry.value === '1';
    links.set(id, state);
  }
  return [...links.values()].sort((a, b) => a.nodeid - b.nodeid || a.link - b.link);
}

function membersFrom(cmap: Map<string, CmapEntry>, names: Map<number, string>): CorosyncStatus['members'] {
  const members = new Map<number, CorosyncStatus['members'][number]>();
  for (const [key, entry] of cmap) {
    const match = /^runtime\.members\.(\d+)\.(status|ip)$/.exec(key);
    if (!match) continue;
    const nodeid = Number(match[1]);
    const member = members.get(nodeid) ?? { nodeid, name: names.get(nodeid), status: 'unknown', addresses: [] };
    if (match[2] === 'status') member.status = entry.value;
    else member.addresses = [...entry.value.matchAll(/ip\(([^)]+)\)/g)].map((found) => found[1] as string);
    members.set(nodeid, member);
  }
  return [...members.values()].sort((a, b) => a.nodeid - b.nodeid);
}
