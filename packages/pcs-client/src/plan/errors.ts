import { escapeForMessage, HaError, type HaErrorOptions } from '@ha/core';
import type { ClusterChange } from './model.js';

/**
 * Why a change cannot be planned: it names a node or resource the CIB does
 * not have (`NO_SUCH_NODE`, `NO_SUCH_RESOURCE`), it would change nothing
 * (`NO_EFFECT`: standby of a node already in standby, a move to where it
 * runs), or it does not apply to what it names (`NOT_APPLICABLE`: a failed
 * monitor of a resource that does not run on that node).
 */
export type PlanChangeReason = 'NO_SUCH_NODE' | 'NO_SUCH_RESOURCE' | 'NO_EFFECT' | 'NOT_APPLICABLE';

/** A change `plan` refuses; the message names the change and the thing. Nothing ran on the cluster. */
export class PlanChangeError extends HaError {
  /** Why. */
  readonly reason: PlanChangeReason;
  /** The change refused. */
  readonly change: ClusterChange;
  /** The node or resource it names. */
  readonly subject: string;

  constructor(
    reason: PlanChangeReason,
    change: ClusterChange,
    subject: string,
    detail: string,
    options: HaErrorOptions = {},
  ) {
    super(
      reason === 'NO_SUCH_NODE' || reason === 'NO_SUCH_RESOURCE' ? 'NOT_FOUND' : 'PRECONDITION_FAILED',
      `cannot plan '${describeChange(change)}': ${escapeForMessage(detail)}`,
      options,
    );
    this.reason = reason;
    this.change = change;
    this.subject = subject;
  }
}

/** A change in the words of the CLI (`standby node1`, `move WebServer node3`). */
export function describeChange(change: ClusterChange): string {
  switch (change.kind) {
    case 'standby':
    case 'online':
    case 'maintenance':
    case 'unmaintenance':
    case 'down':
      return `${change.kind} ${change.node}`;
    case 'move':
    case 'ban':
    case 'clear':
      return [change.kind, change.resource, change.node, 'promoted' in change && change.promoted ? '(promoted)' : '']
        .filter(Boolean)
        .join(' ');
    case 'enable':
    case 'disable':
    case 'restart':
      return `${change.kind} ${change.resource}`;
    case 'fail':
      return `fail ${change.resource} ${change.operation} on ${change.node}${change.exitCode === undefined ? '' : ` (exit ${change.exitCode})`}`;
  }
}
