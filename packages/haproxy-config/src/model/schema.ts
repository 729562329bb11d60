import { z } from 'zod';

/** Where something is in the configuration (1-based line; 0 for what an edit wrote). */
export const locationSchema = z.object({ file: z.string().optional(), line: z.number().int() });

/** Any directive, as words: what the typed view does not model is still here. */
export const directiveSchema = z.object({
  keyword: z.string(),
  args: z.array(z.string()),
  line: z.number().int(),
  /** The `.if` conditions around it, outermost first. */
  conditions: z.array(z.string()).optional(),
});
export type Directive = z.infer<typeof directiveSchema>;

/** An address as HAProxy writes one: `10.0.0.1:80`, `[::1]:443`, `*:80`, `unix@/run/x.sock`, `ipv4@…`, `${VAR}:80`. */
export const addressSchema = z.object({
  /** Everything before the port: a host, an IP, `*`, empty, or a path for unix/abns sockets. */
  host: z.string(),
  port: z.number().int().optional(),
  /** `8000-8010`: the last port of a range. */
  portEnd: z.number().int().optional(),
  /** `ipv4`, `ipv6`, `unix`, `abns`, `fd`, `sockpair`, `quic4` … when written with a prefix. */
  family: z.string().optional(),
  /** The address refers to environment variables: it is known only when HAProxy starts. */
  hasVariables: z.boolean(),
  raw: z.string(),
});
export type Address = z.infer<typeof addressSchema>;

/** A condition of a rule: `if`/`unless` and its terms, with the named ACLs it uses and the anonymous `{ … }` ones. */
export const conditionSchema = z.object({
  kind: z.enum(['if', 'unless']),
  terms: z.array(z.string()),
  acls: z.array(z.string()),
  anonymous: z.array(z.array(z.string())),
});
export type Condition = z.infer<typeof conditionSchema>;

export const aclSchema = z.object({ name: z.string(), criterion: z.string(), args: z.array(z.string()), line: z.number().int() });
export type Acl = z.infer<typeof aclSchema>;

/** `http-request deny if …`, `tcp-request content accept …`, `http-response set-header …`. */
export const ruleSchema = z.object({ action: z.string(), args: z.array(z.string()), condition: conditionSchema.optional(), line: z.number().int() });
export type Rule = z.infer<typeof ruleSchema>;

export const useBackendSchema = z.object({ backend: z.string(), condition: conditionSchema.optional(), line: z.number().int() });
export type UseBackend = z.infer<typeof useBackendSchema>;

export const bindSchema = z.object({
  address: addressSchema,
  ssl: z.boolean(),
  certificates: z.array(z.string()),
  alpn: z.string().optional(),
  /** Every option after the address: `true` for a flag, the value for `name value`. */
  options: z.record(z.string(), z.union([z.string(), z.literal(true)])),
  line: z.number().int(),
});
export type Bind = z.infer<typeof bindSchema>;

/** The options a `server` line (or `default-server`) can carry; what is not typed stays in `options`. */
export const serverOptionsSchema = z.object({
  check: z.boolean(),
  /** Health-check timings in ms. */
  interMs: z.number().optional(),
  fastInterMs: z.number().optional(),
  downInterMs: z.number().optional(),
  fall: z.number().int().optional(),
  rise: z.number().int().optional(),
  weight: z.number().int().optional(),
  backup: z.boolean(),
  disabled: z.boolean(),
  maxconn: z.number().int().optional(),
  maxqueue: z.number().int().optional(),
  ssl: z.boolean(),
  verify: z.string().optional(),
  sni: z.string().optional(),
  resolvers: z.string().optional(),
  initAddr: z.string().optional(),
  cookie: z.string().optional(),
  onMarkedDown: z.string().optional(),
  onMarkedUp: z.string().optional(),
  agentCheck: z.boolean(),
  slowstartMs: z.number().optional(),
  sendProxy: z.boolean(),
  track: z.string().optional(),
  id: z.number().int().optional(),
  /** Options this version does not type: `true` for a flag, the value for `name value`. */
  options: z.record(z.string(), z.union([z.string(), z.literal(true)])),
});
export type ServerOptions = z.infer<typeof serverOptionsSchema>;

export const serverSchema = serverOptionsSchema.extend({
  name: z.string(),
  address: addressSchema,
  line: z.number().int(),
});
export type Server = z.infer<typeof serverSchema>;

/** A `defaults`, `frontend`, `backend` or `listen` section. */
export const proxySchema = z.object({
  kind: z.enum(['defaults', 'frontend', 'backend', 'listen']),
  /** Optional for `defaults`. */
  name: z.string().optional(),
  /** The named `defaults` it inherits from. */
  from: z.string().optional(),
  /** Index in `defaults` of the section it inherits from: its `from`, else the last defaults before it. */
  inherits: z.number().int().optional(),
  mode: z.string().optional(),
  /** `timeout connect 5s` … in ms, by name (`connect`, `client`, `server`, `http-request` …). */
  timeouts: z.record(z.string(), z.number()),
  /** `option httplog`, `no option redispatch` … */
  options: z.array(z.object({ name: z.string(), enabled: z.boolean(), args: z.array(z.string()) })),
  logs: z.array(z.array(z.string())),
  maxconn: z.number().int().optional(),
  binds: z.array(bindSchema),
  acls: z.array(aclSchema),
  useBackends: z.array(useBackendSchema),
  defaultBackend: z.string().optional(),
  httpRequest: z.array(ruleSchema),
  httpResponse: z.array(ruleSchema),
  tcpRequest: z.array(ruleSchema),
  balance: z.object({ algorithm: z.string(), args: z.array(z.string()) }).optional(),
  /** `option httpchk [METHOD] [URI] [VERSION]`. */
  httpCheck: z.object({ method: z.string().optional(), uri: z.string().optional(), version: z.string().optional() }).optional(),
  defaultServer: serverOptionsSchema.optional(),
  servers: z.array(serverSchema),
  /** The directives the fields above do not model, as words: nothing is dropped. */
  directives: z.array(directiveSchema),
  file: z.string().optional(),
  line: z.number().int(),
});
export type Proxy = z.infer<typeof proxySchema>;

export const statsSocketSchema = z.object({
  address: addressSchema,
  level: z.string().optional(),
  mode: z.string().optional(),
  options: z.record(z.string(), z.union([z.string(), z.literal(true)])),
  line: z.number().int(),
});
export type StatsSocket = z.infer<typeof statsSocketSchema>;

export const globalSchema = z.object({
  maxconn: z.number().int().optional(),
  nbthread: z.number().int().optional(),
  daemon: z.boolean(),
  masterWorker: z.boolean(),
  user: z.string().optional(),
  group: z.string().optional(),
  chroot: z.string().optional(),
  pidfile: z.string().optional(),
  logs: z.array(z.array(z.string())),
  statsSockets: z.array(statsSocketSchema),
  statsTimeoutMs: z.number().optional(),
  /** `tune.*` settings by name. */
  tune: z.record(z.string(), z.string()),
  directives: z.array(directiveSchema),
});
export type GlobalSettings = z.infer<typeof globalSchema>;

/** Any other section (peers, resolvers, userlist, mailers, cache, ring, program …, or one this package does not know). */
export const otherSectionSchema = z.object({
  kind: z.string(),
  known: z.boolean(),
  name: z.string().optional(),
  directives: z.array(directiveSchema),
  file: z.string().optional(),
  line: z.number().int(),
});
export type OtherSection = z.infer<typeof otherSectionSchema>;

/** The typed view of a whole configuration (all its files). */
export const haproxyConfigSchema = z.object({
  global: globalSchema,
  defaults: z.array(proxySchema),
  frontends: z.array(proxySchema),
  backends: z.array(proxySchema),
  listens: z.array(proxySchema),
  /** Every other section, in file order. */
  sections: z.array(otherSectionSchema),
});
export type HaproxyConfig = z.infer<typeof haproxyConfigSchema>;
