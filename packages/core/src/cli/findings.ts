import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostic } from '../diagnostics/diagnostic.js';
import { foldDiagnostics } from '../diagnostics/fold.js';
import type { CliIo } from './cli.js';

/**
 * What every `validate` command prints and returns: one `FILE:LINE:COL:
 * severity CODE: message` line a finding (or JSON: `header` and the
 * findings), and exit code 1 when a finding is an error (with `strict`, a
 * warning too), else 0. Repeated findings of one code are folded ("and N
 * more like it"), so no input prints more than a few lines per kind of finding.
 */
export function reportFindings(
  io: CliIo,
  findings: readonly Diagnostic[],
  options: { json?: boolean | undefined; strict?: boolean | undefined; header?: Record<string, unknown> } = {},
): number {
  const shown = foldDiagnostics(findings);
  if (options.json) io.stdout(`${JSON.stringify({ ...options.header, findings: shown }, null, 2)}\n`);
  else for (const finding of shown) io.stdout(`${formatDiagnostic(finding)}\n`);
  return findings.some(
    (finding) => finding.severity === 'error' || (options.strict === true && finding.severity === 'warning'),
  )
    ? 1
    : 0;
}
