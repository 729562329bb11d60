import {
  defaultRunner,
  defineCliCommand,
  escapeForMessage,
  jsonArg,
  maxBytesArg,
  parseMaxBytes,
  printJson,
  type CliCommand,
} from '@ha/core';
import {
  runVerify,
  type RunVerifyOptions,
  type VerifyFinding,
  type VerifyReport,
  type VerifySource,
} from './verify.js';

/** What `ha-pcs verify` calls to verify a CIB: `runVerify` on this machine by default, a stand-in in tests. */
export type VerifyFunction = (source: VerifySource, options: RunVerifyOptions) => Promise<VerifyReport>;

function findingLine(finding: VerifyFinding): string {
  const ids = finding.ids.length > 0 ? ` [${finding.ids.join(', ')}]` : '';
  const times = finding.count > 1 ? ` ×${finding.count}` : '';
  // The message and ids come from the CIB: never a raw control byte on the terminal.
  return escapeForMessage(`${finding.severity}: ${finding.message}${ids}${times}`, 4000);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function verdictLine(what: string, report: VerifyReport): string {
  const warnings = report.warnings > 0 ? plural(report.warnings, 'warning') : '';
  if (report.valid) return `${what}: valid${warnings ? ` (${warnings})` : ''}`;
  return `${what}: invalid (${[plural(report.errors, 'error'), warnings].filter(Boolean).join(', ')})`;
}

/**
 * `ha-pcs verify [--cib-file PATH] [--json]`: the real crm_verify on the live
 * CIB or a saved one, one line a finding (`error: message [ids] ×N`) and a
 * verdict line. Exit 0 valid (warnings allowed), 1 invalid, 2 when it could not
 * verify (not a CIB, no cluster, no crm_verify). `verify` does the work.
 */
export function createVerifyCommand(
  verify: VerifyFunction = (source, options) => runVerify(defaultRunner, source, options),
): CliCommand<any> {
  return defineCliCommand({
    meta: {
      name: 'verify',
      description:
        "Check the CIB with Pacemaker's crm_verify: its errors and warnings, the ids they name. Exit 0 valid, 1 invalid, 2 error",
    },
    args: {
      cibFile: {
        type: 'string',
        valueHint: 'PATH',
        description: 'Verify a saved CIB (cibadmin --query > cib.xml) instead of the live one',
      },
      ...maxBytesArg,
      ...jsonArg,
    },
    async run({ args, io }) {
      const source: VerifySource =
        args.cibFile === undefined ? { kind: 'live' } : { kind: 'cib-file', path: args.cibFile };
      const report = await verify(source, { maxBytes: parseMaxBytes(args.maxBytes) });
      if (args.json) printJson(io, report);
      else {
        for (const finding of report.findings) io.stdout(`${findingLine(finding)}\n`);
        io.stdout(
          `${verdictLine(args.cibFile === undefined ? 'the live CIB' : escapeForMessage(args.cibFile), report)}\n`,
        );
      }
      return report.valid ? 0 : 1;
    },
  });
}

/** `ha-pcs verify [--cib-file PATH] [--max-bytes N] [--json]` on this machine. */
export const verifyCommand = createVerifyCommand();
