import type { Diagnostic } from '@ha/core';

/**
 * Every finding @ha/haproxy-config reports. Syntax first (HAProxy could not
 * read the file), then meaning, then what the real `haproxy -c` said.
 */
export type HaproxyCode =
  // Syntax.
  | 'UNTERMINATED_QUOTE'
  | 'BINARY_CONTENT'
  | 'DIRECTIVE_OUTSIDE_SECTION'
  | 'UNMATCHED_CONDITIONAL'
  | 'UNTERMINATED_CONDITIONAL'
  | 'UNKNOWN_SECTION'
  | 'MISSING_FINAL_NEWLINE'
  // Meaning.
  | 'UNKNOWN_KEYWORD'
  | 'MISPLACED_KEYWORD'
  | 'MISSING_NAME'
  | 'DUPLICATE_PROXY'
  | 'DUPLICATE_SERVER'
  | 'DUPLICATE_SECTION'
  | 'UNKNOWN_BACKEND'
  | 'UNKNOWN_DEFAULTS'
  | 'UNKNOWN_USERLIST'
  | 'UNKNOWN_RESOLVERS'
  | 'UNKNOWN_PEERS'
  | 'UNKNOWN_ACL'
  | 'MODE_MISMATCH'
  | 'MISSING_TIMEOUT'
  | 'BIND_CONFLICT'
  | 'BAD_ADDRESS'
  | 'BAD_PORT'
  | 'BAD_TIME'
  | 'BAD_NUMBER'
  | 'CHECK_OPTION_WITHOUT_CHECK'
  | 'NO_SERVER'
  // The real haproxy -c.
  | 'HAPROXY_ALERT'
  | 'HAPROXY_WARNING';

/** A finding of this package. */
export type HaproxyDiagnostic = Diagnostic<HaproxyCode>;
