import type { ToolSpec } from '@ha/core';
import { corosyncTools } from '@ha/corosync-config';
import { drbdTools } from '@ha/drbd';
import { haproxyRuntimeTools } from '@ha/haproxy-runtime';
import { pacemakerTools } from '@ha/pcs-client';

/** Every program the monitor's probes read, through the packages that own them. */
export const monitorTools: readonly ToolSpec[] = [
  ...corosyncTools,
  ...pacemakerTools,
  ...haproxyRuntimeTools,
  ...drbdTools,
];
