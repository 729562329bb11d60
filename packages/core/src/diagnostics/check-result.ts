import type { Diagnostic } from './diagnostic.js';

/**
 * What a real tool said of a config (`corosync -t`, `haproxy -c`, `drbdadm
 * dump`): one shape for every `checkWith<Tool>`.
 */
export interface CheckResult<Code extends string = string> {
  /** True when the tool accepted the config (it may still have warned). */
  valid: boolean;
  /** The tool's errors and warnings, each placed in the file when the tool named a line. */
  findings: Diagnostic<Code>[];
  /** The tool's own output (stdout and stderr), as it printed it. */
  output: string;
}
