import type { ToolSpec } from '@ha/core';

/** The real programs @ha/corosync-config drives. */
export const corosyncTools: readonly ToolSpec[] = [
  { name: 'corosync', file: 'corosync', args: ['-v'], pattern: /version '([^']+)'/ },
];
