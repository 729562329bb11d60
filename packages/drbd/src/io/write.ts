import { ConfigRejectedError, defaultRunner, installFile, type ConfigWriteOptions, type InstallResult } from '@ha/core';
import type { DrbdCode } from '../codes.js';
import type { DrbdDocument } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { aboutFile, checkFileWithDrbdadm } from '../validate/drbdadm-check.js';
import { validate } from '../validate/rules.js';

/** Options of `writeConfig`: core's `ConfigWriteOptions` (`check` runs `drbdadm -c FILE dump`), and drbdadm's environment. */
export interface WriteConfigOptions extends ConfigWriteOptions {
  /** More environment for the drbdadm check, e.g. `{ __DRBD_NODE__: 'node1' }` to check as that host. */
  env?: Record<string, string> | undefined;
}

/**
 * Writes a resource file atomically: our parser and rules first (drbdadm
 * silently accepts a file whose last `}` is missing), then, under a lock
 * (`PATH.lock`) and unless the file changed since it was read
 * (`expectedSha256`), a candidate beside it, fsynced, checked by the real
 * `drbdadm -c FILE dump` (`check`, default true), the old file backed up
 * (`PATH.bak`), renamed into place. A refusal is a `ConfigRejectedError` with
 * every error finding: stage `validate` (ours), `check` (drbdadm's), `stale`
 * or `lock`; the file is then as it was.
 *
 * ```ts
 * const { text, sha256, document } = await readConfig(path);
 * setResourceOption(document, 'drbd0', 'net', 'protocol', ['C']);
 * await writeConfig(path, document, { expectedSha256: sha256 });
 * ```
 */
export async function writeConfig(
  path: string,
  content: DrbdDocument | string,
  options: WriteConfigOptions = {},
): Promise<InstallResult> {
  const { check = true, runner = defaultRunner, expectedSha256, backupPath, lock = true, env } = options;
  const text = typeof content === 'string' ? content : serialize(content);
  const refusals = validate(text, { file: path }).filter((finding) => finding.severity === 'error');
  if (refusals.length > 0) throw new ConfigRejectedError<DrbdCode>(path, 'validate', refusals);
  return installFile(path, text, {
    lock,
    expectedSha256,
    backupPath,
    validate: check
      ? async (candidate) => {
          const result = await checkFileWithDrbdadm(candidate, { runner, env });
          if (result.valid) return;
          // drbdadm read the candidate beside the file: its findings are about the file.
          const findings = aboutFile(result.findings, candidate, path, text);
          const detail =
            findings.length === 0
              ? `drbdadm refused it: ${result.output.split(candidate).join(path).trim()}`
              : undefined;
          throw new ConfigRejectedError<DrbdCode>(path, 'check', findings, { detail });
        }
      : undefined,
  });
}
