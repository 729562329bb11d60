import { ParseError, formatPosition } from '../errors/ha-error.js';
import { LineCounter } from '../text/line-counter.js';

/** How bad a finding is. */
export type Severity = 'error' | 'warning' | 'info';

/** A half-open range of offsets into one source text. */
export interface SourceRange {
  /** Offset of the first character. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/**
 * One finding of a parser or validator. `Code` is a package's closed union of
 * SCREAMING_SNAKE codes, so callers can switch on it exhaustively.
 */
export interface Diagnostic<Code extends string = string> {
  /** What kind of problem, from the package's closed union. */
  code: Code;
  /** How bad it is. */
  severity: Severity;
  /** One line for humans. */
  message: string;
  /** The file it is in, when the text came from one. */
  file?: string | undefined;
  /** Where it is, as offsets into the text. */
  range: SourceRange;
  /** 1-based, derived from `range.start`. */
  line: number;
  /** 1-based, in UTF-16 code units, derived from `range.start`. */
  column: number;
  /**
   * Set on the one finding that stands for others folded into it: how many
   * more findings of this code there were (its position is the last kept one's).
   */
  folded?: number | undefined;
}

/** Builds a diagnostic, deriving line and column from the offset. */
export function createDiagnostic<Code extends string>(
  lines: LineCounter,
  fields: { code: Code; severity?: Severity; message: string; file?: string | undefined; range: SourceRange },
): Diagnostic<Code> {
  const { line, column } = lines.linePosition(fields.range.start);
  return { severity: 'error', ...fields, line, column };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `file:line:column: severity CODE: message`, one line. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${formatPosition(diagnostic)}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`;
}

/**
 * The one-line form plus the source line and a caret under the problem, for
 * terminals. Tabs are kept so the caret lines up with what the user sees.
 */
export function prettifyDiagnostic(diagnostic: Diagnostic, text: string): string {
  const lines = new LineCounter(text);
  const start = lines.lineStarts[diagnostic.line - 1] ?? 0;
  const next = lines.lineStarts[diagnostic.line] ?? text.length;
  const source = text.slice(start, next).replace(/\r?\n$|\r$/, '');
  const lead = source.slice(0, diagnostic.column - 1).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Math.min(diagnostic.range.end, start + source.length) - diagnostic.range.start);
  return `${formatDiagnostic(diagnostic)}\n  ${source}\n  ${lead}${'^'.repeat(width)}`;
}

/** The `ParseError` a strict `parse()` throws for its first error diagnostic; its `reason` is the diagnostic's code. */
export function parseErrorFromDiagnostic<Code extends string>(diagnostic: Diagnostic<Code>): ParseError<Code> {
  return new ParseError<Code>(diagnostic.code, diagnostic.message, {
    file: diagnostic.file,
    line: diagnostic.line,
    column: diagnostic.column,
  });
}

/** Throws the first error among `diagnostics`, if any. */
export function throwOnErrors<Code extends string>(diagnostics: readonly Diagnostic<Code>[]): void {
  const first = diagnostics.find((d) => d.severity === 'error');
  if (first) throw parseErrorFromDiagnostic(first);
}
