import type { ToolSpec } from '@ha/core';

/** The HAProxy whose Runtime API @ha/haproxy-runtime speaks. */
export const haproxyRuntimeTools: readonly ToolSpec[] = [
  { name: 'haproxy', file: 'haproxy', args: ['-v'], pattern: /HAProxy version ([0-9]\S*)/ },
];
