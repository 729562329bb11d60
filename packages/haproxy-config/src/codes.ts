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
  // Meaning: keywords.
  | 'UNKNOWN_KEYWORD' // no HAProxy version we know has it in that section (a warning)
  | 'UNKNOWN_OPTION' // an `option` name (an error), a server or bind setting (a warning) we do not know
  | 'REMOVED_KEYWORD' // HAProxy knows it only to refuse it (`reqadd`, `nbproc` …)
  | 'MISPLACED_KEYWORD' // where HAProxy refuses it (an error) or ignores it (a warning)
  // Meaning: names and references.
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
  | 'UNKNOWN_SERVER' // a `track` target that does not exist or is not checked
  // Meaning: values.
  | 'MODE_MISMATCH'
  | 'MISSING_TIMEOUT'
  | 'BIND_CONFLICT'
  | 'BAD_ADDRESS'
  | 'BAD_PORT'
  | 'BAD_TIME'
  | 'BAD_NUMBER'
  | 'BAD_VALUE' // a value HAProxy refuses (a log facility, a mode, a balance algorithm …)
  | 'MISSING_VALUE' // a setting without the value it needs (`inter` at the end of a line, `ssl` without `crt` …)
  | 'CHECK_OPTION_WITHOUT_CHECK'
  | 'NO_LISTENER' // nothing listens: HAProxy would not start
  // The real haproxy -c.
  | 'HAPROXY_ALERT'
  | 'HAPROXY_WARNING';

/** A finding of this package. */
export type HaproxyDiagnostic = Diagnostic<HaproxyCode>;
