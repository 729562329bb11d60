import type { HaproxyDocument } from '../parse/cst.js';
import type { ServerOptionsDefinition } from '../build/server-options.js';

/** `BACKEND/SERVER`, as the Runtime API names a server. @example 'servers/web1' */
export type ServerPath = `${string}/${string}`;

/** Which server a server change acts on. */
interface OnServer {
  /** `BACKEND/SERVER`. @example 'servers/web1' */
  server: ServerPath;
}

/** The server's share of the load (0 to 256): `set server … weight` and `weight N` on its line. */
export interface SetWeightChange extends OnServer {
  /** Which change. */
  kind: 'set-weight';
  /** 0 to 256. @example 50 */
  weight: number;
}

/**
 * `set server … state`; `maint` is `disabled` on its line, `ready` and `drain` remove it. A drain has no
 * word in haproxy.cfg: it is kept across reloads by the server-state file (`useServerStateFile`).
 */
export interface SetStateChange extends OnServer {
  /** Which change. */
  kind: 'set-state';
  /** The admin state. */
  state: 'ready' | 'drain' | 'maint';
}

/** `set server … addr A port P` and the address on its line (without `port`, the port stays). */
export interface SetAddressChange extends OnServer {
  /** Which change. */
  kind: 'set-address';
  /** An IPv4 or IPv6 address. @example '10.0.0.7' */
  address: string;
  /** The new port; none keeps the old one. @example 8080 */
  port?: number;
}

/** `set maxconn server …` and `maxconn N` on its line (0: no limit, the setting removed). */
export interface SetMaxconnChange extends OnServer {
  /** Which change. */
  kind: 'set-maxconn';
  /** Most connections at once; 0 for no limit. @example 100 */
  maxconn: number;
}

/**
 * Health-check settings. `enabled`, `port` and `address` change live (`enable|disable health`,
 * `check-port`, `check-addr`); `interMs`, `fall` and `rise` only by a reload.
 */
export interface SetCheckChange extends OnServer {
  /** Which change. */
  kind: 'set-check';
  /** Checks on (`check` on its line) or off. */
  enabled?: boolean;
  /** The port checks go to (`port`). */
  port?: number;
  /** The address checks go to (`addr`). */
  address?: string;
  /** Time between checks (`inter`), in ms. */
  interMs?: number;
  /** Failed checks before down (`fall`). */
  fall?: number;
  /** Passed checks before up (`rise`). */
  rise?: number;
}

/** `add server` (then `enable health`, `enable server`) and a new `server` line after the backend's last. */
export interface AddServerChange extends OnServer {
  /** Which change. */
  kind: 'add-server';
  /** `ADDRESS:PORT`. @example '10.0.0.3:80' */
  address: string;
  /** Its settings, in the builder's shape. @example { check: true, weight: 10 } */
  options?: ServerOptionsDefinition;
}

/** Maintenance, its sessions shut, `del server`, and its line removed. */
export interface DeleteServerChange extends OnServer {
  /** Which change. */
  kind: 'delete-server';
}

/** Which map a map change acts on. */
interface OnMap {
  /** The map's file, as the configuration and `show map` name it. @example '/etc/haproxy/hosts.map' */
  map: string;
}

/** `add map` and a new line at the end of the map file (a key already there: use `map-set`). */
export interface MapAddChange extends OnMap {
  /** Which change. */
  kind: 'map-add';
  /** The key. */
  key: string;
  /** Its value. */
  value: string;
}

/** `set map` and the value of every line of that key. */
export interface MapSetChange extends OnMap {
  /** Which change. */
  kind: 'map-set';
  /** The key. */
  key: string;
  /** Its new value. */
  value: string;
}

/** `del map` and every line of that key. */
export interface MapDeleteChange extends OnMap {
  /** Which change. */
  kind: 'map-delete';
  /** The key. */
  key: string;
}

/** A new version filled and committed atomically (`prepare`/`commit map`), and the file's entries replaced. */
export interface MapReplaceChange extends OnMap {
  /** Which change. */
  kind: 'map-replace';
  /** Every entry, `[key, value]`, in order. */
  entries: readonly (readonly [string, string])[];
}

/** Which ACL an ACL change acts on. */
interface OnAcl {
  /** The ACL's file (`-f FILE`), as `show acl` names it. @example '/etc/haproxy/blocked.acl' */
  acl: string;
}

/** `add acl` and a new line of the ACL file. */
export interface AclAddChange extends OnAcl {
  /** Which change. */
  kind: 'acl-add';
  /** The pattern. @example '192.0.2.1' */
  pattern: string;
}

/** `del acl` and the pattern's lines. */
export interface AclDeleteChange extends OnAcl {
  /** Which change. */
  kind: 'acl-delete';
  /** The pattern. */
  pattern: string;
}

/** The ACL's patterns replaced atomically, in HAProxy and in the file. */
export interface AclReplaceChange extends OnAcl {
  /** Which change. */
  kind: 'acl-replace';
  /** Every pattern, in order. */
  patterns: readonly string[];
}

/**
 * A loaded certificate replaced without a reload (`set ssl cert`, `commit ssl cert`) and its file written;
 * checked first (a key that does not match, a PEM that is not one, an expired certificate are refused).
 */
export interface CertificateChange {
  /** Which change. */
  kind: 'certificate';
  /** The certificate's file, as HAProxy loaded it. @example '/etc/haproxy/certs/site.pem' */
  file: string;
  /** The new certificate (its chain, and its key unless `key` is given), PEM. */
  certificate: string;
  /** The key, PEM, when it is not in `certificate`. */
  key?: string;
}

/** A new certificate served at once by a crt-list (`new ssl cert`, `add ssl crt-list`), both files written. */
export interface CrtListAddChange {
  /** Which change. */
  kind: 'crt-list-add';
  /** The crt-list file, as HAProxy loaded it. @example '/etc/haproxy/crt-list.txt' */
  crtList: string;
  /** Where the new certificate's file goes. @example '/etc/haproxy/certs/new.pem' */
  file: string;
  /** The certificate and key, PEM. */
  certificate: string;
  /** SNI filters of its line. @example ['new.example'] */
  filters?: readonly string[];
}

/** A loaded CA file or CRL file replaced without a reload, and written. */
export interface CaFileChange {
  /** Which change. */
  kind: 'ca-file' | 'crl-file';
  /** The file, as HAProxy loaded it. @example '/etc/haproxy/ca.pem' */
  file: string;
  /** Its new content, PEM. */
  pem: string;
}

/**
 * Anything the Runtime API cannot do (a new backend or frontend, a global setting): an edit of
 * the document, installed by a validated reload.
 */
export interface EditChange {
  /** Which change. */
  kind: 'edit';
  /** What it does, for the report. @example 'a new backend api' */
  description: string;
  /** Changes the document (of the first configuration file) in place. */
  edit: (document: HaproxyDocument) => void;
}

/**
 * One change to a running HAProxy and its files, for `applyChange`. A server
 * change names the server as `BACKEND/SERVER`; a map or ACL change names the
 * map by its file, as the configuration (and `show map`) names it.
 */
export type HaproxyChange =
  | SetWeightChange
  | SetStateChange
  | SetAddressChange
  | SetMaxconnChange
  | SetCheckChange
  | AddServerChange
  | DeleteServerChange
  | MapAddChange
  | MapSetChange
  | MapDeleteChange
  | MapReplaceChange
  | AclAddChange
  | AclDeleteChange
  | AclReplaceChange
  | CertificateChange
  | CrtListAddChange
  | CaFileChange
  | EditChange;

/** The kinds of `HaproxyChange`. */
export type HaproxyChangeKind = HaproxyChange['kind'];

/** A change that names a server. */
export type ServerChange = Extract<HaproxyChange, { server: ServerPath }>;

/** A change of a map or ACL file. */
export type PatternChange = Extract<HaproxyChange, { map: string } | { acl: string }>;

/** A change of a certificate, a crt-list, a CA file or a CRL. */
export type TlsChange = CertificateChange | CrtListAddChange | CaFileChange;

/** Whether a change is of certificates (`TlsChange`). */
export function isTlsChange(change: HaproxyChange): change is TlsChange {
  return ['certificate', 'crt-list-add', 'ca-file', 'crl-file'].includes(change.kind);
}

/** Whether a change names a server. */
export function isServerChange(change: HaproxyChange): change is ServerChange {
  return 'server' in change;
}

/** Whether a change is of a map or an ACL. */
export function isPatternChange(change: HaproxyChange): change is PatternChange {
  return 'map' in change || 'acl' in change;
}

/** `servers/web1` → its backend and server; a `TypeError` when it is not `B/S` of two names HAProxy allows. */
export function splitServerPath(path: string): { backend: string; server: string } {
  const slash = path.indexOf('/');
  const backend = path.slice(0, slash);
  const server = path.slice(slash + 1);
  const name = /^[A-Za-z0-9_.:-]+$/;
  if (slash === -1 || !name.test(backend) || !name.test(server))
    throw new TypeError(`'${path}' is not BACKEND/SERVER (names of letters, digits, '_', '.', ':', '-')`);
  return { backend, server };
}

/**
 * A short account of a change, for reports and the CLI.
 *
 * @example describeChange({ kind: 'set-weight', server: 'servers/web1', weight: 50 }) // 'servers/web1 weight 50'
 */
export function describeChange(change: HaproxyChange): string {
  switch (change.kind) {
    case 'set-weight':
      return `${change.server} weight ${change.weight}`;
    case 'set-state':
      return `${change.server} state ${change.state}`;
    case 'set-address':
      return `${change.server} address ${change.address}${change.port === undefined ? '' : `:${change.port}`}`;
    case 'set-maxconn':
      return `${change.server} maxconn ${change.maxconn}`;
    case 'set-check': {
      const parts = [
        change.enabled === undefined ? undefined : change.enabled ? 'enabled' : 'disabled',
        change.port === undefined ? undefined : `port ${change.port}`,
        change.address === undefined ? undefined : `addr ${change.address}`,
        change.interMs === undefined ? undefined : `inter ${change.interMs}ms`,
        change.fall === undefined ? undefined : `fall ${change.fall}`,
        change.rise === undefined ? undefined : `rise ${change.rise}`,
      ].filter((part) => part !== undefined);
      return `${change.server} check ${parts.join(', ')}`;
    }
    case 'add-server':
      return `add server ${change.server} ${change.address}`;
    case 'delete-server':
      return `delete server ${change.server}`;
    case 'map-add':
      return `map ${change.map}: add ${change.key} ${change.value}`;
    case 'map-set':
      return `map ${change.map}: set ${change.key} ${change.value}`;
    case 'map-delete':
      return `map ${change.map}: delete ${change.key}`;
    case 'map-replace':
      return `map ${change.map}: replace with ${change.entries.length} entries`;
    case 'acl-add':
      return `acl ${change.acl}: add ${change.pattern}`;
    case 'acl-delete':
      return `acl ${change.acl}: delete ${change.pattern}`;
    case 'acl-replace':
      return `acl ${change.acl}: replace with ${change.patterns.length} patterns`;
    case 'certificate':
      return `certificate ${change.file}: replace`;
    case 'crt-list-add':
      return `crt-list ${change.crtList}: add ${change.file}`;
    case 'ca-file':
    case 'crl-file':
      return `${change.kind} ${change.file}: replace`;
    case 'edit':
      return change.description;
  }
}
