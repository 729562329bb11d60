import { z } from 'zod';

// Every object of the typed view: `line` is where it is in its file (1-based; 0 for what an edit wrote).
const line = z.number().int();

/** Any directive, as words: what the typed view does not model is still here. */
export const directiveSchema = z.object({
  /** Its first word. @example 'http-reuse' */
  keyword: z.string(),
  /** The words after it, quotes and escapes resolved. @example ['safe'] */
  args: z.array(z.string()),
  /** 1-based line. */
  line,
  /** The `.if` conditions around it, outermost first. */
  conditions: z.array(z.string()).optional(),
});
/** Any directive as words (`directiveSchema`). */
export type Directive = z.infer<typeof directiveSchema>;

/** An address as HAProxy writes one: `10.0.0.1:80`, `[::1]:443`, `*:80`, `unix@/run/x.sock`, `ipv4@…`, `${VAR}:80`. */
export const addressSchema = z.object({
  /** Everything before the port: a host, an IP, `*`, empty, or a path for unix/abns sockets. */
  host: z.string(),
  /** The port (the first of a range). @example 80 */
  port: z.number().int().optional(),
  /** `8000-8010`: the last port of a range. */
  portEnd: z.number().int().optional(),
  /** `ipv4`, `ipv6`, `unix`, `abns`, `fd`, `sockpair`, `quic4` … when written with a prefix. */
  family: z.string().optional(),
  /** The address refers to environment variables: it is known only when HAProxy starts. */
  hasVariables: z.boolean(),
  /** The address as written. @example '10.0.0.1:80' */
  raw: z.string(),
});
/** An address as HAProxy writes one (`addressSchema`). */
export type Address = z.infer<typeof addressSchema>;

/** A condition of a rule: `if`/`unless` and its terms, with the named ACLs it uses and the anonymous `{ … }` ones. */
export const conditionSchema = z.object({
  /** `if` or `unless`. */
  kind: z.enum(['if', 'unless']),
  /** Its words after `if`/`unless`, as written. @example ['is_api', '!is_static'] */
  terms: z.array(z.string()),
  /** The named ACLs it uses, without `!`. @example ['is_api', 'is_static'] */
  acls: z.array(z.string()),
  /** The words of each anonymous ACL `{ … }`. @example [['path_beg', '/api']] */
  anonymous: z.array(z.array(z.string())),
});
/** A rule's condition (`conditionSchema`). */
export type Condition = z.infer<typeof conditionSchema>;

/** `acl NAME CRITERION ARGS…`. */
export const aclSchema = z.object({
  /** The ACL's name. @example 'is_api' */
  name: z.string(),
  /** The fetch and match method. @example 'path_beg' */
  criterion: z.string(),
  /** The patterns and flags after it. @example ['/api'] */
  args: z.array(z.string()),
  /** 1-based line. */
  line,
});
/** An `acl` line (`aclSchema`). */
export type Acl = z.infer<typeof aclSchema>;

/** `http-request deny if …`, `tcp-request content accept …`, `http-response set-header …`. */
export const ruleSchema = z.object({
  /** The first word after the keyword. @example 'set-header' */
  action: z.string(),
  /** The action's words before the condition. @example ['X-Via', 'edge'] */
  args: z.array(z.string()),
  /** Its `if`/`unless`, when it has one. */
  condition: conditionSchema.optional(),
  /** 1-based line. */
  line,
});
/** An http/tcp rule (`ruleSchema`). */
export type Rule = z.infer<typeof ruleSchema>;

/** `use_backend BACKEND [if|unless …]`. */
export const useBackendSchema = z.object({
  /** The backend routed to (may hold a `%[…]` expression). @example 'api' */
  backend: z.string(),
  /** When to route there; none: always. */
  condition: conditionSchema.optional(),
  /** 1-based line. */
  line,
});
/** A `use_backend` rule (`useBackendSchema`). */
export type UseBackend = z.infer<typeof useBackendSchema>;

/** A `bind ADDRESS SETTINGS…` line. */
export const bindSchema = z.object({
  /** Where it listens (the first address of a comma-separated list). */
  address: addressSchema,
  /** It terminates TLS. */
  ssl: z.boolean(),
  /** Its `crt` files, in order. @example ['/etc/haproxy/certs/site.pem'] */
  certificates: z.array(z.string()),
  /** The protocols offered through ALPN. @example 'h2,http/1.1' */
  alpn: z.string().optional(),
  /** Every setting after the address: `true` for a flag, the value for `name value`. */
  options: z.record(z.string(), z.union([z.string(), z.literal(true)])),
  /** 1-based line. */
  line,
});
/** A `bind` line (`bindSchema`). */
export type Bind = z.infer<typeof bindSchema>;

/** The options a `server` line (or `default-server`) can carry; what is not typed stays in `options`. */
export const serverOptionsSchema = z.object({
  /** Health-checked (`check`; `no-check` turns it off). */
  check: z.boolean(),
  /** Time between two checks (`inter`), in ms. */
  interMs: z.number().optional(),
  /** Time between two checks while the server changes state (`fastinter`), in ms. */
  fastInterMs: z.number().optional(),
  /** Time between two checks while it is down (`downinter`), in ms. */
  downInterMs: z.number().optional(),
  /** Failed checks before it is marked down. */
  fall: z.number().int().optional(),
  /** Passed checks before it is marked up. */
  rise: z.number().int().optional(),
  /** Its share of the load (0 to 256). */
  weight: z.number().int().optional(),
  /** Used only when no other server is up. */
  backup: z.boolean(),
  /** Starts in maintenance. */
  disabled: z.boolean(),
  /** Most connections at once; more wait in the queue. */
  maxconn: z.number().int().optional(),
  /** Most requests waiting for it. */
  maxqueue: z.number().int().optional(),
  /** Connects over TLS. */
  ssl: z.boolean(),
  /** `none` or `required`: whether its certificate is checked. */
  verify: z.string().optional(),
  /** The TLS server name sent, a sample expression. @example 'req.hdr(host)' */
  sni: z.string().optional(),
  /** The `resolvers` section resolving its name at run time. */
  resolvers: z.string().optional(),
  /** How its address is found at start (`init-addr`). @example 'last,libc,none' */
  initAddr: z.string().optional(),
  /** Its persistence cookie value. */
  cookie: z.string().optional(),
  /** What happens to its connections when it goes down. @example 'shutdown-sessions' */
  onMarkedDown: z.string().optional(),
  /** What happens when it comes back. @example 'shutdown-backup-sessions' */
  onMarkedUp: z.string().optional(),
  /** Checked by an agent (`agent-check`). */
  agentCheck: z.boolean(),
  /** Weight ramp-up after it comes back (`slowstart`), in ms. */
  slowstartMs: z.number().optional(),
  /** Sends the PROXY protocol (`send-proxy` or `send-proxy-v2`; which one is in `options`). */
  sendProxy: z.boolean(),
  /** The server whose health it follows (`track`, `[backend/]server`). */
  track: z.string().optional(),
  /** Its numeric id. */
  id: z.number().int().optional(),
  /** Options this version does not type: `true` for a flag, the value for `name value`. */
  options: z.record(z.string(), z.union([z.string(), z.literal(true)])),
});
/** A server's options (`serverOptionsSchema`). */
export type ServerOptions = z.infer<typeof serverOptionsSchema>;

/** A `server NAME ADDRESS OPTIONS…` line. */
export const serverSchema = serverOptionsSchema.extend({
  /** Its name in the backend. @example 'web1' */
  name: z.string(),
  /** Where it is. */
  address: addressSchema,
  /** 1-based line. */
  line,
});
/** A server (`serverSchema`). */
export type Server = z.infer<typeof serverSchema>;

/** A `defaults`, `frontend`, `backend` or `listen` section. */
export const proxySchema = z.object({
  /** Which of the four. */
  kind: z.enum(['defaults', 'frontend', 'backend', 'listen']),
  /** Optional for `defaults`. */
  name: z.string().optional(),
  /** The named `defaults` it inherits from. */
  from: z.string().optional(),
  /** Index in `defaults` of the section it inherits from: its `from`, else the last defaults before it. */
  inherits: z.number().int().optional(),
  /** `http`, `tcp` … as written here (`effective` follows inheritance). */
  mode: z.string().optional(),
  /** `timeout connect 5s` … in ms, by name (`connect`, `client`, `server`, `http-request` …). */
  timeouts: z.record(z.string(), z.number()),
  /** `option httplog`, `no option redispatch` … */
  options: z.array(
    z.object({
      /** The option's name. @example 'httplog' */
      name: z.string(),
      /** False for `no option …`. */
      enabled: z.boolean(),
      /** Its words after the name. @example ['GET', '/health'] */
      args: z.array(z.string()),
    }),
  ),
  /** Its `log` lines, each the words after `log`. @example [['global']] */
  logs: z.array(z.array(z.string())),
  /** Most connections it accepts at once. */
  maxconn: z.number().int().optional(),
  /** Where it listens. */
  binds: z.array(bindSchema),
  /** Its named ACLs. */
  acls: z.array(aclSchema),
  /** Its `use_backend` rules, in order. */
  useBackends: z.array(useBackendSchema),
  /** Where what no rule routes goes. */
  defaultBackend: z.string().optional(),
  /** Its `http-request` rules, in order. */
  httpRequest: z.array(ruleSchema),
  /** Its `http-response` rules, in order. */
  httpResponse: z.array(ruleSchema),
  /** Its `tcp-request` rules, in order. */
  tcpRequest: z.array(ruleSchema),
  /** The load-balancing algorithm. */
  balance: z
    .object({
      /** Its name. @example 'roundrobin' */
      algorithm: z.string(),
      /** Its arguments. */
      args: z.array(z.string()),
    })
    .optional(),
  /** `option httpchk [METHOD] [URI] [VERSION]`. */
  httpCheck: z
    .object({
      /** @example 'GET' */
      method: z.string().optional(),
      /** @example '/health' */
      uri: z.string().optional(),
      /** @example 'HTTP/1.1' */
      version: z.string().optional(),
    })
    .optional(),
  /** Its `default-server` options. */
  defaultServer: serverOptionsSchema.optional(),
  /** Its servers, in order. */
  servers: z.array(serverSchema),
  /** The directives the fields above do not model, as words: nothing is dropped. */
  directives: z.array(directiveSchema),
  /** The file it is in. */
  file: z.string().optional(),
  /** 1-based line of its header. */
  line,
});
/** A proxy section (`proxySchema`). */
export type ProxySection = z.infer<typeof proxySchema>;

/** A `stats socket ADDRESS SETTINGS…` line of the global section. */
export const statsSocketSchema = z.object({
  /** The socket: a UNIX path or an address. */
  address: addressSchema,
  /** `user`, `operator` or `admin`. */
  level: z.string().optional(),
  /** File mode of a UNIX socket, in octal. @example '660' */
  mode: z.string().optional(),
  /** Its other settings: `true` for a flag, the value for `name value`. */
  options: z.record(z.string(), z.union([z.string(), z.literal(true)])),
  /** 1-based line. */
  line,
});
/** A Runtime API socket (`statsSocketSchema`). */
export type StatsSocket = z.infer<typeof statsSocketSchema>;

/** The global section, typed. */
export const globalSchema = z.object({
  /** Most connections of the process. */
  maxconn: z.number().int().optional(),
  /** Worker threads. */
  nbthread: z.number().int().optional(),
  /** `daemon` is set. */
  daemon: z.boolean(),
  /** `master-worker` is set. */
  masterWorker: z.boolean(),
  /** The user it drops privileges to. */
  user: z.string().optional(),
  /** The group it drops privileges to. */
  group: z.string().optional(),
  /** The directory it chroots to. */
  chroot: z.string().optional(),
  /** Its pid file. */
  pidfile: z.string().optional(),
  /** Its `log` lines, each the words after `log`. @example [['/dev/log', 'local0']] */
  logs: z.array(z.array(z.string())),
  /** Its Runtime API sockets. */
  statsSockets: z.array(statsSocketSchema),
  /** `stats timeout`, in ms. */
  statsTimeoutMs: z.number().optional(),
  /** `tune.*` settings by name. */
  tune: z.record(z.string(), z.string()),
  /** Every directive of the section, as words (the typed ones too). */
  directives: z.array(directiveSchema),
});
/** The global section (`globalSchema`). */
export type GlobalSettings = z.infer<typeof globalSchema>;

/** Any other section (peers, resolvers, userlist, mailers, cache, ring, program …, or one this package does not know). */
export const otherSectionSchema = z.object({
  /** Its kind (the header's first word). @example 'resolvers' */
  kind: z.string(),
  /** False for a kind HAProxy's manual does not list. */
  known: z.boolean(),
  /** Its name, when it has one. */
  name: z.string().optional(),
  /** Its directives, as words. */
  directives: z.array(directiveSchema),
  /** The file it is in. */
  file: z.string().optional(),
  /** 1-based line of its header. */
  line,
});
/** Another section (`otherSectionSchema`). */
export type OtherSection = z.infer<typeof otherSectionSchema>;

/** The typed view of a whole configuration (all its files). */
export const haproxyConfigSchema = z.object({
  /** The global section (the sections of all files merged). */
  global: globalSchema,
  /** The defaults sections, in order. */
  defaults: z.array(proxySchema),
  /** The frontends, in order. */
  frontends: z.array(proxySchema),
  /** The backends, in order. */
  backends: z.array(proxySchema),
  /** The listen sections, in order. */
  listens: z.array(proxySchema),
  /** Every other section, in file order. */
  sections: z.array(otherSectionSchema),
});
/** The typed view (`haproxyConfigSchema`). */
export type HaproxyConfig = z.infer<typeof haproxyConfigSchema>;
