import { dirname } from 'node:path';
import { HaError, installFile, type InstallResult, type Runner } from '@ha/core';
import { toConfig } from './model/config.js';
import { safeParse, type CorosyncDocument } from './parse/cst.js';
import { serialize } from './print/serialize.js';
import { belongsToHost, checkWithCorosync, localIdentity } from './validate/corosync-check.js';
import { validate } from './validate/rules.js';

/** How `writeConfig` checks and installs. */
export interface WriteConfigOptions {
  runner?: Runner;
  /** Also run the real `corosync -t` when the file belongs to this host. Default true. */
  realCheck?: boolean;
  /** Default `PATH.bak`; `false` keeps none. */
  backupPath?: string | false;
}

/**
 * Writes a corosync.conf atomically (temp file, fsync, rename) after checking
 * it: any error finding of our own validation or of the real `corosync -t`
 * refuses the write and leaves the current file as it was.
 */
export async function writeConfig(path: string, input: CorosyncDocument | string, options: WriteConfigOptions = {}): Promise<InstallResult> {
  const text = typeof input === 'string' ? input : serialize(input);
  return installFile(path, text, {
    mode: 0o644,
    backupPath: options.backupPath ?? `${path}.bak`,
    validate: async () => {
      const findings = validate(text, { file: path }).filter((finding) => finding.severity === 'error');
      if (options.realCheck !== false && findings.length === 0) {
        const config = toConfig(safeParse(text));
        if (belongsToHost(config, await localIdentity(options.runner))) {
          // Checked beside the target: a folder the runner (a lab node, say) sees too.
          findings.push(...(await checkWithCorosync(text, { file: path, tempDirectory: dirname(path), ...(options.runner ? { runner: options.runner } : {}) })).filter((finding) => finding.severity === 'error'));
        }
      }
      const first = findings[0];
      if (first) {
        throw new HaError('VALIDATION_ERROR', `${path}: not written: ${first.line}:${first.column}: ${first.message}${findings.length > 1 ? ` (and ${findings.length - 1} more)` : ''}`);
      }
    },
  });
}
