import { formatPosition, ValidationError } from '@ha/core';
import type { CorosyncDiagnostic } from './codes.js';

/**
 * `writeConfig` refused to write: the new content has error findings (ours or
 * `corosync -t`'s), and the file was left as it was. The findings are kept, so
 * a caller can show every one with its position, not only the message's first.
 *
 * @example
 * try {
 *   await writeConfig(path, document);
 * } catch (error) {
 *   if (!(error instanceof ConfigRejectedError)) throw error;
 *   for (const finding of error.findings) console.error(formatDiagnostic(finding));
 * }
 */
export class ConfigRejectedError extends ValidationError {
  /** The file that was not written. */
  readonly path: string;
  /** The error findings that refused it, in file order; folded past 10 of one code ("and N more like it"). */
  readonly findings: CorosyncDiagnostic[];

  constructor(path: string, findings: CorosyncDiagnostic[]) {
    super(
      path,
      findings.map((finding) => ({ path: [finding.line, finding.column], code: finding.code, message: finding.message })),
    );
    this.path = path;
    this.findings = findings;
    const first = findings[0];
    // A folded finding stands for `folded` others and is not one itself.
    const more = findings.reduce((count, finding) => count + (finding.folded ?? 1), 0) - 1;
    // FILE:LINE:COL first, as every finding is printed; and say that nothing was written.
    this.message = `${first ? `${formatPosition(first)}: ${first.message}` : path} (not written${more > 0 ? `; ${more.toLocaleString('en-US')} more finding${more === 1 ? '' : 's'}` : ''})`;
  }
}
