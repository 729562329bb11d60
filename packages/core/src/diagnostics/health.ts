/** One reason a thing is not healthy: a code from the package's closed union, and words. */
export interface HealthReason<Code extends string = string> {
  /** What kind of problem. */
  code: Code;
  /** One sentence for humans ("node node2 is offline"). */
  message: string;
  /** What it is about (a node, resource, link or server name), when it is about one thing. */
  subject?: string | undefined;
}

/** The one health shape of every ha-toolkit package: a verdict, the worst state, and why. */
export interface Health<State extends string = string, Code extends string = string> {
  /** Nothing is wrong: `reasons` is empty and `state` is the best one. */
  healthy: boolean;
  /** The worst state any reason puts it in (the best state when healthy). */
  state: State;
  /** Every reason, in the order found; empty when healthy. */
  reasons: HealthReason<Code>[];
}

/**
 * Builds a `Health` from findings, each naming the state it puts the thing in.
 * `states` lists every state from best (healthy) to worst; the verdict's state is
 * the worst found.
 */
export function evaluateHealthFindings<State extends string, Code extends string>(
  states: readonly [State, ...State[]],
  findings: readonly (HealthReason<Code> & { state: State })[],
): Health<State, Code> {
  let worst = 0;
  for (const finding of findings) worst = Math.max(worst, states.indexOf(finding.state));
  return {
    healthy: findings.length === 0,
    state: states[worst] as State,
    reasons: findings.map(({ code, message, subject }) =>
      subject === undefined ? { code, message } : { code, message, subject },
    ),
  };
}
