import { fileURLToPath } from 'node:url';

/** The published packages, their folders and CLIs: what the root tests check for each. */
export const publishedPackages = [
  { name: '@ha/core', directory: 'packages/core', bin: undefined },
  { name: '@ha/corosync-config', directory: 'packages/corosync-config', bin: 'ha-corosync' },
  { name: '@ha/pcs-client', directory: 'packages/pcs-client', bin: 'ha-pcs' },
  { name: '@ha/haproxy-config', directory: 'packages/haproxy-config', bin: 'ha-haproxy-config' },
  { name: '@ha/haproxy-runtime', directory: 'packages/haproxy-runtime', bin: 'ha-haproxy' },
  { name: '@ha/drbd', directory: 'packages/drbd', bin: 'ha-drbd' },
  { name: '@ha/monitor', directory: 'packages/monitor', bin: 'ha-monitor' },
] as const;

/** The lab: private to the workspace, but packed and installed like the others, since operators run it. */
export const labPackage = { name: '@ha/lab', directory: 'tools/lab', bin: 'ha-lab' } as const;

/** The repository's root folder (absolute, with a trailing slash). */
export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
