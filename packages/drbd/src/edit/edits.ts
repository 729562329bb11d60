import { HaError } from '@ha/core';
import type { CstBlock, CstNode, CstStatement, CstToken, CstWord, DrbdDocument } from '../parse/cst.js';
import { encodeWord } from '../parse/lexer.js';

/**
 * Edits of a parsed resource file. They change only their own tokens: a new
 * statement takes the indentation of its siblings, a changed one keeps its
 * layout, and every comment stays.
 */

/** The `resource NAME { }` block, or undefined when the document has none of that name. */
export function findResource(document: DrbdDocument, name: string): CstBlock | undefined {
  return document.children.find(
    (node): node is CstBlock =>
      node.type === 'block' && node.words[0]?.value === 'resource' && node.words[1]?.value === name,
  );
}

/** The `resource NAME { }` block; an `HaError` with code `NOT_FOUND` when the document has none of that name. */
export function requireResource(document: DrbdDocument, name: string): CstBlock {
  const block = findResource(document, name);
  if (!block) throw new HaError('NOT_FOUND', `no resource '${name}'${document.file ? ` in ${document.file}` : ''}`);
  return block;
}

// A token an edit writes: it has no place in the source.
function token(text: string, leading: string): CstToken {
  return { leading, text, offset: -1 };
}

function word(value: string, leading: string): CstWord {
  return { leading, offset: -1, value, ...encodeWord(value) };
}

function statementOf(values: readonly string[], indent: string, eol: string): CstStatement {
  return {
    type: 'statement',
    words: values.map((value, index) => word(value, index === 0 ? `${eol}${indent}` : ' ')),
    semicolon: token(';', ''),
  };
}

// The indentation children of `block` use (else the block's own plus one unit).
function childIndent(block: CstBlock, document: DrbdDocument): string {
  const sample = block.children.find((child) => child.words[0]?.leading.includes('\n'));
  const fromSample = sample ? /[^\n]*$/.exec(sample.words[0]?.leading ?? '')?.[0] : undefined;
  if (fromSample !== undefined) return fromSample;
  const own = /[^\n]*$/.exec(block.words[0]?.leading ?? '')?.[0] ?? '';
  return `${own}${document.indentUnit}`;
}

function insertChild(block: CstBlock, node: CstNode): void {
  block.children.push(node);
  // The closing brace goes on its own line after the new child.
  if (block.close && !block.close.leading.includes('\n')) {
    const own = /[^\n]*$/.exec(block.words[0]?.leading ?? '')?.[0] ?? '';
    block.close.leading = `\n${own}`;
  }
}

/**
 * Sets `name value…;` in a resource's `section` block (`net`, `disk`,
 * `options`, `startup`, `handlers`), or directly in the resource when
 * `section` is undefined: the existing statement's values are replaced (its
 * layout kept); otherwise the statement (and, if needed, the section) is added.
 */
export function setResourceOption(
  document: DrbdDocument,
  resource: string,
  section: 'net' | 'disk' | 'options' | 'startup' | 'handlers' | undefined,
  name: string,
  values: readonly string[],
): void {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new TypeError(`'${name}' is not an option name`);
  const eol = document.eol;
  const resourceBlock = requireResource(document, resource);
  let target = resourceBlock;
  if (section !== undefined) {
    let found = resourceBlock.children.find(
      (child): child is CstBlock => child.type === 'block' && child.words[0]?.value === section,
    );
    if (!found) {
      const indent = childIndent(resourceBlock, document);
      found = {
        type: 'block',
        words: [word(section, `${eol}${indent}`)],
        open: token('{', ' '),
        children: [],
        close: token('}', `${eol}${indent}`),
      };
      insertChild(resourceBlock, found);
    }
    target = found;
  }
  const existing = target.children.find(
    (child): child is CstStatement => child.type === 'statement' && child.words[0]?.value === name,
  );
  if (existing) {
    const first = existing.words[0] as CstWord;
    const separator = existing.words[1]?.leading ?? ' ';
    existing.words = [first, ...values.map((value, index) => word(value, index === 0 ? separator : ' '))];
    return;
  }
  insertChild(target, statementOf([name, ...values], childIndent(target, document), eol));
}

/** Adds `on NAME { node-id N; address ADDR; }` to a resource. */
export function addHost(
  document: DrbdDocument,
  resource: string,
  host: { name: string; address: string; nodeId?: number },
): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(host.name)) throw new TypeError(`'${host.name}' is not a host name`);
  const block = requireResource(document, resource);
  if (
    block.children.some(
      (child) =>
        child.type === 'block' &&
        child.words[0]?.value === 'on' &&
        child.words.some((entry) => entry.value === host.name),
    )
  ) {
    throw new HaError('PRECONDITION_FAILED', `resource '${resource}' already has a host '${host.name}'`);
  }
  const eol = document.eol;
  const indent = childIndent(block, document);
  const inner = `${indent}${document.indentUnit}`;
  const children: CstNode[] = [];
  if (host.nodeId !== undefined) children.push(statementOf(['node-id', String(host.nodeId)], inner, eol));
  children.push(statementOf(['address', ...host.address.trim().split(/\s+/)], inner, eol));
  const lastHost = [...block.children]
    .reverse()
    .find((child) => child.type === 'block' && child.words[0]?.value === 'on');
  const node: CstBlock = {
    type: 'block',
    words: [word('on', `${eol}${indent}`), word(host.name, ' ')],
    open: token('{', ' '),
    children,
    close: token('}', `${eol}${indent}`),
  };
  const at = lastHost ? block.children.indexOf(lastHost) + 1 : block.children.length;
  block.children.splice(at, 0, node);
}

/** Removes a host (`on NAME { }`) from a resource, with the comments just before it. */
export function removeHost(document: DrbdDocument, resource: string, name: string): void {
  const block = requireResource(document, resource);
  const index = block.children.findIndex(
    (child) =>
      child.type === 'block' &&
      child.words[0]?.value === 'on' &&
      child.words.slice(1).some((entry) => entry.value === name),
  );
  if (index === -1) throw new HaError('NOT_FOUND', `resource '${resource}' has no host '${name}'`);
  block.children.splice(index, 1);
}
