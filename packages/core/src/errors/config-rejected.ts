import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatPosition, HaError, type HaErrorOptions } from './ha-error.js';

/**
 * Where a write or install of a config was refused. `stale`: the file changed
 * since it was read; `lock`: another writer held it too long; `validate`: our
 * own parser or rules found errors; `check`: the real tool (`corosync -t`,
 * `haproxy -c`, `drbdadm dump`) refused it; `activate`, `reload`, `confirm`: the
 * new file was in place but the daemon did not take it (then it was put back).
 */
export type ConfigStage = 'stale' | 'lock' | 'validate' | 'check' | 'activate' | 'reload' | 'confirm';

/**
 * A config change was refused, and the file is as it was before the call: the
 * findings that refused it are kept, so a caller can show every one with its
 * position, not only the message's first.
 *
 * @example
 * try {
 *   await writeConfig(path, document);
 * } catch (error) {
 *   if (!(error instanceof ConfigRejectedError)) throw error;
 *   for (const finding of error.findings) console.error(formatDiagnostic(finding));
 * }
 */
export class ConfigRejectedError<Code extends string = string> extends HaError {
  /** The file that was not changed. */
  readonly path: string;
  /** The step that refused the change. */
  readonly stage: ConfigStage;
  /** The error findings that refused it, in file order (folded past 10 of one code); empty for `stale` and `lock`. */
  readonly findings: Diagnostic<Code>[];
  /** True when the new file had been put in place and the previous one was put back; false when the file was never touched. */
  readonly rolledBack: boolean;
  /** What refused it, in words, when there are no findings (a stale read, a held lock, the daemon's answer). */
  readonly detail: string | undefined;

  constructor(
    path: string,
    stage: ConfigStage,
    findings: Diagnostic<Code>[],
    options: HaErrorOptions & { rolledBack?: boolean; detail?: string } = {},
  ) {
    super('CONFIG_REJECTED', rejectionMessage(path, stage, findings, options), options);
    this.path = path;
    this.stage = stage;
    this.findings = findings;
    this.rolledBack = options.rolledBack ?? false;
    this.detail = options.detail;
  }

  /** The same refusal, now that the file it had replaced was put back. */
  withRollback(): ConfigRejectedError<Code> {
    return new ConfigRejectedError(this.path, this.stage, this.findings, {
      rolledBack: true,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      cause: this.cause,
    });
  }
}

function rejectionMessage(
  path: string,
  stage: ConfigStage,
  findings: readonly Diagnostic[],
  options: { rolledBack?: boolean; detail?: string },
): string {
  const first = findings[0];
  // A folded finding stands for `folded` others and is not one itself.
  const more = findings.reduce((count, finding) => count + (finding.folded ?? 1), 0) - 1;
  const outcome = options.rolledBack ? 'previous file restored' : 'not written';
  const extra = more > 0 ? `; ${more.toLocaleString('en-US')} more finding${more === 1 ? '' : 's'}` : '';
  // FILE:LINE:COL first, as every finding is printed; and say what became of the file.
  const head = first
    ? `${formatPosition({ ...first, file: first.file ?? path })}: ${first.message}`
    : `${path}: ${options.detail ?? `refused at the ${stage} step`}`;
  return `${head} (${outcome}${extra})`;
}
