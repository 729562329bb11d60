import type { ToolSpec } from '@ha/core';

/** The real program @ha/haproxy-config validates with. */
export const haproxyConfigTools: readonly ToolSpec[] = [
  { name: 'haproxy', file: 'haproxy', args: ['-v'], pattern: /HAProxy version ([0-9]\S*)/ },
];
