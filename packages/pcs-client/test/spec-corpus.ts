// The real CIBs the spec's round trips run on, and a comparison of XML trees that ignores what Pacemaker ignores.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDirectory, pacemakerCibs } from './fixtures.js';
import { parseXmlTree, type XmlElement } from '../src/xml/tree.js';

/** One real CIB: where it is, and its text. */
export interface CorpusCib {
  /** A short name for test titles (`scheduler/group1.xml`). */
  name: string;
  /** Its text. */
  xml: string;
}

function folder(label: string, directory: string, keep: (name: string) => boolean): CorpusCib[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.xml') && keep(name))
    .sort()
    .map((name) => ({ name: `${label}/${name}`, xml: readFileSync(join(directory, name), 'utf8') }));
}

/** Every real CIB of the package's and the repository's fixtures that is one (a `<cib>` with a configuration). */
export function corpusCibs(): CorpusCib[] {
  const all = [
    ...pacemakerCibs.map(({ name, path }) => ({ name: `cts-cib/${name}`, xml: readFileSync(path, 'utf8') })),
    ...folder('crm_simulate', join(fixturesDirectory, 'crm_simulate', 'cib'), () => true),
    ...folder('pengine', join(fixturesDirectory, 'pengine', 'pacemaker-2.1'), (name) => !name.includes('.simulate.')),
    ...folder('crm_verify', join(fixturesDirectory, 'crm_verify', 'cib'), () => true),
    ...folder('crm_mon-2.1.5', join(fixturesDirectory, 'crm_mon', '2.1.5'), (name) => name.endsWith('.cib.xml')),
    ...folder('scheduler', join(fixturesDirectory, 'spec', 'pacemaker-scheduler'), () => true),
  ];
  return all.filter((cib) => {
    try {
      const root = parseXmlTree(cib.xml);
      return root.name === 'cib' && root.children.some((child) => child.name === 'configuration');
    } catch {
      // Fixtures of broken input (truncated, not XML) are other tests' business.
      return false;
    }
  });
}

// Elements whose children Pacemaker's schema lets come in any order (an `interleave`): only same-named
// siblings keep an order there (the precedence of sets), so the comparison keeps that and nothing else.
const interleaved = new Set([
  'configuration',
  'primitive',
  'group',
  'clone',
  'op',
  'alert',
  'recipient',
  'node',
  'template',
]);

/** A comparable form of an element: name, attributes (any order), children (in order, but for interleaves). */
export function comparable(element: XmlElement): unknown {
  const children = element.children.map(comparable) as { name: string }[];
  if (interleaved.has(element.name)) {
    const names = [...new Set(children.map((child) => child.name))].sort();
    children.splice(0, children.length, ...names.flatMap((name) => children.filter((child) => child.name === name)));
  }
  const attributes = Object.fromEntries(Object.entries(element.attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { name: element.name, attributes, text: element.text, children };
}

/** The same as `comparable`, but children in no order at all: for configurations whose raw parts are written after typed ones. */
export function comparableUnordered(element: XmlElement): unknown {
  const children = element.children
    .map(comparableUnordered)
    .map((child) => JSON.stringify(child))
    .sort();
  const attributes = Object.fromEntries(Object.entries(element.attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { name: element.name, attributes, text: element.text, children };
}
