import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { pcsParseError } from '../errors.js';

/**
 * A spec file's text as plain data: YAML (JSON is YAML too). A syntax error is a
 * `ParseError` naming the file, line and column of the first one; what the data
 * means is the schema's business.
 */
export function parseSpecText(text: string, options: { file?: string | undefined } = {}): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  const error = document.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    // The library's message repeats the position ("… at line 3, column 3:"): the error carries it.
    const message = (error.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
    throw pcsParseError('MALFORMED_SPEC', message, {
      file: options.file,
      line: position?.line,
      column: position?.col,
    });
  }
  return document.toJS({ maxAliasCount: 100 });
}

/**
 * `value` as YAML. Given the text of the file it replaces, that file's document
 * is updated in place rather than written anew: every scalar, key and list item
 * that survives keeps its comments and its place, list items that are maps with
 * an `id` are matched by it (so an insertion does not shift comments onto other
 * items), and only what changed is rewritten.
 */
export function specToYaml(value: unknown, options: { previous?: string } = {}): string {
  if (options.previous === undefined || options.previous.trim() === '') return stringify(value);
  const document = parseDocument(options.previous);
  if (document.errors.length > 0) return stringify(value);
  document.contents = updated(document, document.contents as Node | null, value) as typeof document.contents;
  return document.toString({ lineWidth: 0 });
}

function stringify(value: unknown): string {
  const document = parseDocument('');
  document.contents = document.createNode(value) as typeof document.contents;
  return document.toString({ lineWidth: 0 });
}

// The node for `value`, reusing `node` (and its comments) where it has the same shape.
function updated(document: Document, node: Node | null, value: unknown): Node {
  if (Array.isArray(value) && isSeq(node)) {
    const byId = new Map<unknown, Node>();
    for (const item of node.items) if (isMap(item)) byId.set(item.get('id'), item as Node);
    const items = value.map((entry, index) => {
      const id = isRecord(entry) ? entry.id : undefined;
      const previous = id === undefined ? (node.items[index] as Node | undefined) : byId.get(id);
      return updated(document, previous ?? null, entry);
    });
    node.items = items;
    return node;
  }
  if (isRecord(value) && isMap(node)) {
    const keys = Object.keys(value);
    node.items = node.items.filter((pair) => keys.includes(String(isScalar(pair.key) ? pair.key.value : pair.key)));
    for (const key of keys) {
      const pair = node.items.find((entry) => String(isScalar(entry.key) ? entry.key.value : entry.key) === key);
      if (pair === undefined) node.items.push(document.createPair(key, value[key]));
      else pair.value = updated(document, pair.value as Node | null, value[key]);
    }
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (node.value !== value) node.value = value;
    return node;
  }
  return document.createNode(value) as Node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
