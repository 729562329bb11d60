import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { installFile, type InstallResult, type Runner } from '@ha/core';
import { ConfigRejectedError } from './errors.js';
import type { CorosyncDocument } from './parse/cst.js';
import { serialize } from './print/serialize.js';
import { checkWithCorosync, localIdentity, namesHost } from './validate/corosync-check.js';
import { checkConfig } from './validate/rules.js';

/** How `writeConfig` checks and installs. */
export interface WriteConfigOptions {
  /** Runs `hostname`, `ip` and `corosync -t` (a lab node's runner checks there). Default: this host. */
  runner?: Runner;
  /** Also run the real `corosync -t` when the file belongs to this host. Default true. */
  realCheck?: boolean;
  /** Default `PATH.bak`; `false` keeps none. */
  backupPath?: string | false;
}

/**
 * Writes a corosync.conf atomically (temp file, fsync, rename) after checking
 * it: any error finding of our own validation or of the real `corosync -t`
 * refuses the write with a `ConfigRejectedError` (carrying the findings) and
 * leaves the current file as it was. The file keeps its mode, owner and group;
 * a new file gets 0644, as pcs writes it.
 */
export async function writeConfig(path: string, input: CorosyncDocument | string, options: WriteConfigOptions = {}): Promise<InstallResult> {
  const text = typeof input === 'string' ? input : serialize(input);
  // installFile keeps an existing file's attributes; only a new one is given a mode (else the umask would pick it).
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  return installFile(path, text, {
    ...(exists ? {} : { mode: 0o644 }),
    backupPath: options.backupPath ?? `${path}.bak`,
    validate: async () => {
      const check = checkConfig(text, { file: path });
      const findings = check.findings.filter((finding) => finding.severity === 'error');
      if (options.realCheck !== false && findings.length === 0 && namesHost(check.nodeNames, check.nodeAddresses, await localIdentity(options.runner))) {
        // Checked beside the target: a folder the runner (a lab node, say) sees too.
        const real = await checkWithCorosync(text, { file: path, tempDirectory: dirname(path), ...(options.runner ? { runner: options.runner } : {}) });
        findings.push(...real.filter((finding) => finding.severity === 'error'));
      }
      if (findings.length > 0) throw new ConfigRejectedError(path, findings);
    },
  });
}
