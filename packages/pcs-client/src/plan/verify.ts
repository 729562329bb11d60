import { assertInputSize, CommandError, HaError, type Runner } from '@ha/core';
import type { CibSource } from './model.js';
import { z } from 'zod';
import { pacemakerUnavailable, PacemakerToolError, pcsParseError, type PacemakerToolReport } from '../errors.js';
import { parseToolReport } from '../xml/pacemaker-result.js';
import { parseXmlTree, type XmlElement } from '../xml/tree.js';

/**
 * `crm_verify` as typed findings. Both generations are read: Pacemaker 2.1
 * writes every finding to stderr only (log lines `(function) \terror: …`, and
 * libxml2's `…: element X: [Relax-NG ]validity error : …`), its XML holding
 * just the status; Pacemaker 3.0 puts the configuration's errors and warnings
 * in the XML's `<errors>` (schema ones without a prefix) and only log warnings
 * on stderr. The same CIB gives the same findings on both (fixtures of
 * test/fixtures/crm_verify/).
 */

/**
 * Which CIB crm_verify checks: the live cluster's (`crm_verify --live-check`
 * on the runner's node), a saved CIB file, or a CIB held as text. A file is
 * read here and sent on stdin like a text, so what was checked to be a CIB is
 * what crm_verify verifies, wherever the runner runs it.
 *
 * @example { kind: 'cib-file', path: '/var/lib/pacemaker/cib/cib.xml' }
 */
export type VerifySource = CibSource;

/** One thing crm_verify said about the CIB, said once or more. */
export const verifyFindingSchema = z.object({
  /** `error`: the CIB is invalid (crm_verify exits 78); `warning`: it is used, but something is deprecated, ignored or failed. */
  severity: z.enum(['error', 'warning']),
  /**
   * What crm_verify said, without its prefixes (log function, `error: `, libxml2's
   * `FILE:LINE: element X: validity error : `), e.g.
   * `IDREF attribute then references an unknown ID "Nope"`.
   */
  message: z.string(),
  /**
   * The ids the message names, in the order it names them: every word in quotes
   * (`'x'` or `"x"`, e.g. `Nope`, also an option's name such as `target-role`) and
   * every word that is an id or node name of the CIB, when the CIB was at hand
   * (a file or a text; not the live CIB). Numbers are never taken for ids.
   */
  ids: z.array(z.string()),
  /** How many times crm_verify said it (2.1 and 3.0 repeat a scheduler message once per pass, up to 4 times). */
  count: z.number().int().positive(),
  /** `schema`: the CIB does not match its schema (`validate-with`), so Pacemaker refuses it; `configuration`: what the scheduler found unpacking it. */
  kind: z.enum(['schema', 'configuration']),
});
/** One finding of crm_verify (see `verifyFindingSchema`). */
export type VerifyFinding = z.infer<typeof verifyFindingSchema>;

/** What crm_verify found in a CIB. */
export const verifyReportSchema = z.object({
  /**
   * No error: Pacemaker uses this CIB as it is. Warnings leave it valid, though
   * crm_verify exits 78 for some (a deprecated `score` on an order, `validate-with="none"` on 3.0).
   */
  valid: z.boolean(),
  /** How many findings are errors (distinct messages; `count` says how often each was said). */
  errors: z.number().int().nonnegative(),
  /** How many findings are warnings (distinct messages). */
  warnings: z.number().int().nonnegative(),
  /** Every distinct message, in the order crm_verify first said it. */
  findings: z.array(verifyFindingSchema),
});
/** What crm_verify found in a CIB (see `verifyReportSchema`). */
export type VerifyReport = z.infer<typeof verifyReportSchema>;

/** What `parseVerifyOutput` reads: a crm_verify run's outcome (the runner's result or `CommandError` fits). */
export interface VerifyOutput {
  /** Its standard output: the `--output-as=xml` document. */
  stdout: string;
  /** Its standard error: 2.1's findings, both generations' log lines. */
  stderr: string;
  /** Its exit status: 0 valid, 78 invalid (or warnings), other codes a failure (1, 66, 76, 102 …). */
  exitCode: number;
}

/** Options of `parseVerifyOutput`. */
export interface ParseVerifyOptions {
  /** What was verified, for messages: a file's path, `CIB XML`, `live CIB` (default `the CIB`). */
  file?: string | undefined;
  /** The CIB's ids and node names: words of a message that are one of them go to its `ids`. */
  cibIds?: Iterable<string> | undefined;
  /** The live CIB was verified: crm_verify's "no CIB to read" (66) then means the cluster is not there. */
  live?: boolean | undefined;
  /** The error to keep as `cause` of a thrown one (the runner's `CommandError`, with the whole output). */
  cause?: unknown;
}

/** Options of `runVerify`. */
export interface RunVerifyOptions {
  /** Deadline of the crm_verify run, ms (default 60 s). */
  timeoutMs?: number | undefined;
  /** Refuse a CIB (file or text) larger than this many bytes (`InputTooLargeError`). Default: core's 16 MiB. */
  maxBytes?: number | undefined;
}

// -VV: 2.1 writes its warnings (a deprecated `score`, a failed operation) only from the second -V on; 3.0 its
// log warnings. Every generation answers in XML, the verdict in <status code>.
const verbosity = ['--output-as=xml', '-VV'] as const;

/**
 * crm_verify's arguments for a source: `--live-check` for the live CIB,
 * `--xml-pipe` (the CIB on stdin) for a file or a text; always XML output and
 * `-VV`, which makes both generations say every error and warning.
 *
 * @example verifyArgs({ kind: 'live' }) // ['--live-check', '--output-as=xml', '-VV']
 */
export function verifyArgs(source: VerifySource): string[] {
  return [source.kind === 'live' ? '--live-check' : '--xml-pipe', ...verbosity];
}

/**
 * Verifies a CIB with the real crm_verify through `runner` and returns its
 * findings. A file or text is checked first, before anything runs: text that
 * is not XML is a `ParseError` (`MALFORMED_XML`, `EMPTY_INPUT`, with file, line
 * and column), XML that is not a CIB a `ParseError` (`NOT_CIB`), a file that
 * cannot be read core's `NOT_FOUND` error; its ids and node names then go to
 * each finding's `ids`. crm_verify's own failures are those of
 * `parseVerifyOutput`; a missing crm_verify is the runner's `ToolNotFoundError`.
 */
export async function runVerify(
  runner: Runner,
  source: VerifySource,
  options: RunVerifyOptions = {},
): Promise<VerifyReport> {
  const cib = source.kind === 'live' ? undefined : await checkedCib(runner, source, options.maxBytes);
  const parseOptions: ParseVerifyOptions = {
    file: cib?.name ?? 'live CIB',
    cibIds: cib?.ids,
    live: source.kind === 'live',
  };
  let output: VerifyOutput;
  try {
    output = await runner.run('crm_verify', verifyArgs(source), {
      timeoutMs: options.timeoutMs ?? 60_000,
      allowExitCodes: [78],
      ...(cib === undefined ? {} : { input: cib.xml }),
    });
  } catch (error) {
    // A failing crm_verify (1, 66, 76, 102) still answers in XML: the parser says what its failure means.
    if (!(error instanceof CommandError) || error.timedOut || error.exitCode === undefined) throw error;
    if (!error.stdout.includes('<pacemaker-result')) throw error;
    return parseVerifyOutput(
      { stdout: error.stdout, stderr: error.stderr, exitCode: error.exitCode },
      { ...parseOptions, cause: error },
    );
  }
  return parseVerifyOutput(output, parseOptions);
}

/** A file's or text's CIB, checked to be one before crm_verify sees it, with its ids. */
async function checkedCib(
  runner: Runner,
  source: Exclude<VerifySource, { kind: 'live' }>,
  maxBytes: number | undefined,
): Promise<{ name: string; xml: string; ids: Set<string> }> {
  const name = source.kind === 'cib-file' ? source.path : 'CIB XML';
  // A file is where the runner runs, as for every source of this package; read raw, since judging it is crm_verify's job.
  const xml = source.kind === 'cib-file' ? await readOnRunner(runner, source.path) : source.xml;
  assertInputSize(xml, name, maxBytes);
  const root = parseXmlTree(xml, { file: name });
  if (root.name !== 'cib') {
    throw pcsParseError(
      'NOT_CIB',
      `not a CIB: the document is <${root.name}>, a CIB is <cib> (save one with cibadmin --query)`,
      { file: name, line: root.line, column: root.column },
    );
  }
  return { name, xml, ids: cibIdsOf(root) };
}

async function readOnRunner(runner: Runner, path: string): Promise<string> {
  try {
    return (await runner.run('cat', ['--', path], { timeoutMs: 60_000 })).stdout;
  } catch (error) {
    if (error instanceof CommandError && error.exitCode !== undefined)
      throw new HaError(
        'NOT_FOUND',
        `${path}: cannot read it (${error.stderr.trim().replace(/^cat: [^:]*: /, '') || error.message})`,
        {
          cause: error,
        },
      );
    throw error;
  }
}

/** Every id of the CIB, and the node names (messages name nodes by uname, not by their numeric id). */
function cibIdsOf(root: XmlElement): Set<string> {
  const ids = new Set<string>();
  const pending = [root];
  for (let element = pending.pop(); element !== undefined; element = pending.pop()) {
    const { id, uname } = element.attributes;
    if (id) ids.add(id);
    if (uname && (element.name === 'node' || element.name === 'node_state')) ids.add(uname);
    pending.push(...element.children);
  }
  return ids;
}

// --- The parser ----------------------------------------------------------------------------------------------

type Severity = VerifyFinding['severity'];
type Kind = VerifyFinding['kind'];

// What one line said (stderr) or one <error> (3.0's XML): a finding, a failure of crm_verify itself, its summary, or nothing.
type Said =
  | { type: 'finding'; severity: Severity; kind: Kind; message: string }
  | { type: 'tool-failure'; message: string }
  | { type: 'input-broken'; message: string }
  | { type: 'summary'; severity: Severity; message: string }
  | { type: 'nothing' };

// The log levels that are findings; notice and info (what more -V adds) are not.
const severities = new Map<string, Severity>([
  ['emerg', 'error'],
  ['alert', 'error'],
  ['crit', 'error'],
  ['critical', 'error'],
  ['error', 'error'],
  ['warning', 'warning'],
]);
// 3.0 says this after any error, of the schema or not; 2.1 after schema errors, which it names first.
const schemaFailed = /^CIB did not pass schema validation$/;
// `/tmp/cib.xml:30: ` (a file), `Entity: line 30: ` (stdin, 2.1) or nothing, then libxml2's element and words.
const validityLine =
  /^(?:\S.*?:\s*(?:line\s+)?\d+:\s*)?element\s+\S+?:\s+(?:Relax-NG\s+)?validity\s+(error|warning)\s*:\s*(.*)$/;
const logLine = /^\([^()\s]*\)\s+([a-z]+):\s?(.*)$/;
// libxml2 could not read the document: a parser error, or no file (I/O).
const xmlReadError = /^XML Error:\s*(?:.*?:\s*)?(?:parser error|I\/O (?:warning|error))\s*:\s*(.*)$/;
// How the parse functions of both generations report a document they could not (fully) read, or echo its parts.
const parseReport = /^(?:Parsing failed \(|Couldn't parse |Partial\s|XML Error:)/;

function saidOnStderr(line: string): Said {
  const validity = validityLine.exec(line);
  if (validity) return finding(validity[1] as Severity, 'schema', validity[2] as string);
  const log = logLine.exec(line);
  if (log) {
    const text = (log[2] as string).trim();
    const read = xmlReadError.exec(text);
    if (read) return { type: 'input-broken', message: (read[1] as string).trim() };
    // 2.1 verifies what it could read of a cut-off document; 2.1 given nothing on stdin says only this.
    if (/^(?:Couldn't fully parse |No XML supplied)/.test(text)) return { type: 'input-broken', message: text };
    if (parseReport.test(text)) return { type: 'nothing' };
    const severity = severities.get(log[1] as string);
    if (severity === undefined) return { type: 'nothing' };
    if (schemaFailed.test(text)) return { type: 'summary', severity, message: text };
    return finding(severity, 'configuration', text);
  }
  const tool = /^crm_verify:\s*(.*)$/.exec(line);
  if (tool) {
    const text = (tool[1] as string).trim();
    if (/^Warnings found during check/.test(text)) return { type: 'summary', severity: 'warning', message: text };
    if (/^Errors found during check/.test(text)) return { type: 'summary', severity: 'error', message: text };
    return { type: 'tool-failure', message: text };
  }
  // Printed as is, by both generations, for validate-with="none".
  if (/^Schema validation of configuration is disabled\b/.test(line)) return finding('warning', 'schema', line);
  // "-V may provide more details", libxml2's echo of a document it could not read.
  return { type: 'nothing' };
}

function saidInXml(text: string): Said {
  if (/^crm_verify:\s*/.test(text)) return { type: 'tool-failure', message: text.replace(/^crm_verify:\s*/, '') };
  if (/^Input is not a CIB\b/.test(text)) return { type: 'tool-failure', message: text };
  if (/^Configuration invalid\b/.test(text))
    return { type: 'summary', severity: /with warnings/.test(text) ? 'warning' : 'error', message: text };
  const prefixed = /^([a-z]+):\s+(.*)$/s.exec(text);
  const severity = prefixed ? severities.get(prefixed[1] as string) : undefined;
  if (prefixed && severity !== undefined) {
    const message = (prefixed[2] as string).trim();
    if (schemaFailed.test(message)) return { type: 'summary', severity, message };
    return finding(severity, 'configuration', message);
  }
  // libxml2's schema messages, as 3.0 passes them on: without prefix.
  return finding('error', 'schema', text);
}

function finding(severity: Severity, kind: Kind, message: string): Said {
  const text = message.trim();
  return text === '' ? { type: 'nothing' } : { type: 'finding', severity, kind, message: text };
}

/**
 * Reads what crm_verify printed (`--output-as=xml -VV`, either generation) as
 * a report: one finding per distinct message, with how often it was said.
 * crm_verify's closing lines ("Errors found during check", "Configuration
 * invalid (with errors)") are not findings; nor is "CIB did not pass schema
 * validation", which 3.0 says after any error, but when it is the only error
 * (2.1 reading a CIB of a newer schema says nothing else), it stays, as a
 * schema error. A run that exited 78 and named nothing gets its closing line as
 * the finding, so the verdict is never lost.
 *
 * Throws, naming what was verified: `ServiceUnavailableError` (`pacemaker`)
 * when the live CIB could not be read (3.0: 102, 2.1: 66); `PacemakerToolError`
 * when crm_verify could not verify the input: not a file, not XML (libxml2's
 * words), not a CIB, or any exit status but 0 and 78; `ParseError` when stdout
 * is not crm_verify's XML.
 *
 * @example
 * parseVerifyOutput(outcome, { file: 'cib.xml' })
 * // → { valid: false, errors: 1, warnings: 0, findings: [{ severity: 'error', kind: 'schema',
 * //     message: 'IDREF attribute then references an unknown ID "Nope"', ids: ['Nope'], count: 1 }] }
 */
export function parseVerifyOutput(output: VerifyOutput, options: ParseVerifyOptions = {}): VerifyReport {
  const verified = options.file ?? 'the CIB';
  const where = `crm_verify (${verified})`;
  const root = parseXmlTree(output.stdout, { file: `${where} output` });
  const report = parseToolReport(root, `${where} output`);
  if (report === undefined) {
    throw pcsParseError('NOT_VERIFY_OUTPUT', `<${root.name}> is not crm_verify's output (<pacemaker-result>)`, {
      file: `${where} output`,
      line: root.line,
      column: root.column,
    });
  }
  const said = [
    ...output.stderr.split('\n').map((line) => saidOnStderr(line.trim())),
    ...report.errors.map((text) => saidInXml(text.trim())),
  ];
  const failures = said.flatMap((entry) => (entry.type === 'tool-failure' ? [entry.message] : []));
  const unreadable = said.flatMap((entry) => (entry.type === 'input-broken' ? [entry.message] : []));

  if (output.exitCode === 102 || report.statusCode === 102 || (options.live === true && output.exitCode === 66)) {
    throw pacemakerUnavailable(
      output.exitCode,
      'crm_verify could not read the live CIB',
      [...report.errors, ...failures, report.statusMessage],
      { cause: options.cause },
    );
  }
  if (unreadable.length > 0 || failures.length > 0 || (output.exitCode !== 0 && output.exitCode !== 78)) {
    const words = failures[0] ?? (unreadable.length > 0 ? 'the input is not well-formed XML' : undefined);
    const detail = unreadable[0] ?? failures[1];
    const first = [words, detail === undefined ? undefined : `(${detail})`].filter(Boolean).join(' ');
    throw new PacemakerToolError(where, toolReport(report, first), { cause: options.cause });
  }

  const findings = collect(said, new Set(options.cibIds ?? []));
  if (output.exitCode === 78 && findings.length === 0) {
    // Nothing named: keep crm_verify's own verdict, in its closing words.
    const summary =
      said.find((entry) => entry.type === 'summary' && entry.severity === 'error') ??
      said.find((entry) => entry.type === 'summary');
    const severity = summary?.type === 'summary' ? summary.severity : 'error';
    const message = summary?.type === 'summary' ? summary.message : report.statusMessage || 'Invalid configuration';
    findings.push({ severity, message, ids: [], count: 1, kind: 'configuration' });
  }
  const errors = findings.filter((entry) => entry.severity === 'error').length;
  return { valid: errors === 0, errors, warnings: findings.length - errors, findings };
}

/** The findings, one per distinct message, with "CIB did not pass schema validation" only when nothing else is an error. */
function collect(said: readonly Said[], cibIds: ReadonlySet<string>): VerifyFinding[] {
  const byMessage = new Map<string, VerifyFinding>();
  let schemaSummary: VerifyFinding | undefined;
  for (const entry of said) {
    if (entry.type === 'summary' && schemaFailed.test(entry.message)) {
      schemaSummary ??= { severity: 'error', message: entry.message, ids: [], count: 0, kind: 'schema' };
      schemaSummary.count++;
    }
    if (entry.type !== 'finding') continue;
    const key = `${entry.severity}\u0000${entry.kind}\u0000${entry.message}`;
    const known = byMessage.get(key);
    if (known) known.count++;
    else
      byMessage.set(key, {
        severity: entry.severity,
        message: entry.message,
        ids: idsIn(entry.message, cibIds),
        count: 1,
        kind: entry.kind,
      });
  }
  const findings = [...byMessage.values()];
  if (schemaSummary && !findings.some((entry) => entry.severity === 'error')) findings.unshift(schemaSummary);
  return findings;
}

/** The ids a message names: its quoted words, and its words that are ids of the CIB; in order, once each. */
function idsIn(message: string, cibIds: ReadonlySet<string>): string[] {
  const named: { at: number; id: string }[] = [];
  // A quote that opens after a letter is an apostrophe (Couldn't): not a quoted word.
  for (const match of message.matchAll(/(?<![\p{L}\p{N}_])(['"])([^'"\s]+)\1(?![\p{L}\p{N}_])/gu))
    named.push({ at: match.index, id: match[2] as string });
  if (cibIds.size > 0) {
    for (const match of message.matchAll(/[\p{L}\p{N}_.-]+/gu)) {
      const word = match[0].replace(/\.+$/, '');
      // Node ids are numbers ("1"), as are rc=1 and line numbers: a number is never taken for an id.
      if (cibIds.has(word) && !/^\d+$/.test(word)) named.push({ at: match.index, id: word });
    }
  }
  named.sort((a, b) => a.at - b.at);
  return [...new Set(named.map((entry) => entry.id))];
}

/** The report a `PacemakerToolError` for crm_verify carries: its status, and the one line that says what failed. */
function toolReport(report: PacemakerToolReport, first: string): PacemakerToolReport {
  return {
    tool: report.tool ?? 'crm_verify',
    request: report.request,
    statusCode: report.statusCode,
    statusMessage: report.statusMessage,
    errors: first === '' ? [] : [first],
  };
}
