import type { Diagnostic } from '@ha/core';

/**
 * Every finding @ha/corosync-config reports. Parse codes first (the file
 * cannot be read the way corosync reads it), then semantic ones.
 */
export type CorosyncCode =
  // Syntax, as corosync's own parser sees it.
  | 'LINE_TOO_LONG'
  | 'BINARY_CONTENT'
  | 'MISSING_SECTION_NAME'
  | 'TEXT_AFTER_OPEN_BRACE'
  | 'TEXT_AROUND_CLOSE_BRACE'
  | 'NOT_A_STATEMENT'
  | 'EMPTY_KEY'
  | 'UNEXPECTED_CLOSE_BRACE'
  | 'MISSING_CLOSE_BRACE'
  | 'UNTERMINATED_QUOTE'
  // Meaning.
  | 'DUPLICATE_KEY'
  | 'UNKNOWN_KEY'
  | 'UNKNOWN_SECTION'
  | 'INVALID_NUMBER'
  | 'INVALID_BOOLEAN'
  | 'INVALID_VALUE'
  | 'MISSING_TOTEM'
  | 'MISSING_CLUSTER_NAME'
  | 'NO_NODES'
  | 'MISSING_NODEID'
  | 'MISSING_NODE_NAME'
  | 'DUPLICATE_NODE_NAME'
  | 'DUPLICATE_NODEID'
  | 'DUPLICATE_ADDRESS'
  | 'MISSING_LINK_ADDRESS'
  | 'MIXED_ADDRESS_FAMILY'
  | 'LINK_OUT_OF_RANGE'
  | 'TOO_MANY_LINKS'
  | 'KNET_ONLY_OPTION'
  | 'CRYPTO_NEEDS_KNET'
  | 'CRYPTO_INCOMPLETE'
  | 'TIMING_CONFLICT'
  | 'TWO_NODE_NODE_COUNT'
  | 'TWO_NODE_WITH_QDEVICE'
  | 'LAST_MAN_STANDING_WITHOUT_WAIT_FOR_ALL'
  | 'QUORUM_PROVIDER'
  | 'CONFIG_CHECK_FAILED'
  // Tool output that is not what it should be (the `reason` of a ParseError).
  | 'NOT_CFGTOOL_OUTPUT'
  | 'NOT_QUORUMTOOL_OUTPUT';

/** A finding about a corosync.conf. */
export type CorosyncDiagnostic = Diagnostic<CorosyncCode>;

/** Why a node's ring and quorum are not healthy (`CorosyncStatus.health.reasons`). */
export type CorosyncHealthCode =
  /** A link to a peer is down. */
  | 'LINK_DOWN'
  /** A link to a peer is disabled. */
  | 'LINK_DISABLED'
  /** A member left the membership. */
  | 'MEMBER_LEFT'
  /** A member is in the membership list but not joined (a state other than `joined` or `left`). */
  | 'MEMBER_NOT_JOINED'
  /** The local partition has lost quorum. */
  | 'NOT_QUORATE';

/** How healthy a node's ring and quorum are, best first: `degraded` still has quorum, `no-quorum` has lost it. */
export type CorosyncHealthState = 'healthy' | 'degraded' | 'no-quorum';

/** The codes of syntax findings: with one of them as an error, corosync cannot read the file. */
export const syntaxCodes: ReadonlySet<string> = new Set<CorosyncCode>([
  'LINE_TOO_LONG',
  'BINARY_CONTENT',
  'MISSING_SECTION_NAME',
  'TEXT_AFTER_OPEN_BRACE',
  'TEXT_AROUND_CLOSE_BRACE',
  'NOT_A_STATEMENT',
  'EMPTY_KEY',
  'UNEXPECTED_CLOSE_BRACE',
  'MISSING_CLOSE_BRACE',
  'UNTERMINATED_QUOTE',
]);
