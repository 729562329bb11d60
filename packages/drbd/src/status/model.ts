import { z } from 'zod';

/**
 * A counter as DRBD reports it: a number while it is exact, a bigint beyond
 * 2^53 (a u64 that underflowed, `18446744073709551608`, has been seen).
 */
export const counterSchema = z.union([z.number(), z.bigint()]);
/** A counter: a number, or a bigint beyond 2^53 (print it with `String(counter)`). */
export type Counter = z.infer<typeof counterSchema>;

// Fields a source reports that the model has no name for (a newer DRBD's), as reported.
const extraSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.bigint(), z.null()]));

/** The schema of one local volume (a minor) of a resource. */
export const deviceStatusSchema = z.object({
  /** The volume number within the resource. */
  volume: z.number().int(),
  /** The device's minor (`/dev/drbd<minor>`), when the source says. */
  minor: z.number().int().optional(),
  /** `UpToDate`, `Inconsistent`, `Outdated`, `Diskless`, `DUnknown`, `Failed`, `Negotiating`, `Attaching`, `Detaching`, `Consistent` (see `diskStates`). */
  diskState: z.string(),
  /** A diskless client on purpose (not a lost disk). */
  client: z.boolean().optional(),
  /** The device is open (mounted, or in use by a process). */
  open: z.boolean().optional(),
  /** This node has quorum for the volume (DRBD 9 with `quorum` set). */
  quorum: z.boolean().optional(),
  /** Size in KiB. */
  size: counterSchema.optional(),
  /** KiB read from the backing disk (`--statistics`; `dr:` in /proc/drbd). */
  read: counterSchema.optional(),
  /** KiB written to the backing disk (`dw:`). */
  written: counterSchema.optional(),
  /** Activity-log updates (`al:`). */
  alWrites: counterSchema.optional(),
  /** Bitmap updates (`bm:`). */
  bmWrites: counterSchema.optional(),
  /** Requests from above DRBD not yet answered (`ap:`). */
  upperPending: counterSchema.optional(),
  /** Requests to the backing disk not yet answered (`lo:`). */
  lowerPending: counterSchema.optional(),
  /** What else the source reported for the device, by its own names. */
  extra: extraSchema,
});
/** One local volume of a resource. */
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** The schema of a volume as seen with one peer. */
export const peerDeviceStatusSchema = z.object({
  /** The volume number within the resource. */
  volume: z.number().int(),
  /** `Established`, `Off`, `SyncSource`, `SyncTarget`, `PausedSyncS`, `PausedSyncT`, `VerifyS`, `VerifyT`, `WFBitMapS` … (see `replicationStates`). */
  replicationState: z.string(),
  /** The peer's disk state (`UpToDate`, `Inconsistent`, `DUnknown` when not connected …). */
  peerDiskState: z.string(),
  /** The peer is a diskless client on purpose. */
  peerClient: z.boolean().optional(),
  /** Why a resync is suspended (`no`, `user`, `peer`, `dependency` …), when the source says. */
  resyncSuspended: z.string().optional(),
  /** KiB received from the peer (`nr:`). */
  received: counterSchema.optional(),
  /** KiB sent to the peer (`ns:`). */
  sent: counterSchema.optional(),
  /** Out of sync, in KiB. */
  outOfSync: counterSchema.optional(),
  /** Requests sent to the peer, not yet answered (`pe:`). */
  pending: counterSchema.optional(),
  /** Requests from the peer, not yet answered (`ua:`). */
  unacked: counterSchema.optional(),
  /** 0 to 100 while a resync runs (and 100 in steady state when the source says so). */
  percentInSync: z.number().optional(),
  /** Estimated seconds until the resync is done, when the source says. */
  etaSeconds: z.number().optional(),
  /** What else the source reported, by its own names (`rs-total`, `want` …). */
  extra: extraSchema,
});
/** A volume as seen with one peer: replication state, the peer's disk, resync progress. */
export type PeerDeviceStatus = z.infer<typeof peerDeviceStatusSchema>;

/** The schema of one network path of a connection (DRBD 9). */
export const pathStatusSchema = z.object({
  /** This node's end. */
  thisHost: z
    .object({
      /** The IP address. */
      address: z.string(),
      /** The TCP port. */
      port: z.number().int().optional(),
      /** `ipv4`, `ipv6` … */
      family: z.string().optional(),
    })
    .optional(),
  /** The peer's end. */
  remoteHost: z
    .object({
      /** The IP address. */
      address: z.string(),
      /** The TCP port. */
      port: z.number().int().optional(),
      /** `ipv4`, `ipv6` … */
      family: z.string().optional(),
    })
    .optional(),
  /** The path carries the connection now. */
  established: z.boolean().optional(),
});
/** One network path of a connection. */
export type PathStatus = z.infer<typeof pathStatusSchema>;

/** The schema of the connection to one peer. */
export const connectionStatusSchema = z.object({
  /** The peer's node-id (DRBD 9). */
  peerNodeId: z.number().int().optional(),
  /** The peer's name (`peer` for /proc/drbd, which names none). */
  name: z.string(),
  /**
   * `Connected`, `StandAlone`, `Connecting`, `Disconnecting`, `NetworkFailure`, `ProtocolError`,
   * `TearDown`, `Unconnected`, `BrokenPipe`, `Timeout` … (see `connectionStates`).
   */
  connectionState: z.string(),
  /** The send buffer is full (congestion). */
  congested: z.boolean().optional(),
  /** The peer's role: `Primary`, `Secondary`, or `Unknown` when not connected. */
  peerRole: z.string(),
  /** Application writes in flight to the peer (`--statistics`). */
  apInFlight: counterSchema.optional(),
  /** Resync requests in flight to the peer. */
  rsInFlight: counterSchema.optional(),
  /** The network paths (DRBD 9's drbdsetup JSON and events2). */
  paths: z.array(pathStatusSchema),
  /** Each volume as seen with this peer. */
  peerDevices: z.array(peerDeviceStatusSchema),
  /** What else the source reported, by its own names. */
  extra: extraSchema,
});
/** The connection to one peer. */
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** The schema of one resource's status. */
export const resourceStatusSchema = z.object({
  /** The resource's name (`drbdN` from /proc/drbd, by minor). */
  name: z.string(),
  /** This node's node-id (DRBD 9), when the source says. */
  nodeId: z.number().int().optional(),
  /** `Primary`, `Secondary` (see `drbdRoles`); `Unknown` when the source said none. */
  role: z.string(),
  /** I/O is suspended, when the source says. */
  suspended: z.boolean().optional(),
  /** Why I/O is suspended (`user`, `no-data`, `fencing`, `quorum`), when it is. */
  suspendedReasons: z.array(z.string()),
  /** How writes are ordered on the backing disk: `flush`, `drain`, `barrier` or `none`. */
  writeOrdering: z.string().optional(),
  /** Its local volumes. */
  devices: z.array(deviceStatusSchema),
  /** Its connections, one per peer. */
  connections: z.array(connectionStatusSchema),
  /** A split brain was reported for this resource (from events2's split-brain helper). */
  splitBrain: z.boolean(),
  /** What else the source reported, by its own names. */
  extra: extraSchema,
});
/** One resource's replication state. */
export type ResourceStatus = z.infer<typeof resourceStatusSchema>;

/** The replication state of every resource, whatever it was read from. */
export const drbdStatusSchema = z.object({
  /** `drbdsetup-json` (`drbdsetup status --json`), `drbdadm-status` (text), `proc-drbd` (DRBD 8.4), `events2`. */
  source: z.enum(['drbdsetup-json', 'drbdadm-status', 'proc-drbd', 'events2']),
  /** The kernel module's version, when the source says (`/proc/drbd`). */
  version: z.string().optional(),
  /** Every resource, in the source's order. */
  resources: z.array(resourceStatusSchema),
});
/** The replication state of every resource (one model for every source; see `evaluateDrbdHealth`). */
export type DrbdStatus = z.infer<typeof drbdStatusSchema>;

/** Replication states in which a resync moves data. */
export const syncingStates: ReadonlySet<string> = new Set([
  'SyncSource',
  'SyncTarget',
  'PausedSyncS',
  'PausedSyncT',
  'WFBitMapS',
  'WFBitMapT',
  'WFSyncUUID',
  'StartingSyncS',
  'StartingSyncT',
  'VerifyS',
  'VerifyT',
]);

/**
 * The roles DRBD reports for a resource or a connected peer. (`Unknown` is
 * what DRBD says of a peer it cannot see: not a role a health verdict can
 * call healthy.)
 */
export const drbdRoles: ReadonlySet<string> = new Set(['Primary', 'Secondary']);

/** The disk states DRBD 8.4 and 9 report, local (`disk`) and of a peer (`peer-disk`). */
export const diskStates: ReadonlySet<string> = new Set([
  'Diskless',
  'Attaching',
  'Detaching',
  'Failed',
  'Negotiating',
  'Inconsistent',
  'Outdated',
  'DUnknown',
  'Consistent',
  'UpToDate',
]);

/** The connection states DRBD 9 reports (and DRBD 8.4's `WFConnection`, `WFReportParams`). */
export const connectionStates: ReadonlySet<string> = new Set([
  'StandAlone',
  'Disconnecting',
  'Unconnected',
  'Timeout',
  'BrokenPipe',
  'NetworkFailure',
  'ProtocolError',
  'TearDown',
  'Connecting',
  'Connected',
  'WFConnection',
  'WFReportParams',
]);

/** The replication states of a peer device DRBD reports (`Established` in steady state). */
export const replicationStates: ReadonlySet<string> = new Set([
  'Off',
  'Established',
  'StartingSyncS',
  'StartingSyncT',
  'WFBitMapS',
  'WFBitMapT',
  'WFSyncUUID',
  'SyncSource',
  'SyncTarget',
  'VerifyS',
  'VerifyT',
  'PausedSyncS',
  'PausedSyncT',
  'Ahead',
  'Behind',
]);

/** Options of the status parsers (`parseDrbdStatusText`, `parseDrbdsetupJson`, `parseDrbdadmStatus`, `parseProcDrbd`, `parseEvents2Text`). */
export interface DrbdStatusParseOptions {
  /** Where the text came from, for error positions (`status.json:3:7`). */
  file?: string | undefined;
  /** Refuse a text larger than this many bytes with `InputTooLargeError` (default 16 MiB, core's `DEFAULT_MAX_INPUT_BYTES`). */
  maxBytes?: number | undefined;
}
