import { escapeForMessage, ParseError } from '@ha/core';
import { z } from 'zod';

/** Options of the status parsers. */
export interface StatusParseOptions {
  /** Where the text came from, named in a `ParseError` (`corosync-cfgtool -s` …). */
  file?: string;
}

// The start of a text that is not what it should be, safe to print.
function preview(text: string): string {
  const start = text.slice(0, 80);
  return start.trim() === ''
    ? '(empty)'
    : `'${escapeForMessage(start.replace(/\r?\n/g, '\\n'))}${text.length > 80 ? '…' : ''}'`;
}

/** One node's state on one link, as the local node sees it. */
export const linkPeerSchema = z.object({
  /** The node's id; undefined where corosync 3.0's first releases printed indexes (then `index` is set). */
  nodeid: z.number().int().optional(),
  /** The node's index in the nodelist, where corosync 3.0 printed that instead of its id. */
  index: z.number().int().optional(),
  /** `localhost`, `connected`, `disconnected`, or corosync 2's ring status text. */
  state: z.string(),
  /** Whether the link to that node is up (always true for the local node itself). */
  connected: z.boolean(),
  /** Whether the link is enabled (corosync prints `(not enabled)` otherwise). */
  enabled: z.boolean(),
});

/** `corosync-cfgtool -s` as `parseCfgtoolStatus` reads it. */
export const ringStatusSchema = z.object({
  /** `Local node ID N`. */
  localNodeId: z.number().int().optional(),
  /** The transport named on that line (corosync 3.1+: `knet`). */
  transport: z.string().optional(),
  /** The links (rings on corosync 2), in the order printed. */
  links: z.array(
    z.object({
      /** The link (ring) number. */
      link: z.number().int(),
      /** The link's transport protocol (corosync 3.1: `udp`, `sctp`). */
      protocol: z.string().optional(),
      /** The local address on this link (`addr =`, corosync 2 `id =`). */
      address: z.string().optional(),
      /** Every node's state on this link, as the local node sees it. */
      peers: z.array(linkPeerSchema),
      /** corosync 2 only: the ring's own status line ("ring 0 active with no faults"). */
      ringStatus: z.string().optional(),
      /** True when the ring is marked FAULTY, or a peer on the link is down or disabled. */
      faulty: z.boolean(),
    }),
  ),
});

/** The links of the local node, from `corosync-cfgtool -s`. */
export type RingStatus = z.infer<typeof ringStatusSchema>;

/**
 * Reads `corosync-cfgtool -s` in any of its three shapes: corosync 2
 * (`RING ID n` … `status = ring n active with no faults`), 3.0
 * (`LINK ID n` … `link enabled:1 link connected:1`) and 3.1+
 * (`LINK ID n udp` … `nodeid: N: connected`).
 */
export function parseCfgtoolStatus(text: string, options: StatusParseOptions = {}): RingStatus {
  const status: RingStatus = { links: [] };
  let current: RingStatus['links'][number] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let match: RegExpExecArray | null;
    if ((match = /^Local node ID (\d+)(?:, transport (\S+))?/.exec(line))) {
      status.localNodeId = Number(match[1]);
      if (match[2] !== undefined) status.transport = match[2];
    } else if ((match = /^(LINK|RING) ID (\d+)(?:\s+(\S+))?/.exec(line))) {
      current = { link: Number(match[2]), peers: [], faulty: false, ...(match[3] ? { protocol: match[3] } : {}) };
      status.links.push(current);
    } else if (current && (match = /^(?:addr|id)\s*=\s*(\S+)/.exec(line))) {
      current.address = match[1];
    } else if (current && (match = /^status\s*=\s*(.+)$/.exec(line))) {
      current.ringStatus = match[1] as string;
      current.faulty = /FAULTY/i.test(current.ringStatus);
    } else if (current && (match = /^nodeid:?\s*(\d+):\s*(.*)$/.exec(line))) {
      current.peers.push(peerFrom({ nodeid: Number(match[1]) }, match[2] as string));
    } else if (current && (match = /^node (\d+):\s*(.*)$/.exec(line))) {
      current.peers.push(peerFrom({ index: Number(match[1]) }, match[2] as string));
    }
  }
  for (const link of status.links) {
    if (link.ringStatus === undefined) link.faulty = link.peers.some((peer) => !peer.connected || !peer.enabled);
  }
  if (status.localNodeId === undefined && status.links.length === 0) {
    throw new ParseError(
      'NOT_CFGTOOL_OUTPUT',
      `not corosync-cfgtool -s output (no 'Local node ID' nor 'LINK ID' line): ${preview(text)}`,
      { file: options.file },
    );
  }
  return status;
}

function peerFrom(id: { nodeid?: number; index?: number }, detail: string): z.infer<typeof linkPeerSchema> {
  const old = /link enabled:(\d)\s+link connected:(\d)/.exec(detail);
  if (old) {
    const enabled = old[1] === '1';
    const connected = old[2] === '1';
    return { ...id, state: connected ? 'connected' : 'disconnected', connected, enabled };
  }
  const state = detail.replace(/\s*\(not enabled\)\s*$/, '').trim();
  return {
    ...id,
    state,
    connected: state === 'localhost' || state === 'connected',
    enabled: !/not enabled/.test(detail),
  };
}

/** `corosync-quorumtool -s` as `parseQuorumtoolStatus` reads it. */
export const quorumStatusSchema = z.object({
  /** `Quorum provider` (`corosync_votequorum`). */
  provider: z.string().optional(),
  /** `Nodes`: how many are members now. */
  nodes: z.number().int().optional(),
  /** `Node ID` of the local node. */
  nodeId: z.number().int().optional(),
  /** `1.9` on corosync 3, `1/8` or `4` on corosync 2: kept as printed. */
  ringId: z.string().optional(),
  /** `Quorate: Yes`. */
  quorate: z.boolean(),
  /** `Expected votes`. */
  expectedVotes: z.number().int().optional(),
  /** `Highest expected`. */
  highestExpected: z.number().int().optional(),
  /** `Total votes` of the members now. */
  totalVotes: z.number().int().optional(),
  /** `Quorum`: the votes needed to be quorate. */
  quorum: z.number().int().optional(),
  /** "Activity blocked" after the quorum figure: this partition may not run resources. */
  activityBlocked: z.boolean(),
  /** `Flags` (`Quorate`, `2Node`, `WaitForAll` …). */
  flags: z.array(z.string()),
  /** The membership table. */
  members: z.array(
    z.object({
      /** The member's nodeid. */
      nodeid: z.number().int(),
      /** Its votes. */
      votes: z.number().int(),
      /** The Qdevice column of `-s` with a device, or of `-p`. */
      qdevice: z.string().optional(),
      /** Its name (or address, when the node has no name). */
      name: z.string(),
      /** True for the node the tool ran on. */
      local: z.boolean(),
    }),
  ),
});

/** Votequorum's view from the local node, from `corosync-quorumtool -s`. */
export type QuorumStatus = z.infer<typeof quorumStatusSchema>;

/** Reads `corosync-quorumtool -s` (with or without the Qdevice column). */
export function parseQuorumtoolStatus(text: string, options: StatusParseOptions = {}): QuorumStatus {
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*?)[ \\t]*$`, 'm').exec(text)?.[1];
  const number = (name: string) => {
    const value = field(name);
    return value !== undefined && /^\d+/.test(value) ? Number(/^\d+/.exec(value)?.[0]) : undefined;
  };
  const quorate = field('Quorate');
  if (quorate === undefined) {
    throw new ParseError(
      'NOT_QUORUMTOOL_OUTPUT',
      `not corosync-quorumtool -s output (no 'Quorate:' line): ${preview(text)}`,
      { file: options.file },
    );
  }
  const members: QuorumStatus['members'] = [];
  const table = text.split(/^Membership information\s*$/m)[1] ?? '';
  const header = table.split('\n').find((line) => /Nodeid\s+Votes/.test(line)) ?? '';
  const hasQdevice = /Qdevice/.test(header);
  for (const line of table.split('\n')) {
    const match = hasQdevice
      ? /^\s*(\d+|0x[0-9a-f]+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/i.exec(line)
      : /^\s*(\d+|0x[0-9a-f]+)\s+(\d+)\s+(.+?)\s*$/i.exec(line);
    if (!match) continue;
    const nameField = (hasQdevice ? match[4] : match[3]) as string;
    members.push({
      nodeid: Number(match[1]),
      votes: Number(match[2]),
      ...(hasQdevice ? { qdevice: match[3] as string } : {}),
      name: nameField.replace(/\s*\(local\)$/, ''),
      local: /\(local\)$/.test(nameField),
    });
  }
  return {
    provider: field('Quorum provider'),
    nodes: number('Nodes'),
    nodeId: number('Node ID'),
    ringId: field('Ring ID'),
    quorate: quorate === 'Yes',
    expectedVotes: number('Expected votes'),
    highestExpected: number('Highest expected'),
    totalVotes: number('Total votes'),
    quorum: number('Quorum'),
    activityBlocked: /Activity blocked/.test(field('Quorum') ?? ''),
    flags: (field('Flags') ?? '').split(/\s+/).filter((flag) => flag.length > 0),
    members,
  };
}

/** One cmap key. `value` is the text corosync-cmapctl printed; numeric types also give `number`. */
export interface CmapEntry {
  /** The cmap type (`u32`, `str`, `u8` …). */
  type: string;
  /** The value as printed. */
  value: string;
  /** The value as a number, for numeric types. */
  number?: number;
}

/** Reads `corosync-cmapctl` output (`key (type) = value` lines) into a map. */
export function parseCmapctl(text: string): Map<string, CmapEntry> {
  const entries = new Map<string, CmapEntry>();
  for (const line of text.split('\n')) {
    const match = /^(\S+) \((\w+)\) = ?(.*)$/.exec(line);
    if (!match) continue;
    const [, key, type, value] = match as unknown as [string, string, string, string];
    const entry: CmapEntry = { type, value: value.replace(/\s+$/, '') };
    if (/^[ui]\d+$/.test(type) && /^-?\d+$/.test(entry.value)) entry.number = Number(entry.value);
    entries.set(key, entry);
  }
  return entries;
}
