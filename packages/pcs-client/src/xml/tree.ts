import type { ParseError } from '@ha/core';
import { pcsParseError } from '../errors.js';
import { SaxesParser } from 'saxes';

/** One XML element: its attributes as written, its child elements, its text, and where its start tag is. */
export interface XmlElement {
  /** The element's name (`pacemaker-result`). */
  name: string;
  /** Its attributes, as written (entities decoded). */
  attributes: Record<string, string>;
  /** Its child elements, in order. */
  children: XmlElement[];
  /** Text content (trimmed), when the element has any. */
  text: string | undefined;
  /** Where its start tag ends, 1-based line. */
  line: number;
  /** Where its start tag ends, 1-based column. */
  column: number;
}

/**
 * Parses XML into a plain element tree with saxes, a conformant streaming
 * parser: malformed or truncated input is a `ParseError` naming the file,
 * line and column, never a partial tree.
 */
export function parseXmlTree(text: string, options: { file?: string | undefined } = {}): XmlElement {
  // A tool that printed nothing is the common case of "no XML": say so rather than quote saxes (no place to name).
  if (text.trim() === '') throw pcsParseError('EMPTY_INPUT', 'empty input: no XML at all', { file: options.file });
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: ParseError | undefined;
  parser.on('error', (error) => {
    // saxes reports "[file:]line:column: message"; keep the message, position it ourselves (1-based).
    failure ??= pcsParseError('MALFORMED_XML', error.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, ''), {
      file: options.file,
      line: parser.line,
      column: Math.max(1, parser.column),
    });
  });
  parser.on('opentag', (tag) => {
    const element: XmlElement = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      children: [],
      text: undefined,
      line: parser.line,
      column: parser.column,
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root ??= element;
    stack.push(element);
  });
  const addText = (content: string) => {
    const parent = stack[stack.length - 1];
    const trimmed = content.trim();
    if (parent && trimmed.length > 0) parent.text = (parent.text ?? '') + trimmed;
  };
  parser.on('text', addText);
  // stonith_admin --metadata wraps the agent's XML in CDATA: it is the element's text like any other.
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(text).close();
  } catch (error) {
    failure ??= pcsParseError(
      'MALFORMED_XML',
      (error as Error).message,
      { file: options.file, line: parser.line, column: Math.max(1, parser.column) },
      { cause: error },
    );
  }
  if (failure) throw failure;
  if (!root) throw pcsParseError('MALFORMED_XML', 'no root element', { file: options.file });
  return root;
}

/** The child elements named `name`. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : [];
}

/** The first child element named `name`. */
export function childNamed(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((child) => child.name === name);
}
