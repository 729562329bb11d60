import { stat } from 'node:fs/promises';
import { ConfigRejectedError, defaultRunner, installFile, type ConfigWriteOptions, type InstallResult } from '@ha/core';
import type { CorosyncDiagnostic } from '../codes.js';
import type { CorosyncDocument } from '../parse/cst.js';
import { runCorosyncCheck, localIdentity, namesHost } from '../validate/corosync-check.js';
import { checkConfig } from '../validate/rules.js';

/**
 * How `writeConfig` checks and installs: core's `ConfigWriteOptions`. `check`
 * runs the real `corosync -t` only when the file belongs to this host (the
 * runner's host): corosync judges a file by the node it runs on.
 */
export type WriteConfigOptions = ConfigWriteOptions;

/**
 * Writes a corosync.conf atomically (temp file, fsync, rename) after checking
 * it, holding `PATH.lock` throughout. Any error finding of our own validation
 * refuses the write with a `ConfigRejectedError` of stage `validate`; with
 * `check` (the default) and a file that names this host, `corosync -t` is run
 * on the candidate, and its errors refuse it with stage `check`. A write based
 * on a stale read (`expectedSha256`) is refused with stage `stale`. Refused, the
 * current file is left as it was. The file keeps its mode, owner and group; a
 * new file gets 0644, as pcs writes it. The previous file goes to `PATH.bak`.
 *
 * @example
 * const read = await readConfig(path);
 * addNode(read.document, { name: 'node3', addresses: ['10.0.0.3'] });
 * await writeConfig(path, read.document, { expectedSha256: read.sha256 });
 */
export async function writeConfig(
  path: string,
  input: CorosyncDocument | string,
  options: WriteConfigOptions = {},
): Promise<InstallResult> {
  // Defaulted once, here (an option given as undefined takes its default too).
  const check = options.check ?? true;
  const runner = options.runner ?? defaultRunner;
  const ours = checkConfig(input, { file: path });
  const errors = onlyErrors(ours.findings);
  if (errors.length > 0) throw new ConfigRejectedError(path, 'validate', errors);
  // installFile keeps an existing file's attributes; only a new one is given a mode (else the umask would pick it).
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  return installFile(path, ours.text, {
    mode: exists ? undefined : 0o644,
    backupPath: options.backupPath ?? `${path}.bak`,
    expectedSha256: options.expectedSha256,
    lock: options.lock ?? true,
    validate: async (candidate) => {
      if (!check || !namesHost(ours.nodeNames, ours.nodeAddresses, await localIdentity(runner))) return;
      // The candidate sits beside the target: a folder the runner (a lab node, say) sees too.
      const real = await runCorosyncCheck(candidate, ours.text, { runner, file: path });
      if (!real.valid)
        throw new ConfigRejectedError(path, 'check', onlyErrors(real.findings), {
          detail: 'corosync -t refused the file',
        });
    },
  });
}

function onlyErrors(findings: readonly CorosyncDiagnostic[]): CorosyncDiagnostic[] {
  return findings.filter((finding) => finding.severity === 'error');
}
