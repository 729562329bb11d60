import type { ToolSpec } from '@ha/core';

/** The real programs @ha/pcs-client drives. */
export const pacemakerTools: readonly ToolSpec[] = [
  { name: 'pacemaker', file: 'pacemakerd', args: ['--version'], pattern: /Pacemaker ([0-9]\S*)/ },
  { name: 'crm_mon', file: 'crm_mon', args: ['--version'], pattern: /Pacemaker ([0-9]\S*)/ },
  { name: 'pcs', file: 'pcs', args: ['--version'], pattern: /^([0-9]\S*)/m },
];
