/** One value of a metric family of the catalog. */
export interface MetricSample {
  /** The family's name, from the catalog (`ha_cluster_pacemaker_nodes`). */
  name: string;
  /** Its labels; absent labels of the family are empty. */
  labels?: Record<string, string>;
  /** The value. */
  value: number;
}

/** One metric family of the catalog: its help text, type and label names. */
export interface MetricFamily {
  /** The `# HELP` text. */
  help: string;
  /** The `# TYPE`. */
  type: 'gauge' | 'counter';
  /** Its label names. */
  labels: readonly string[];
}

/**
 * Every series the monitor serves. Pacemaker, Corosync and DRBD use the names
 * and labels of ClusterLabs' ha_cluster_exporter; HAProxy those of HAProxy's
 * own Prometheus exporter; so existing dashboards and alert rules work.
 * `ha_monitor_*` are the monitor's own. The exporter's `*_total` gauges are
 * left out: `promtool check metrics` rejects a gauge named `_total` (count the
 * series instead: `count(ha_cluster_pacemaker_nodes{status="online"})`).
 */
export const metricCatalog = {
  // Pacemaker (ha_cluster_exporter).
  ha_cluster_pacemaker_nodes: {
    help: 'The nodes in the cluster; one line per node, per status (value 1)',
    type: 'gauge',
    labels: ['node', 'type', 'status'],
  },
  ha_cluster_pacemaker_resources: {
    help: 'The resources in the cluster; one line per resource instance, per status (value 1)',
    type: 'gauge',
    labels: ['node', 'resource', 'role', 'managed', 'status', 'agent', 'group', 'clone'],
  },
  ha_cluster_pacemaker_stonith_enabled: { help: 'Whether or not stonith is enabled', type: 'gauge', labels: [] },
  ha_cluster_pacemaker_nodes_configured: {
    help: "Total number of nodes in the cluster (ha_cluster_exporter's ha_cluster_pacemaker_nodes_total)",
    type: 'gauge',
    labels: [],
  },
  ha_cluster_pacemaker_resources_configured: {
    help: "Total number of resources in the cluster (ha_cluster_exporter's ha_cluster_pacemaker_resources_total)",
    type: 'gauge',
    labels: [],
  },
  ha_cluster_pacemaker_maintenance_mode_enabled: {
    help: 'Whether or not cluster wide maintenance-mode is enabled',
    type: 'gauge',
    labels: [],
  },
  ha_cluster_pacemaker_node_attributes: {
    help: 'Metadata attributes of each node; value is always 1',
    type: 'gauge',
    labels: ['node', 'name', 'value'],
  },
  ha_cluster_pacemaker_fail_count: {
    help: 'The fail count per node and resource (+Inf for INFINITY)',
    type: 'gauge',
    labels: ['node', 'resource'],
  },
  ha_cluster_pacemaker_migration_threshold: {
    help: 'The migration threshold per node and resource',
    type: 'gauge',
    labels: ['node', 'resource'],
  },
  ha_cluster_pacemaker_config_last_change: {
    help: 'When the cluster configuration last changed (Unix seconds)',
    type: 'gauge',
    labels: [],
  },
  ha_cluster_pacemaker_location_constraints: {
    help: 'Location constraints (bans) in force; the value is the score',
    type: 'gauge',
    labels: ['constraint', 'node', 'resource', 'role'],
  },
  // Fencing (the monitor's own, in the exporter's style: from crm_mon's fence history and the alert agent's pushes).
  ha_cluster_pacemaker_fence_events_total: {
    help: 'Completed fencing operations by target, action and status (success, failed); a history cleanup does not lower it',
    type: 'counter',
    labels: ['target', 'action', 'status'],
  },
  ha_cluster_pacemaker_fence_last_result: {
    help: 'The result of the latest fencing of the node (1 success, 0 failed)',
    type: 'gauge',
    labels: ['node'],
  },
  ha_cluster_pacemaker_fence_last_timestamp_seconds: {
    help: 'When the latest fencing of the node completed (Unix seconds)',
    type: 'gauge',
    labels: ['node'],
  },
  ha_cluster_pacemaker_node_fenceable: {
    help: 'Whether the cluster can fence the node (0: fencing disabled, no device, or none able to fence it)',
    type: 'gauge',
    labels: ['node'],
  },
  // Corosync.
  ha_cluster_corosync_quorate: { help: 'Whether or not the cluster is quorate', type: 'gauge', labels: [] },
  ha_cluster_corosync_quorum_votes: {
    help: 'Cluster quorum votes; one line per type',
    type: 'gauge',
    labels: ['type'],
  },
  ha_cluster_corosync_ring_errors: { help: 'The number of corosync links that are down', type: 'gauge', labels: [] },
  ha_cluster_corosync_rings: {
    help: 'The corosync links of this node to each peer (1 connected, 0 down), with the peer address on that link',
    type: 'gauge',
    labels: ['ring_id', 'node_id', 'node', 'number', 'address'],
  },
  ha_cluster_corosync_member_votes: {
    help: 'How many votes each member node has contributed with to the current quorum (0 for a member gone)',
    type: 'gauge',
    labels: ['node_id', 'node', 'local'],
  },
  // DRBD.
  ha_cluster_drbd_resources: {
    help: 'The DRBD resources; one line per resource, per volume (value 1)',
    type: 'gauge',
    labels: ['resource', 'role', 'volume', 'disk_state'],
  },
  ha_cluster_drbd_connections: {
    help: 'The DRBD resource connections; one line per resource, per peer, per volume (value 1)',
    type: 'gauge',
    labels: ['resource', 'peer_node_id', 'peer_role', 'volume', 'peer_disk_state'],
  },
  ha_cluster_drbd_connections_sync: {
    help: 'The in-sync percentage of DRBD connections',
    type: 'gauge',
    labels: ['resource', 'peer_node_id', 'volume'],
  },
  ha_cluster_drbd_connections_received: {
    help: 'KiB received over DRBD connections',
    type: 'gauge',
    labels: ['resource', 'peer_node_id', 'volume'],
  },
  ha_cluster_drbd_connections_sent: {
    help: 'KiB sent over DRBD connections',
    type: 'gauge',
    labels: ['resource', 'peer_node_id', 'volume'],
  },
  ha_cluster_drbd_connections_pending: {
    help: 'Requests sent to the peer, not yet answered',
    type: 'gauge',
    labels: ['resource', 'peer_node_id', 'volume'],
  },
  ha_cluster_drbd_connections_unacked: {
    help: 'Requests received from the peer, not yet acknowledged',
    type: 'gauge',
    labels: ['resource', 'peer_node_id', 'volume'],
  },
  ha_cluster_drbd_written: { help: 'KiB written to the local disk', type: 'gauge', labels: ['resource', 'volume'] },
  ha_cluster_drbd_read: { help: 'KiB read from the local disk', type: 'gauge', labels: ['resource', 'volume'] },
  ha_cluster_drbd_al_writes: { help: 'Activity log writes', type: 'gauge', labels: ['resource', 'volume'] },
  ha_cluster_drbd_bm_writes: { help: 'Bitmap writes', type: 'gauge', labels: ['resource', 'volume'] },
  ha_cluster_drbd_upper_pending: {
    help: 'Block I/O requests forwarded to DRBD, not yet answered',
    type: 'gauge',
    labels: ['resource', 'volume'],
  },
  ha_cluster_drbd_lower_pending: {
    help: 'Open requests to the local disk',
    type: 'gauge',
    labels: ['resource', 'volume'],
  },
  ha_cluster_drbd_quorum: { help: 'Whether the DRBD volume has quorum', type: 'gauge', labels: ['resource', 'volume'] },
  ha_cluster_drbd_split_brain: {
    help: 'A split brain was detected (value 1)',
    type: 'gauge',
    labels: ['resource', 'volume'],
  },
  // HAProxy (HAProxy's own exporter).
  haproxy_up: { help: 'Whether the HAProxy stats socket answered', type: 'gauge', labels: [] },
  haproxy_frontend_status: {
    help: 'Current status of the frontend (value 1 for its state)',
    type: 'gauge',
    labels: ['proxy', 'state'],
  },
  haproxy_frontend_current_sessions: { help: 'Current number of active sessions', type: 'gauge', labels: ['proxy'] },
  haproxy_frontend_limit_sessions: { help: 'Configured session limit', type: 'gauge', labels: ['proxy'] },
  haproxy_backend_status: {
    help: 'Current status of the backend (value 1 for its state)',
    type: 'gauge',
    labels: ['proxy', 'state'],
  },
  haproxy_backend_current_sessions: { help: 'Current number of active sessions', type: 'gauge', labels: ['proxy'] },
  haproxy_backend_limit_sessions: { help: 'Configured session limit', type: 'gauge', labels: ['proxy'] },
  haproxy_backend_current_queue: { help: 'Current number of queued requests', type: 'gauge', labels: ['proxy'] },
  haproxy_backend_active_servers: { help: 'Current number of active servers', type: 'gauge', labels: ['proxy'] },
  haproxy_backend_backup_servers: { help: 'Current number of backup servers', type: 'gauge', labels: ['proxy'] },
  haproxy_server_status: {
    help: 'Current status of the server (value 1 for its state)',
    type: 'gauge',
    labels: ['proxy', 'server', 'state'],
  },
  haproxy_server_current_sessions: {
    help: 'Current number of active sessions',
    type: 'gauge',
    labels: ['proxy', 'server'],
  },
  haproxy_server_limit_sessions: { help: 'Configured session limit', type: 'gauge', labels: ['proxy', 'server'] },
  haproxy_server_current_queue: {
    help: 'Current number of queued requests',
    type: 'gauge',
    labels: ['proxy', 'server'],
  },
  haproxy_server_weight: { help: 'Server weight', type: 'gauge', labels: ['proxy', 'server'] },
  haproxy_server_check_status: {
    help: 'Status of the last health check (value 1 for its state)',
    type: 'gauge',
    labels: ['proxy', 'server', 'state'],
  },
  // The monitor's own, in the exporter's style: from `show ssl cert` (a timestamp: alert on `… - time()`).
  haproxy_certificate_expiry_timestamp_seconds: {
    help: 'When a certificate HAProxy has loaded expires: its notAfter (Unix seconds)',
    type: 'gauge',
    labels: ['file'],
  },
  // The monitor itself.
  ha_monitor_haproxy_log_lines_total: {
    help: 'Datagrams on the HAProxy log socket by outcome: event, ignored, malformed, unknown (a server HAProxy does not have), dropped',
    type: 'counter',
    labels: ['outcome'],
  },
  ha_monitor_haproxy_log_pushed: {
    help: "1 while HAProxy's log carries its changes (polls only reconcile), 0 while the probe polls at its fast interval",
    type: 'gauge',
    labels: [],
  },
  ha_monitor_probe_up: { help: "Whether the probe's last run succeeded", type: 'gauge', labels: ['probe'] },
  ha_monitor_probe_duration_seconds: { help: "How long the probe's last run took", type: 'gauge', labels: ['probe'] },
  ha_monitor_probe_runs_total: { help: 'Runs of the probe', type: 'counter', labels: ['probe'] },
  ha_monitor_probe_failures_total: { help: 'Failed runs of the probe', type: 'counter', labels: ['probe'] },
  ha_monitor_alerts: {
    help: 'How many alerts the monitor tracks now, by name, severity and state',
    type: 'gauge',
    labels: ['alertname', 'severity', 'state'],
  },
  ha_monitor_notifications_total: { help: 'Alert events delivered by each sink', type: 'counter', labels: ['sink'] },
  ha_monitor_notifications_failed_total: {
    help: 'Failed deliveries (retried later)',
    type: 'counter',
    labels: ['sink'],
  },
  ha_monitor_queue_length: { help: 'Alert events waiting for each sink', type: 'gauge', labels: ['sink'] },
} as const satisfies Record<string, MetricFamily>;

/** The name of a metric family of the catalog. */
export type MetricName = keyof typeof metricCatalog;
