import { escapeForMessage, HaError, type HaErrorOptions } from '@ha/core';
import type { FenceEvent } from '../status/model.js';

/** What a fencing request named that does not exist. */
export type FencingSubjectKind = 'node' | 'device' | 'agent' | 'level';

/**
 * A fencing request named a node, fence device, agent or level that does not
 * exist: refused before pcs or stonith_admin ran. The message names it and
 * what there is instead.
 *
 * @example
 * // await client.updateFenceDevice('lab-fense', { pcmk_delay_max: '5s' })
 * // → FencingNotFoundError "no fence device 'lab-fense' (there is lab-fence)" { kind: 'device', subject: 'lab-fense' }
 */
export class FencingNotFoundError extends HaError {
  /** What kind of thing is missing. */
  readonly kind: FencingSubjectKind;
  /** Its name, as the caller gave it. */
  readonly subject: string;
  /** What exists instead (node names, device ids …), in the cluster's order; empty for an agent (the list is long). */
  readonly known: string[];

  constructor(kind: FencingSubjectKind, subject: string, known: readonly string[], options: HaErrorOptions = {}) {
    const there =
      kind === 'agent'
        ? ' installed (stonith_admin --list-installed lists them)'
        : known.length === 0
          ? ' (there is none)'
          : ` (there ${known.length === 1 ? 'is' : 'are'} ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''})`;
    super('NOT_FOUND', `no ${subjectWords[kind]} '${escapeForMessage(subject)}'${there}`, options);
    this.kind = kind;
    this.subject = subject;
    this.known = [...known];
  }
}

const subjectWords: Record<FencingSubjectKind, string> = {
  node: 'node',
  device: 'fence device',
  agent: 'fence agent',
  level: 'fencing level',
};

/**
 * A fence device's options do not fit its agent: an option the agent's
 * metadata (and the fencer's own `pcmk_*` options) do not list, or a
 * required one missing. Refused before pcs ran.
 */
export class FenceOptionError extends HaError {
  /** The agent whose metadata was checked. */
  readonly agent: string;
  /** The options at fault: unknown ones, or missing required ones. */
  readonly options: string[];
  /** `unknown`: not a parameter of the agent; `missing`: required and not given. */
  readonly problem: 'unknown' | 'missing';
  /** The parameters the agent takes (its own, then the fencer's), to choose from. */
  readonly allowed: string[];
  /** For an unknown option: the closest allowed name (`ipaddr` for `ipadr`), when one is close. */
  readonly suggestion: string | undefined;

  constructor(spec: {
    agent: string;
    options: readonly string[];
    problem: 'unknown' | 'missing';
    allowed: readonly string[];
    suggestion?: string | undefined;
  }) {
    const names = spec.options.map((option) => `'${escapeForMessage(option)}'`).join(', ');
    const message =
      spec.problem === 'unknown'
        ? `fence agent ${spec.agent} has no option ${names}` +
          `${spec.suggestion ? ` (did you mean '${spec.suggestion}'?)` : ''}; its options are: ${spec.allowed.join(', ')}`
        : `fence agent ${spec.agent} needs option${spec.options.length > 1 ? 's' : ''} ${names}`;
    super('VALIDATION_ERROR', message);
    this.agent = spec.agent;
    this.options = [...spec.options];
    this.problem = spec.problem;
    this.allowed = [...spec.allowed];
    this.suggestion = spec.suggestion;
  }
}

/**
 * Fencing a node failed: the fencer reported the action failed (or it did
 * not finish in time). `event` is the history entry Pacemaker recorded for
 * it, when there is one; `exitReason` says why.
 */
export class FencingFailedError extends HaError {
  /** The node that was to be fenced. */
  readonly target: string;
  /** `reboot`, `off` or `on`. */
  readonly action: string;
  /** The fencer's history entry of the failed action, when it recorded one. */
  readonly event: FenceEvent | undefined;
  /** Why, from the history entry or stonith_admin's own words. */
  readonly exitReason: string | undefined;

  constructor(
    spec: { target: string; action: string; event?: FenceEvent | undefined; exitReason?: string | undefined },
    options: HaErrorOptions = {},
  ) {
    const why = spec.exitReason ?? spec.event?.exitReason;
    super(
      'COMMAND_FAILED',
      `fencing (${spec.action}) of ${spec.target} failed${why ? `: ${escapeForMessage(why)}` : ''}`,
      options,
    );
    this.target = spec.target;
    this.action = spec.action;
    this.event = spec.event;
    this.exitReason = why;
  }
}
