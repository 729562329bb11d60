import { safeParseInteger } from '@ha/core';
import { pacemakerUnavailable, PacemakerToolError, pcsParseError, type PacemakerToolReport } from '../errors.js';
import { childNamed, childrenNamed, type XmlElement } from './tree.js';

// CRM_EX_DISCONNECT: the tool could not reach the cluster at all.
const notConnected = 102;

/**
 * The `<status>` a Pacemaker tool writes in its `<pacemaker-result>` (crm_mon,
 * crm_resource, stonith_admin … with `--output-as=xml`); `undefined` for any
 * other document.
 */
export function parseToolReport(root: XmlElement, file: string | undefined): PacemakerToolReport | undefined {
  if (root.name !== 'pacemaker-result') return undefined;
  const status = childNamed(root, 'status');
  const request = root.attributes.request?.trim() || undefined;
  // `request` echoes the command line: its first word is the tool, maybe with a path.
  const tool = request?.split(/\s+/)[0]?.split('/').at(-1);
  const written = status?.attributes.code ?? '0';
  const statusCode = safeParseInteger(written, { min: 0 });
  if (statusCode === undefined) {
    throw pcsParseError('BAD_STATUS_CODE', `<status code="${written}"> is not a number`, {
      file,
      line: status?.line ?? root.line,
      column: status?.column ?? root.column,
    });
  }
  return {
    tool,
    request,
    statusCode,
    statusMessage: status?.attributes.message ?? '',
    errors: childrenNamed(childNamed(status, 'errors'), 'error').map((error) => error.text ?? ''),
  };
}

/**
 * Throws when a Pacemaker tool's XML says it failed: `ServiceUnavailableError`
 * (`pacemaker`) when it could not connect (status 102), otherwise `PacemakerToolError` for a
 * non-zero status or any `<error>` (crm_mon reports a missing CIB file with
 * status 0 and an error). Returns the report of a tool that succeeded;
 * other documents pass (`undefined`).
 */
export function assertToolSucceeded(
  root: XmlElement,
  where: string,
  options: { file?: string | undefined; cause?: unknown } = {},
): PacemakerToolReport | undefined {
  const report = parseToolReport(root, options.file);
  if (!report || (report.statusCode === 0 && report.errors.length === 0)) return report;
  if (report.statusCode === notConnected)
    throw pacemakerUnavailable(report.statusCode, report.statusMessage || 'not connected', report.errors, {
      cause: options.cause,
    });
  throw new PacemakerToolError(where, report, { cause: options.cause });
}
