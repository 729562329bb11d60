import { formatDiagnostic, HaError, installFile, type InstallResult, type Runner } from '@ha/core';
import { safeParse, serialize, type DrbdDocument } from './parse/cst.js';
import { checkFileWithDrbdadm } from './validate/drbdadm-check.js';

/** Options of `writeDrbdConfig`. */
export interface WriteDrbdOptions {
  /** Check the new file with the real `drbdadm -c FILE dump` first (default true). */
  check?: boolean;
  /** Runs drbdadm for the check (default: core's `defaultRunner`). */
  runner?: Runner;
  /** SHA-256 of the content the change was based on: a stale read is refused. */
  expectedSha256?: string | null;
  /** Where the previous file goes (default `PATH.bak`); `false` keeps none. */
  backupPath?: string | false;
}

/**
 * Writes a resource file atomically: under a lock, a candidate beside it,
 * fsynced, checked by our parser and the real drbdadm, the old file backed up, renamed into place.
 */
export async function writeDrbdConfig(path: string, content: DrbdDocument | string, options: WriteDrbdOptions = {}): Promise<InstallResult> {
  const text = typeof content === 'string' ? content : serialize(content);
  // Our parser first: drbdadm silently accepts a file whose last '}' is missing.
  const syntax = safeParse(text, { file: path }).diagnostics.find((finding) => finding.severity === 'error');
  if (syntax) throw new HaError('VALIDATION_ERROR', `refusing to write ${path}: ${formatDiagnostic(syntax)}`);
  return installFile(path, text, {
    lock: true,
    ...(options.expectedSha256 === undefined ? {} : { expectedSha256: options.expectedSha256 }),
    ...(options.backupPath === undefined ? {} : { backupPath: options.backupPath }),
    validate: async (candidate) => {
      if (options.check === false) return;
      const result = await checkFileWithDrbdadm(candidate, options.runner ? { runner: options.runner } : {});
      if (!result.valid) {
        const first = result.findings[0];
        throw new HaError('VALIDATION_ERROR', `${path}: drbdadm refused the new file${first ? `: ${first.message.replace(/^drbdadm: /, '')} (line ${first.line})` : ''}`);
      }
    },
  });
}
