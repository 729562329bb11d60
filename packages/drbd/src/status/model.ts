import { z } from 'zod';

/**
 * A counter as DRBD reports it: a number while it is exact, a bigint beyond
 * 2^53 (a u64 that underflowed, `18446744073709551608`, has been seen).
 */
export const counterSchema = z.union([z.number(), z.bigint()]);
export type Counter = z.infer<typeof counterSchema>;

const extraSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.bigint(), z.null()]));

export const deviceStatusSchema = z.object({
  volume: z.number().int(),
  minor: z.number().int().optional(),
  /** `UpToDate`, `Inconsistent`, `Outdated`, `Diskless`, `DUnknown`, `Failed`, `Negotiating`, `Attaching`, `Detaching`, `Consistent` … */
  diskState: z.string(),
  /** A diskless client on purpose (not a lost disk). */
  client: z.boolean().optional(),
  open: z.boolean().optional(),
  quorum: z.boolean().optional(),
  /** Size in KiB. */
  size: counterSchema.optional(),
  read: counterSchema.optional(),
  written: counterSchema.optional(),
  alWrites: counterSchema.optional(),
  bmWrites: counterSchema.optional(),
  upperPending: counterSchema.optional(),
  lowerPending: counterSchema.optional(),
  extra: extraSchema,
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

export const peerDeviceStatusSchema = z.object({
  volume: z.number().int(),
  /** `Established`, `Off`, `SyncSource`, `SyncTarget`, `PausedSyncS`, `PausedSyncT`, `VerifyS`, `VerifyT`, `WFBitMapS` … */
  replicationState: z.string(),
  peerDiskState: z.string(),
  peerClient: z.boolean().optional(),
  resyncSuspended: z.string().optional(),
  received: counterSchema.optional(),
  sent: counterSchema.optional(),
  /** Out of sync, in KiB. */
  outOfSync: counterSchema.optional(),
  pending: counterSchema.optional(),
  unacked: counterSchema.optional(),
  /** 0 to 100 while a resync runs (and 100 in steady state when the source says so). */
  percentInSync: z.number().optional(),
  /** Estimated seconds until the resync is done, when the source says. */
  etaSeconds: z.number().optional(),
  extra: extraSchema,
});
export type PeerDeviceStatus = z.infer<typeof peerDeviceStatusSchema>;

export const pathStatusSchema = z.object({
  thisHost: z.object({ address: z.string(), port: z.number().int().optional(), family: z.string().optional() }).optional(),
  remoteHost: z.object({ address: z.string(), port: z.number().int().optional(), family: z.string().optional() }).optional(),
  established: z.boolean().optional(),
});

export const connectionStatusSchema = z.object({
  peerNodeId: z.number().int().optional(),
  name: z.string(),
  /** `Connected`, `StandAlone`, `Connecting`, `Disconnecting`, `NetworkFailure`, `ProtocolError`, `TearDown`, `Unconnected`, `BrokenPipe`, `Timeout` … */
  connectionState: z.string(),
  congested: z.boolean().optional(),
  peerRole: z.string(),
  apInFlight: counterSchema.optional(),
  rsInFlight: counterSchema.optional(),
  paths: z.array(pathStatusSchema),
  peerDevices: z.array(peerDeviceStatusSchema),
  extra: extraSchema,
});
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

export const resourceStatusSchema = z.object({
  name: z.string(),
  nodeId: z.number().int().optional(),
  /** `Primary`, `Secondary`, `Unknown`. */
  role: z.string(),
  suspended: z.boolean().optional(),
  /** Why I/O is suspended (`user`, `no-data`, `fencing`, `quorum`), when it is. */
  suspendedReasons: z.array(z.string()),
  writeOrdering: z.string().optional(),
  devices: z.array(deviceStatusSchema),
  connections: z.array(connectionStatusSchema),
  /** A split brain was reported for this resource (from events2's split-brain helper). */
  splitBrain: z.boolean(),
  extra: extraSchema,
});
export type ResourceStatus = z.infer<typeof resourceStatusSchema>;

/** The replication state of every resource, whatever it was read from. */
export const drbdStatusSchema = z.object({
  /** `drbdsetup-json` (`drbdsetup status --json`), `drbdadm-status` (text), `proc-drbd` (DRBD 8.4), `events2`. */
  source: z.enum(['drbdsetup-json', 'drbdadm-status', 'proc-drbd', 'events2']),
  /** The kernel module's version, when the source says (`/proc/drbd`). */
  version: z.string().optional(),
  resources: z.array(resourceStatusSchema),
});
export type DrbdStatus = z.infer<typeof drbdStatusSchema>;

/** Replication states in which a resync moves data. */
export const syncingStates = new Set(['SyncSource', 'SyncTarget', 'PausedSyncS', 'PausedSyncT', 'WFBitMapS', 'WFBitMapT', 'WFSyncUUID', 'StartingSyncS', 'StartingSyncT', 'VerifyS', 'VerifyT']);
