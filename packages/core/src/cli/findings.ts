import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../diagnostics/diagnostic.js';
import type { CliIo } from './cli.js';

/**
 * What every `validate` command prints and returns: one `FILE:LINE:COL:
 * severity CODE: message` line a finding (or JSON: `header` and the
 * findings), and exit code 1 when a finding is an error (with `strict`, a
 * warning too), else 0.
 */
export function reportFindings(io: CliIo, findings: readonly Diagnostic[], options: { json?: boolean | undefined; strict?: boolean | undefined; header?: Record<string, unknown> } = {}): number {
  if (options.json) io.stdout(`${JSON.stringify({ ...options.header, findings }, null, 2)}\n`);
  else for (const finding of findings) io.stdout(`${formatDiagnostic(finding)}\n`);
  return findings.some((finding) => finding.severity === 'error' || (options.strict === true && finding.severity === 'warning')) ? 1 : 0;
}
