/** The syslog facilities a `log` line takes. */
export const logFacilities = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'auth2',
  'ftp',
  'ntp',
  'audit',
  'alert',
  'cron2',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;
/** A syslog facility. @example 'local0' */
export type LogFacility = (typeof logFacilities)[number];

/** The syslog levels, most important first. */
export const logLevels = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
/** A syslog level. @example 'notice' */
export type LogLevel = (typeof logLevels)[number];

/** The header formats of a `log` line (`format …`). */
export const logFormats = ['local', 'rfc3164', 'rfc5424', 'priority', 'short', 'timed', 'iso', 'raw'] as const;
/** A log header format. @example 'rfc5424' */
export type LogFormat = (typeof logFormats)[number];

/**
 * One `log` line's target: `{ address: '/dev/log', facility: 'local0' }`
 * writes `log /dev/log local0`.
 */
export interface LogTarget {
  /** Where to send: a syslog `host:port` (`udp@`, `tcp@` prefixes too), a UNIX socket path, `stdout`, `stderr` or `ring@NAME`. @example '/dev/log' */
  address: string;
  /** The syslog facility. @example 'local0' */
  facility: LogFacility;
  /** Send only messages at this level or more important. @example 'notice' */
  level?: LogLevel;
  /** And only those at most this important (needs `level`). @example 'emerg' */
  minLevel?: LogLevel;
  /** Truncate lines to this many bytes (`len`). @example 4096 */
  length?: number;
  /** The header format (`format`). @example 'rfc5424' */
  format?: LogFormat;
}

/** The words after `log` for a target, or `global` (a proxy section using the global section's targets). */
export function logWords(target: LogTarget | 'global'): string[] {
  if (target === 'global') return ['global'];
  return [
    target.address,
    ...(target.length !== undefined ? ['len', String(target.length)] : []),
    ...(target.format !== undefined ? ['format', target.format] : []),
    target.facility,
    ...(target.level !== undefined ? [target.level] : []),
    ...(target.minLevel !== undefined ? [target.minLevel] : []),
  ];
}
