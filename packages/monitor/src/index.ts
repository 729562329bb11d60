/**
 * @ha/monitor: Monitoring loop for Pacemaker, Corosync, HAProxy and DRBD: probes, rules, alerts and metrics.
 */
export { monitorTools } from './tools.js';
