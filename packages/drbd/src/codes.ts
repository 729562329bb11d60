import type { Diagnostic } from '@ha/core';

/** Every finding @ha/drbd reports about a resource file: syntax first, then meaning, then drbdadm's own. */
export type DrbdCode =
  // Syntax.
  | 'UNTERMINATED_QUOTE'
  | 'BINARY_CONTENT'
  | 'MISSING_SEMICOLON'
  | 'EMPTY_STATEMENT'
  | 'MISSING_SECTION_NAME'
  | 'UNEXPECTED_CLOSE_BRACE'
  | 'MISSING_CLOSE_BRACE'
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
