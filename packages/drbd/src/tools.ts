import type { ToolSpec } from '@ha/core';

/** The real programs @ha/drbd drives. */
export const drbdTools: readonly ToolSpec[] = [
  // Without a loaded module drbdadm still reports its own version.
  { name: 'drbd-utils', file: 'drbdadm', args: ['--version'], pattern: /DRBDADM_VERSION=([0-9]\S*)/ },
];
