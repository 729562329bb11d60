/**
 * The one shape of a server's options, shared by `ConfigBuilder` and the
 * edits (`addServer`, `setServer`, `addBackend`): typed fields for the common
 * options, `options` for any other words.
 */

/** A time for a generated config: ms as a number, or HAProxy's own text. @example 2000 @example '2s' */
export type TimeValue = number | string;

/** A server's options (also a `default-server` line's). Each field writes one option; unset fields write nothing. */
export interface ServerOptionsDefinition {
  /** Health-check the server (`check`). @example true */
  check?: boolean;
  /** Time between two checks (`inter`). @example '2s' */
  inter?: TimeValue;
  /** Time between two checks while the server changes state (`fastinter`). @example '500ms' */
  fastinter?: TimeValue;
  /** Time between two checks while the server is down (`downinter`). @example '10s' */
  downinter?: TimeValue;
  /** Failed checks before the server is marked down (`fall`, at least 1). @example 3 */
  fall?: number;
  /** Passed checks before the server is marked up (`rise`, at least 1). @example 2 */
  rise?: number;
  /** Its share of the load (`weight`, 0 to 256). @example 10 */
  weight?: number;
  /** Used only when no other server is up (`backup`). @example true */
  backup?: boolean;
  /** Starts in maintenance (`disabled`). @example true */
  disabled?: boolean;
  /** At most this many connections at once (`maxconn`); more wait in the queue. @example 100 */
  maxconn?: number;
  /** At most this many requests waiting for it (`maxqueue`). @example 50 */
  maxqueue?: number;
  /** Ramp its weight up over this time after it comes back (`slowstart`). @example '30s' */
  slowstart?: TimeValue;
  /** Connect over TLS (`ssl`). @example true */
  ssl?: boolean;
  /** Check the server's certificate (`verify`). @example 'required' */
  verify?: 'none' | 'required';
  /** The TLS server name to send, a sample expression (`sni`). @example 'req.hdr(host)' */
  sni?: string;
  /** The `resolvers` section that resolves its name at run time. @example 'dns' */
  resolvers?: string;
  /** How its address is found at start (`init-addr`, comma-separated). @example 'last,libc,none' */
  initAddr?: string;
  /** The value of the persistence cookie for it (`cookie`). @example 'web1' */
  cookie?: string;
  /** What to do with its connections when it goes down (`on-marked-down`). @example 'shutdown-sessions' */
  onMarkedDown?: 'shutdown-sessions';
  /** What to do when it comes back (`on-marked-up`). @example 'shutdown-backup-sessions' */
  onMarkedUp?: 'shutdown-backup-sessions';
  /** Follow another server's health instead of checking (`track`, `[backend/]server`). @example 'api/a1' */
  track?: string;
  /** Its numeric id (`id`), kept across reloads. @example 7 */
  id?: number;
  /** Any other option words, appended as they are. @example ['send-proxy-v2', 'agent-check'] */
  options?: readonly string[];
}

/** A server: its name, its address and its options. */
export interface ServerDefinition extends ServerOptionsDefinition {
  /** Its name in the backend (letters, digits, `_`, `.`, `:`, `-`). @example 'web1' */
  name: string;
  /** `10.0.0.1:80`, `[::1]:8080`, `web1.example.com:80`, `${ADDR}:80`. @example '192.168.1.10:80' */
  address: string;
}

/** A time as HAProxy writes it: a number is milliseconds. */
export function timeText(value: TimeValue): string {
  return typeof value === 'number' ? `${value}ms` : value;
}

/** True when a change names any option (typed or as words), i.e. the options are to be replaced. */
export function hasServerOptions(definition: object): boolean {
  return Object.entries(definition).some(([key, value]) => key !== 'name' && key !== 'address' && value !== undefined);
}

/** The option words of a server line, in a stable order: typed fields, then `options`. */
export function serverOptionWords(server: ServerOptionsDefinition): string[] {
  const words: string[] = [];
  const flag = (on: boolean | undefined, word: string) => on && words.push(word);
  const valued = (value: string | number | undefined, word: string) =>
    value !== undefined && words.push(word, String(value));
  const timed = (value: TimeValue | undefined, word: string) =>
    value !== undefined && words.push(word, timeText(value));
  flag(server.check, 'check');
  timed(server.inter, 'inter');
  timed(server.fastinter, 'fastinter');
  timed(server.downinter, 'downinter');
  valued(server.fall, 'fall');
  valued(server.rise, 'rise');
  valued(server.weight, 'weight');
  valued(server.maxconn, 'maxconn');
  valued(server.maxqueue, 'maxqueue');
  timed(server.slowstart, 'slowstart');
  flag(server.backup, 'backup');
  flag(server.disabled, 'disabled');
  flag(server.ssl, 'ssl');
  valued(server.verify, 'verify');
  valued(server.sni, 'sni');
  valued(server.resolvers, 'resolvers');
  valued(server.initAddr, 'init-addr');
  valued(server.cookie, 'cookie');
  valued(server.onMarkedDown, 'on-marked-down');
  valued(server.onMarkedUp, 'on-marked-up');
  valued(server.track, 'track');
  valued(server.id, 'id');
  words.push(...(server.options ?? []));
  return words;
}
