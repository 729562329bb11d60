import type { ToolSpec } from '@ha/core';

/** The real programs the lab runs: the cluster stack, HAProxy, and what builds the namespaces and network. */
export const labTools: readonly ToolSpec[] = [
  { name: 'corosync', file: 'corosync', args: ['-v'], pattern: /version '([^']+)'/ },
  { name: 'pacemaker', file: 'pacemakerd', args: ['--version'], pattern: /Pacemaker ([0-9]\S*)/ },
  { name: 'pcs', file: 'pcs', args: ['--version'], pattern: /^([0-9]\S*)/m },
  { name: 'haproxy', file: 'haproxy', args: ['-v'], pattern: /HAProxy version ([0-9]\S*)/ },
  { name: 'socat', file: 'socat', args: ['-V'], pattern: /socat version ([0-9]\S*)/ },
  { name: 'iproute2', file: 'ip', args: ['-V'], pattern: /iproute2-([0-9][^,\s]*)/ },
  { name: 'util-linux', file: 'unshare', args: ['--version'], pattern: /util-linux ([0-9]\S*)/ },
];
