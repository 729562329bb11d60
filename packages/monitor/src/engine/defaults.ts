import type { AlertPolicy, InhibitRule } from './alert-engine.js';
import { parseMatchers } from './matchers.js';

/**
 * Hold-downs where a condition is normal for a moment: a resource stopped
 * while Pacemaker moves it, a corosync link that Pacemaker is about to report
 * as a node going offline (which then inhibits it; knet sees a dead link
 * about 6 s before the token and consensus timeouts end the membership),
 * queues that come and go, a resource FAILED for the moment Pacemaker
 * takes to recover it (the failed action is reported at once, as a warning).
 */
export const defaultPolicies: Record<string, AlertPolicy> = {
  PacemakerResourceStopped: { raiseAfterMs: 5_000 },
  PacemakerResourceFailed: { raiseAfterMs: 10_000 },
  // A fence device is stopped for the moment it takes to start (just created, or moving after its node left).
  PacemakerCannotFence: { raiseAfterMs: 10_000 },
  CorosyncLinkDown: { raiseAfterMs: 10_000 },
  CorosyncMemberLeft: { raiseAfterMs: 3_000 },
  CorosyncQuorumLost: { raiseAfterMs: 3_000 },
  HaproxyQueueing: { raiseAfterMs: 10_000, resolveAfterMs: 10_000 },
  HaproxySessionsNearLimit: { raiseAfterMs: 10_000, resolveAfterMs: 30_000 },
  ProbeFailing: { raiseAfterMs: 5_000 },
};

/**
 * Grouping: while a node is offline, its own other alerts (unclean, failed
 * actions on it, corosync's view of it) and the resources stopped meanwhile
 * are not sent, but its fencing alerts are (they say whether it is safely
 * offline); while a backend is down, its servers' DOWN alerts are not;
 * Pacemaker's quorum alert covers corosync's; fencing disabled, or no fence
 * device at all, covers "this node cannot be fenced".
 */
export const defaultInhibitRules: InhibitRule[] = [
  {
    source: parseMatchers('alertname=PacemakerNodeOffline'),
    target: parseMatchers(
      'alertname=~"(Pacemaker|Corosync).*", alertname!~"PacemakerNodeOffline|PacemakerNodeFenced|PacemakerFencingFailed|PacemakerCannotFence"',
    ),
    equal: ['node'],
  },
  {
    source: parseMatchers('alertname=PacemakerCannotFence, reason=~"FENCING_DISABLED|NO_FENCE_DEVICE"'),
    target: parseMatchers('alertname=PacemakerCannotFence, reason=NODE_UNFENCEABLE'),
    equal: [],
  },
  {
    source: parseMatchers('alertname=PacemakerNodeOffline'),
    target: parseMatchers('alertname=PacemakerResourceStopped'),
    equal: [],
  },
  {
    source: parseMatchers('alertname=HaproxyBackendDown'),
    target: parseMatchers('alertname=HaproxyServerDown'),
    equal: ['proxy'],
  },
  {
    source: parseMatchers('alertname=PacemakerQuorumLost'),
    target: parseMatchers('alertname=CorosyncQuorumLost'),
    equal: [],
  },
  {
    source: parseMatchers('alertname=PacemakerNoDC'),
    target: parseMatchers('alertname=~"PacemakerQuorumLost|CorosyncQuorumLost"'),
    equal: [],
  },
];

/** While it is present, everything else is silenced (unless configured otherwise). */
export const maintenanceAlertname = 'PacemakerMaintenanceMode';
