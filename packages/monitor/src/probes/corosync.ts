import { defaultRunner, type Runner } from '@ha/core';
import { readCorosyncStatus, type CorosyncStatus } from '@ha/corosync-config';
import type { Condition } from '../model.js';
import type { MetricSample } from '../metrics/catalog.js';
import type { Probe } from './probe.js';

/** What is wrong in a node's ring and quorum status: links down, members gone, quorum lost. Pure. */
export function corosyncConditions(status: CorosyncStatus): Condition[] {
  const conditions: Condition[] = [];
  if (!status.quorum.quorate) {
    const votes = status.quorum.totalVotes ?? '?';
    const expectedVotes = status.quorum.expectedVotes ?? '?';
    const neededVotes = status.quorum.quorum ?? '?';
    conditions.push({
      alertname: 'CorosyncQuorumLost',
      labels: {},
      severity: 'critical',
      summary: `corosync has no quorum: ${votes} of ${expectedVotes} votes, ${neededVotes} needed`,
    });
  }
  for (const link of status.links) {
    if (link.local || (link.connected && link.enabled)) continue;
    const node = link.name ?? `nodeid-${link.nodeid}`;
    conditions.push({
      alertname: 'CorosyncLinkDown',
      labels: { node, link: String(link.link) },
      severity: 'warning',
      summary: `corosync link ${link.link} to ${node} is ${link.enabled ? 'down' : 'disabled'}`,
    });
  }
  for (const member of status.members) {
    if (member.status === 'joined') continue;
    const node = member.name ?? `nodeid-${member.nodeid}`;
    conditions.push({
      alertname: 'CorosyncMemberLeft',
      labels: { node },
      severity: 'warning',
      summary: `${node} has ${member.status === 'left' ? 'left the corosync membership' : member.status}`,
    });
  }
  return conditions;
}

/** ha_cluster_exporter's corosync series. */
export function corosyncSamples(status: CorosyncStatus): MetricSample[] {
  const samples: MetricSample[] = [{ name: 'ha_cluster_corosync_quorate', value: status.quorum.quorate ? 1 : 0 }];
  const votes: [string, number | undefined][] = [
    ['expected_votes', status.quorum.expectedVotes],
    ['highest_expected', status.quorum.highestExpected],
    ['total_votes', status.quorum.totalVotes],
    ['quorum', status.quorum.quorum],
  ];
  for (const [type, value] of votes)
    if (value !== undefined) samples.push({ name: 'ha_cluster_corosync_quorum_votes', labels: { type }, value });
  const down = status.links.filter((link) => !link.local && (!link.connected || !link.enabled));
  samples.push({ name: 'ha_cluster_corosync_ring_errors', value: down.length });
  const addresses = new Map(status.members.map((member) => [member.nodeid, member.addresses]));
  for (const link of status.links) {
    if (link.local) continue;
    samples.push({
      name: 'ha_cluster_corosync_rings',
      labels: {
        ring_id: String(link.link),
        node_id: String(link.nodeid),
        node: link.name ?? '',
        number: String(link.link),
        address: addresses.get(link.nodeid)?.[link.link] ?? '',
      },
      value: link.connected && link.enabled ? 1 : 0,
    });
  }
  // Votes from votequorum's membership table; a member corosync knows but the quorum has not counted has none.
  const memberVotes = new Map(status.quorum.members.map((member) => [member.nodeid, member.votes]));
  for (const member of status.members) {
    samples.push({
      name: 'ha_cluster_corosync_member_votes',
      labels: {
        node_id: String(member.nodeid),
        node: member.name ?? '',
        local: String(member.nodeid === status.localNodeId),
      },
      value: member.status === 'joined' ? (memberVotes.get(member.nodeid) ?? 0) : 0,
    });
  }
  return samples;
}

/** Options of `createCorosyncProbe`. */
export interface CorosyncProbeOptions {
  /** Runs corosync's tools (default: this machine). */
  runner?: Runner;
  /** Between two reads, ms (default 10 s). */
  intervalMs?: number;
  /** A read that takes longer fails the probe, ms (default 10 s). */
  timeoutMs?: number;
}

/**
 * Corosync's links, membership and quorum as this node sees them
 * (@ha/corosync-config). Every 10 s by default: a node leaving is Pacemaker's
 * news first (pushed at once), and a link down raises only after 10 s anyway.
 */
export function createCorosyncProbe(options: CorosyncProbeOptions = {}): Probe<CorosyncStatus> {
  const runner = options.runner ?? defaultRunner;
  return {
    name: 'corosync',
    intervalMs: options.intervalMs ?? 10_000,
    timeoutMs: options.timeoutMs ?? 10_000,
    async check() {
      const status = await readCorosyncStatus(runner);
      return { conditions: corosyncConditions(status), data: status };
    },
    samples: corosyncSamples,
  };
}
