import type { Diagnostic } from '@ha/core';

/** The parser's findings: what makes a resource file unreadable (or, for `EMPTY_STATEMENT`, odd). */
export type DrbdSyntaxCode =
  | 'UNTERMINATED_QUOTE'
  | 'BINARY_CONTENT'
  | 'MISSING_SEMICOLON'
  | 'EMPTY_STATEMENT'
  | 'MISSING_SECTION_NAME'
  | 'UNEXPECTED_CLOSE_BRACE'
  | 'MISSING_CLOSE_BRACE';

/** Every finding @ha/drbd reports about a resource file: syntax first, then meaning, then drbdadm's own. */
export type DrbdCode =
  | DrbdSyntaxCode
  // Meaning.
  | 'DUPLICATE_RESOURCE'
  | 'DUPLICATE_MINOR'
  | 'DUPLICATE_DEVICE'
  | 'DUPLICATE_PORT'
  | 'DUPLICATE_NODE_ID'
  | 'MISSING_NODE_ID'
  | 'MISSING_ADDRESS'
  | 'MISSING_DEVICE'
  | 'MISSING_DISK'
  | 'MISSING_META_DISK'
  | 'ADDRESS_FAMILY_MISMATCH'
  | 'BAD_ADDRESS'
  | 'BAD_PORT'
  | 'UNKNOWN_HOST'
  | 'NOT_FOR_THIS_HOST'
  | 'TOO_FEW_HOSTS'
  // Includes.
  | 'INCLUDE_NOT_FOUND'
  // The real drbdadm.
  | 'DRBDADM_ERROR';

/** A finding of @ha/drbd's parser or checks (or drbdadm's, mapped): core's `Diagnostic` with a `DrbdCode`. */
export type DrbdDiagnostic = Diagnostic<DrbdCode>;

/** Why a status text is not one: not that format (`BAD_STATUS`), not JSON (`BAD_JSON`), not an events2 line (`BAD_EVENT`). */
export type DrbdStatusParseReason = 'BAD_STATUS' | 'BAD_JSON' | 'BAD_EVENT';

/** The `reason` of every `ParseError` @ha/drbd throws: a syntax finding's code, or why a status text is not one. */
export type DrbdParseReason = DrbdSyntaxCode | DrbdStatusParseReason;

/**
 * Why a resource is not healthy, one code a kind of problem (see `DrbdHealthReason`). The state each puts
 * the resource in: `SPLIT_BRAIN` split-brain; `NO_QUORUM` no-quorum; `DISKLESS`, `DISK_FAILED` diskless;
 * `SYNCING`, `DISK_INCONSISTENT` syncing; every other one degraded (the `UNKNOWN_*` codes: a value DRBD
 * does not report, as a damaged capture may hold).
 */
export type DrbdHealthCode =
  | 'SPLIT_BRAIN'
  | 'NO_QUORUM'
  | 'UNKNOWN_ROLE'
  | 'NO_VOLUMES'
  | 'UNKNOWN_DISK_STATE'
  | 'DISKLESS'
  | 'DISK_FAILED'
  | 'DISK_INCONSISTENT'
  | 'DISK_NOT_UP_TO_DATE'
  | 'UNKNOWN_CONNECTION_STATE'
  | 'DISCONNECTED'
  | 'UNKNOWN_PEER_ROLE'
  | 'UNKNOWN_REPLICATION_STATE'
  | 'SYNCING'
  | 'UNKNOWN_PEER_DISK_STATE'
  | 'PEER_DISK_NOT_UP_TO_DATE';
