// The keys of the typed view's objects in the order of their schemas (src/model/schema.ts; a test keeps them equal):
// the order a zod parse gives them, without loading zod to build the view.

/** `proxySchema`'s keys, in order. */
export const proxyKeys = [
  'kind',
  'name',
  'from',
  'inherits',
  'mode',
  'timeouts',
  'options',
  'logs',
  'maxconn',
  'binds',
  'acls',
  'useBackends',
  'defaultBackend',
  'httpRequest',
  'httpResponse',
  'tcpRequest',
  'balance',
  'httpCheck',
  'defaultServer',
  'servers',
  'directives',
  'file',
  'line',
] as const;

/** `globalSchema`'s keys, in order. */
export const globalKeys = [
  'maxconn',
  'nbthread',
  'daemon',
  'masterWorker',
  'user',
  'group',
  'chroot',
  'pidfile',
  'logs',
  'statsSockets',
  'statsTimeoutMs',
  'tune',
  'directives',
] as const;
