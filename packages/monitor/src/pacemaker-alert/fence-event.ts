import { escapeForMessage, ParseError } from '@ha/core';
import type { PacemakerAlert } from './receiver.js';

/** Why a fencing alert could not be read: not a fencing alert, no target, or a description in no known wording. */
export type FenceAlertParseReason = 'NOT_FENCING_ALERT' | 'MISSING_TARGET' | 'UNKNOWN_FENCE_DESCRIPTION';

/**
 * One fencing operation as Pacemaker's alert agent reports it (`CRM_alert_kind=fencing`), typed. Every
 * node's controller runs its alert agents for each fencing result, so one fencing gives one of these on
 * every node that has the monitor's socket.
 */
export interface FenceAlert {
  /** The node fenced (`CRM_alert_node`). */
  target: string;
  /** What was done to it: `reboot`, `off` or `on` (from `CRM_alert_desc`; `CRM_alert_task` is `st_notify_fence`). */
  action: string;
  /** The node whose fence device carried it out; undefined when none did (Pacemaker writes "the cluster"). */
  delegate: string | undefined;
  /** Who asked for it (`pacemaker-controld.1843`, `stonith_admin.2211`), when known. */
  client: string | undefined;
  /** The node it was asked from, when known. */
  origin: string | undefined;
  /** The fencing succeeded (`CRM_alert_rc` 0). */
  ok: boolean;
  /** Pacemaker's word for the outcome: `OK`, `Error`, `Timed Out` (2.1) / `Timed out` (3.0), `No fence device` … */
  status: string;
  /** Why it failed, when Pacemaker says (the fence agent's or the fencer's reason). */
  reason: string | undefined;
  /** The fencer's id of the operation (`ref=` in the description). */
  reference: string | undefined;
  /** `CRM_alert_rc`: 0 for success, else Pacemaker's (negative, errno-like) legacy code. */
  rc: number | undefined;
  /** When Pacemaker sent it, epoch ms (`CRM_alert_timestamp_epoch` and `_usec`); undefined when not given. */
  at: number | undefined;
  /** The Pacemaker version that sent it (`CRM_alert_version`). */
  version: string | undefined;
}

// "Operation reboot of node3 by node1 for pacemaker-controld.1843@node2: OK (ref=…)": Pacemaker 2.1 and 3.0
// (lib/fencing/st_client.c, stonith__event_description); 2.0 wrote the same head, its outcome with
// pcmk_strerror ("OK", "Timer expired") and no reason.
const description = /^Operation (\S+) of (\S+) by (.+?) for (.*?)@(.+?): (.+?)(?: \(ref=([^()]*)\))?$/s;
// Pacemaker's stand-ins for an unknown part (2.1/3.0, then 2.0's).
const noDelegate = new Set(['the cluster', '<anyone>', '<no-one>']);
const fenceActions = new Set(['reboot', 'off', 'on']);

/**
 * Reads a fencing alert of the shipped agent into a `FenceAlert`. Success is `CRM_alert_rc` 0 (Pacemaker's
 * own test), or the word `OK` when the code is missing. A `ParseError` when the alert is not a fencing one,
 * names no target, or its description is in a wording this version does not know.
 *
 * @example
 * parseFenceAlert({ kind: 'fencing', node: 'node3', task: 'st_notify_fence', rc: '0',
 *   desc: 'Operation reboot of node3 by node1 for pacemaker-controld.1843@node2: OK (ref=3b5e…)' })
 * // { target: 'node3', action: 'reboot', delegate: 'node1', client: 'pacemaker-controld.1843', origin: 'node2', ok: true, … }
 */
export function parseFenceAlert(alert: PacemakerAlert): FenceAlert {
  if (alert.kind !== 'fencing')
    throw new ParseError('NOT_FENCING_ALERT', `a ${alert.kind} alert is not a fencing alert`, {
      file: 'CRM_alert_kind',
    });
  const desc = alert.desc ?? '';
  const match = description.exec(desc);
  const target = alert.node ?? match?.[2];
  if (!target)
    throw new ParseError('MISSING_TARGET', 'the fencing alert names no node (CRM_alert_node is empty)', {
      file: 'CRM_alert_node',
    });
  if (!match)
    throw new ParseError(
      'UNKNOWN_FENCE_DESCRIPTION',
      `the fencing alert of ${escapeForMessage(target)} says '${escapeForMessage(desc)}', not 'Operation ACTION of NODE by NODE for CLIENT@NODE: RESULT'`,
      { file: 'CRM_alert_desc' },
    );
  const [, action, , delegate, client, origin, outcome, reference] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  // "Error (the switch refused)": the reason is what is in the outer parentheses (it may hold its own).
  const open = outcome.indexOf(' (');
  const status = open === -1 ? outcome : outcome.slice(0, open);
  const reason = open !== -1 && outcome.endsWith(')') ? outcome.slice(open + 2, -1) : undefined;
  const rc = alert.rc !== undefined && /^-?\d+$/.test(alert.rc) ? Number(alert.rc) : undefined;
  const epoch =
    alert.timestamp_epoch !== undefined && /^\d+$/.test(alert.timestamp_epoch)
      ? Number(alert.timestamp_epoch)
      : undefined;
  const usec =
    alert.timestamp_usec !== undefined && /^\d+$/.test(alert.timestamp_usec) ? Number(alert.timestamp_usec) : 0;
  return {
    target,
    // Older controllers passed the action as the task; 2.1 and 3.0 pass `st_notify_fence` and say it in the description.
    action: action === '(unknown)' && alert.task && fenceActions.has(alert.task) ? alert.task : action,
    delegate: noDelegate.has(delegate) ? undefined : delegate,
    client: client === '' || client === 'a client' ? undefined : client,
    origin: origin === '' || origin === 'a node' ? undefined : origin,
    ok: rc !== undefined ? rc === 0 : status === 'OK',
    status,
    reason,
    reference: reference === undefined || reference === '(none)' ? undefined : reference,
    rc,
    at: epoch === undefined ? undefined : epoch * 1000 + Math.floor(usec / 1000),
    version: alert.version,
  };
}
