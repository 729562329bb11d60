import type { XmlElement } from '../xml/tree.js';

/** An element to write: what `XmlElement` holds, without the parser's positions. */
export interface XmlNode {
  /** The element's name. */
  name: string;
  /** Its attributes, written in this order. */
  attributes: Record<string, string>;
  /** Its child elements, in order. */
  children: XmlNode[];
  /** Its text content, when any. */
  text?: string | undefined;
}

// XML 1.0 forbids most C0 controls even as character references; tab, newline and return are kept as references
// so an attribute value reads back unchanged (a literal newline in an attribute is normalised to a space).
const attributeEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * An attribute value as XML text: `& < > "` and tab, newline, return as
 * references; other control characters, which XML 1.0 cannot carry at all,
 * are a `TypeError` naming where.
 */
export function escapeXmlAttribute(value: string, where = 'attribute'): string {
  refuseControls(value, where);
  return value.replace(/[&<>"\t\n\r]/g, (character) => attributeEscapes[character] ?? character);
}

function escapeXmlText(value: string, where: string): string {
  refuseControls(value, where);
  return value.replace(/[&<>]/g, (character) => attributeEscapes[character] ?? character);
}

function refuseControls(value: string, where: string): void {
  // eslint-disable-next-line no-control-regex -- exactly the characters XML 1.0 cannot hold
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.exec(value);
  if (control)
    throw new TypeError(
      `${where}: U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} cannot be written in XML`,
    );
}

/** The node of a parsed element (positions dropped). */
export function nodeOfElement(element: XmlElement): XmlNode {
  return {
    name: element.name,
    attributes: { ...element.attributes },
    children: element.children.map(nodeOfElement),
    ...(element.text === undefined ? {} : { text: element.text }),
  };
}

/** An element as XML text, indented by two spaces a level from `depth`, with no trailing newline. */
export function writeXml(node: XmlNode, depth = 0): string {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(node.attributes)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(value, `<${node.name} ${name}>`)}"`)
    .join('');
  const text = node.text === undefined ? '' : escapeXmlText(node.text, `<${node.name}> text`);
  if (node.children.length === 0)
    return text === ''
      ? `${indent}<${node.name}${attributes}/>`
      : `${indent}<${node.name}${attributes}>${text}</${node.name}>`;
  const children = node.children.map((child) => writeXml(child, depth + 1)).join('\n');
  return `${indent}<${node.name}${attributes}>${text}\n${children}\n${indent}</${node.name}>`;
}
