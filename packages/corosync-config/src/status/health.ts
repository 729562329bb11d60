import { evaluateHealthFindings, type Health, type HealthReason } from '@ha/core';
import type { CorosyncHealthCode, CorosyncHealthState } from '../codes.js';
import type { QuorumStatus } from './parse-status.js';
import type { CorosyncStatus } from './read-status.js';

/** The health of a node's ring and quorum, as `readCorosyncStatus` gives it. */
export type CorosyncHealth = Health<CorosyncHealthState, CorosyncHealthCode>;

const states = ['healthy', 'degraded', 'no-quorum'] as const satisfies readonly CorosyncHealthState[];

/**
 * Judges links, membership and quorum (pure): a link down or disabled, or a
 * member not joined, is `degraded`; a partition without quorum is `no-quorum`.
 * Every reason names its subject (the peer's or member's name, else `nodeid N`).
 *
 * @example
 * const { healthy, state, reasons } = evaluateCorosyncHealth(status);
 */
export function evaluateCorosyncHealth(
  status: Pick<CorosyncStatus, 'links' | 'members'> & { quorum: QuorumStatus },
): CorosyncHealth {
  const findings: (HealthReason<CorosyncHealthCode> & { state: CorosyncHealthState })[] = [];
  for (const link of status.links) {
    if (link.local || (link.connected && link.enabled)) continue;
    const subject = link.name ?? `nodeid ${link.nodeid}`;
    findings.push(
      link.enabled
        ? { state: 'degraded', code: 'LINK_DOWN', message: `link ${link.link} to ${subject} is down`, subject }
        : { state: 'degraded', code: 'LINK_DISABLED', message: `link ${link.link} to ${subject} is disabled`, subject },
    );
  }
  for (const member of status.members) {
    if (member.status === 'joined') continue;
    const subject = member.name ?? `nodeid ${member.nodeid}`;
    findings.push(
      member.status === 'left'
        ? { state: 'degraded', code: 'MEMBER_LEFT', message: `${subject} has left the membership`, subject }
        : {
            state: 'degraded',
            code: 'MEMBER_NOT_JOINED',
            message: `${subject} is ${member.status}, not joined`,
            subject,
          },
    );
  }
  const { quorum } = status;
  if (!quorum.quorate) {
    const message = `quorum lost: ${quorum.totalVotes ?? '?'} of ${quorum.expectedVotes ?? '?'} votes, ${quorum.quorum ?? '?'} needed`;
    findings.push({ state: 'no-quorum', code: 'NOT_QUORATE', message });
  }
  return evaluateHealthFindings(states, findings);
}
