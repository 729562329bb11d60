import { escapeForMessage, HaError, ValidationError, type HaErrorOptions, type ValidationIssue } from '@ha/core';
import type { AgentParameterFinding } from './check.js';

/**
 * A resource agent that does not exist where the runner runs (crm_resource
 * has no metadata for it), or a bare type (`Dummy`) that several OCF
 * providers supply. Refused before pcs runs; the message names the closest
 * installed agent when one is close.
 *
 * @example
 * // await client.createResource({ id: 'ip', agent: 'ocf:heartbeat:IPadr2', options: { ip: '10.0.0.1' } })
 * // → AgentNotFoundError "no resource agent 'ocf:heartbeat:IPadr2' (did you mean 'ocf:heartbeat:IPaddr2'?)"
 */
export class AgentNotFoundError extends HaError {
  /** The agent as the caller named it. */
  readonly agent: string;
  /** `unknown`: no such agent; `ambiguous`: a bare type several providers supply (name one of `candidates`). */
  readonly problem: 'unknown' | 'ambiguous';
  /** The closest installed agent's full name, when one is close (`unknown` only). */
  readonly suggestion: string | undefined;
  /** The full names it could mean (`ambiguous` only), in the tool's order. */
  readonly candidates: string[];

  constructor(
    agent: string,
    detail: { problem: 'unknown' | 'ambiguous'; suggestion?: string | undefined; candidates?: readonly string[] },
    options: HaErrorOptions = {},
  ) {
    const name = `'${escapeForMessage(agent)}'`;
    const candidates = [...(detail.candidates ?? [])];
    const message =
      detail.problem === 'ambiguous'
        ? `resource agent ${name} is supplied by several providers: name one of ${candidates.join(', ')}`
        : `no resource agent ${name}${detail.suggestion ? ` (did you mean '${detail.suggestion}'?)` : ''}`;
    super('NOT_FOUND', message, options);
    this.agent = agent;
    this.problem = detail.problem;
    this.suggestion = detail.suggestion;
    this.candidates = candidates;
  }
}

/**
 * A resource's parameters do not fit its agent's metadata: the findings of
 * `checkAgentParameters` with at least one error (an unknown parameter, a
 * required one missing, a value of the wrong type). Thrown before pcs runs;
 * `findings` holds every finding, warnings too, and `issues` the errors
 * (path split into keys and indexes), as every `ValidationError` has.
 *
 * @example
 * // AgentParameterError "resources[0].params.ipp: agent ocf:heartbeat:IPaddr2 has no parameter 'ipp' (did you mean 'ip'?) …"
 */
export class AgentParameterError extends ValidationError {
  /** The agent the parameters were checked against (`ocf:heartbeat:IPaddr2`). */
  readonly agent: string;
  /** Every finding, in the check's order: errors and warnings. */
  readonly findings: AgentParameterFinding[];

  constructor(agent: string, findings: readonly AgentParameterFinding[], options: HaErrorOptions = {}) {
    const errors = findings.filter((finding) => finding.severity === 'error');
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    const message = first ? `${first.path}: ${first.message}${more}` : `the parameters of ${agent} have no error`;
    super(`parameters of ${agent}`, errors.map(issueOf), { ...options, message });
    this.agent = agent;
    this.findings = [...findings];
  }
}

function issueOf(finding: AgentParameterFinding): ValidationIssue {
  return { path: pathKeys(finding.path), code: finding.code, message: finding.message };
}

/** A field's path as people read it, split into keys: `resources[2].params.ip` → ['resources', 2, 'params', 'ip']. */
export function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    keys.push(part[2] !== undefined ? Number(part[2]) : (part[1] ?? ''));
  return keys;
}
