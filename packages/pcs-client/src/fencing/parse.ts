import { assertInputSize, type ParseError } from '@ha/core';
import type { z } from 'zod';
import { pcsParseError } from '../errors.js';
import { fenceEventSchema, type FenceEvent } from '../status/model.js';
import { readFenceEvent } from '../status/parse.js';
import { assertToolSucceeded } from '../xml/pacemaker-result.js';
import { childNamed, childrenNamed, parseXmlTree, type XmlElement } from '../xml/tree.js';
import {
  fenceAgentMetadataSchema,
  fenceDeviceSchema,
  fenceLevelSchema,
  type FenceAgentMetadata,
  type FenceDevice,
  type FenceLevel,
  type FenceLevelFinding,
  type FenceLevelTarget,
  type FenceParameter,
} from './model.js';

/**
 * Parsers of fencing documents: what `stonith_admin --output-as=xml` prints
 * (agent lists, device lists, metadata, history) and the CIB's stonith
 * primitives and fencing topology. Pure functions of their text: a tool's
 * reported failure is a `PacemakerToolError` (or `ServiceUnavailableError`
 * when the fencer is not running), anything else that is not the expected
 * document a `ParseError`.
 */

/** Options of every fencing parser. */
export interface ParseFencingOptions {
  /** Where the text came from (a file, `stonith_admin --history`), named in errors. */
  file?: string | undefined;
  /** Refuse a text larger than this many bytes (default 16 MiB). */
  maxBytes?: number | undefined;
}

/** The root element of a tool's XML, after its own verdict: it threw if the tool reported a failure. */
function toolRoot(text: string, what: string, options: ParseFencingOptions): XmlElement {
  const where = options.file ?? what;
  assertInputSize(text, where, options.maxBytes);
  const root = parseXmlTree(text, { file: options.file });
  assertToolSucceeded(root, where, { file: options.file });
  return root;
}

function at(element: XmlElement, options: ParseFencingOptions) {
  return { file: options.file, line: element.line, column: element.column };
}

function notFencing(element: XmlElement, message: string, options: ParseFencingOptions): ParseError {
  return pcsParseError('NOT_FENCING_XML', message, at(element, options));
}

// The model checked against its schema; a mismatch is the document's fault (a parse failure), placed at its element.
function checked<S extends z.ZodType>(
  schema: S,
  data: unknown,
  element: XmlElement,
  what: string,
  options: ParseFencingOptions,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw pcsParseError('BAD_FENCING_XML', `${what}: ${issue?.message ?? 'not valid'}${path}`, at(element, options), {
    cause: result.error,
  });
}

/** The `<list>` of a `stonith_admin` answer, its `<item>`s' text; a missing list (Pacemaker 2.1+ omits an empty one) is none. */
function listItems(root: XmlElement, what: string, options: ParseFencingOptions): string[] {
  if (root.name !== 'pacemaker-result')
    throw notFencing(root, `not stonith_admin XML (root element <${root.name}>, expected <pacemaker-result>)`, options);
  const list = childNamed(root, 'list');
  if (!list && root.children.some((child) => child.name !== 'status'))
    throw notFencing(root, `no <list> of ${what} in this output`, options);
  return childrenNamed(list, 'item')
    .map((item) => item.text ?? '')
    .filter((name) => name.length > 0);
}

/**
 * The fence agents `stonith_admin --list-installed --output-as=xml` lists
 * (`fence_ipmilan`, and cluster-glue's `external/ipmi` … when installed).
 */
export function parseFenceAgents(text: string, options: ParseFencingOptions = {}): string[] {
  return listItems(toolRoot(text, 'stonith_admin --list-installed', options), 'fence agents', options);
}

/**
 * Device ids from `stonith_admin --list NODE` (the devices that can fence
 * NODE) or `--list-registered` (every device the fencer knows).
 */
export function parseFenceDeviceList(text: string, options: ParseFencingOptions = {}): string[] {
  return listItems(toolRoot(text, 'stonith_admin --list', options), 'fence devices', options);
}

/**
 * The nodes a device can fence, from `stonith_admin --list-targets DEVICE` (each once: the
 * fencer lists a host map's names and ports alike).
 */
export function parseFenceTargetList(text: string, options: ParseFencingOptions = {}): string[] {
  return [...new Set(listItems(toolRoot(text, 'stonith_admin --list-targets', options), 'fence targets', options))];
}

/**
 * A fence agent's metadata: the output of `stonith_admin --metadata --agent
 * AGENT --output-as=xml` (the agent's XML inside `<metadata>`, as CDATA), or
 * the agent's own `<resource-agent>` XML (`fence_ipmilan -o metadata`).
 */
export function parseFenceAgentMetadata(text: string, options: ParseFencingOptions = {}): FenceAgentMetadata {
  const root = toolRoot(text, 'stonith_admin --metadata', options);
  let agent = root;
  let agentOptions = options;
  if (root.name === 'pacemaker-result') {
    const metadata = childNamed(root, 'metadata');
    if (!metadata) throw notFencing(root, 'no <metadata> in this stonith_admin output', options);
    if (metadata.text === undefined) throw notFencing(metadata, '<metadata> is empty', options);
    // Positions inside the agent's XML count from the start of the CDATA.
    agentOptions = { file: `${options.file ?? 'stonith_admin --metadata'} (agent XML)` };
    agent = parseXmlTree(metadata.text, agentOptions);
  }
  if (agent.name !== 'resource-agent')
    throw notFencing(
      agent,
      `not fence agent metadata (root element <${agent.name}>, expected <resource-agent>)`,
      agentOptions,
    );
  const parameters = childrenNamed(childNamed(agent, 'parameters'), 'parameter').map(readParameter);
  return checked(
    fenceAgentMetadataSchema,
    {
      name: agent.attributes.name ?? '',
      shortdesc: oneLine(agent.attributes.shortdesc ?? childNamed(agent, 'shortdesc')?.text),
      longdesc: oneLine(childNamed(agent, 'longdesc')?.text),
      parameters,
      actions: childrenNamed(childNamed(agent, 'actions'), 'action')
        .map((action) => action.attributes.name ?? '')
        .filter((name) => name.length > 0),
    },
    agent,
    'fence agent metadata',
    agentOptions,
  );
}

function readParameter(element: XmlElement): FenceParameter {
  const content = childNamed(element, 'content');
  const choices = childrenNamed(content, 'option')
    .map((option) => option.attributes.value)
    .filter((value): value is string => value !== undefined);
  const description = oneLine(childNamed(element, 'shortdesc')?.text ?? childNamed(element, 'longdesc')?.text);
  return {
    name: element.attributes.name ?? '',
    type: content?.attributes.type ?? 'string',
    required: isTrue(element.attributes.required),
    default: content?.attributes.default,
    description,
    choices: choices.length > 0 ? choices : undefined,
    deprecated: isTrue(element.attributes.deprecated),
    obsoletes: element.attributes.obsoletes,
  };
}

// Pacemaker 3.0's tools indent the text of the agent's descriptions: one line, single spaces.
function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function isTrue(value: string | undefined): boolean {
  return value === '1' || value === 'true' || value === 'yes';
}

/**
 * The fencing history of `stonith_admin --history NODE|'*' --verbose
 * --output-as=xml`, newest first as the fencer lists it (pending actions
 * included).
 */
export function parseFenceHistory(text: string, options: ParseFencingOptions = {}): FenceEvent[] {
  const root = toolRoot(text, 'stonith_admin --history', options);
  if (root.name !== 'pacemaker-result')
    throw notFencing(root, `not stonith_admin XML (root element <${root.name}>, expected <pacemaker-result>)`, options);
  const list = childNamed(root, 'list');
  if (!list && root.children.some((child) => child.name !== 'status'))
    throw notFencing(root, 'no <list> of fencing history in this output', options);
  return childrenNamed(list, 'fence_event').map((element) =>
    checked(fenceEventSchema, readFenceEvent(element), element, 'fence event', options),
  );
}

// The CIB's sections: a whole <cib>, or one section as `cibadmin --query --scope S` prints it.
function section(root: XmlElement, name: string): XmlElement | undefined {
  if (root.name === name) return root;
  const configuration = root.name === 'configuration' ? root : childNamed(root, 'configuration');
  return childNamed(configuration, name);
}

function cibRoot(text: string, what: string, options: ParseFencingOptions): XmlElement {
  assertInputSize(text, options.file ?? what, options.maxBytes);
  return parseXmlTree(text, { file: options.file });
}

/**
 * The fence devices of a CIB: every `<primitive class="stonith">` of
 * `cibadmin --query --scope resources` (or of a whole CIB, or its
 * `<configuration>`), also inside groups, in document order.
 */
export function parseFenceDevices(text: string, options: ParseFencingOptions = {}): FenceDevice[] {
  const root = cibRoot(text, 'CIB resources', options);
  const resources = section(root, 'resources');
  if (!resources) throw notFencing(root, `no <resources> in this XML (root element <${root.name}>)`, options);
  const devices: FenceDevice[] = [];
  const visit = (element: XmlElement) => {
    for (const child of element.children) {
      if (child.name === 'primitive' && child.attributes.class === 'stonith') devices.push(readDevice(child, options));
      else if (child.name === 'group' || child.name === 'clone') visit(child);
    }
  };
  visit(resources);
  return devices;
}

function nvpairs(element: XmlElement, setName: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const set of childrenNamed(element, setName))
    for (const pair of childrenNamed(set, 'nvpair'))
      if (pair.attributes.name !== undefined) values[pair.attributes.name] = pair.attributes.value ?? '';
  return values;
}

function readDevice(element: XmlElement, options: ParseFencingOptions): FenceDevice {
  const params = nvpairs(element, 'instance_attributes');
  const meta = nvpairs(element, 'meta_attributes');
  const targetRole = meta['target-role'];
  return checked(
    fenceDeviceSchema,
    {
      id: element.attributes.id ?? '',
      agent: element.attributes.type ?? '',
      params,
      meta,
      hostMap: params.pcmk_host_map === undefined ? undefined : parseHostMap(params.pcmk_host_map),
      hostList: params.pcmk_host_list === undefined ? undefined : parseHostList(params.pcmk_host_list),
      delay: { base: params.pcmk_delay_base, max: params.pcmk_delay_max },
      disabled: targetRole !== undefined && /^stopped$/i.test(targetRole),
    },
    element,
    'fence device',
    options,
  );
}

/**
 * `pcmk_host_map` as the fencer reads it: entries separated by `;`, spaces
 * or tabs, each `node:port` (or `node=port`); the port as written, so
 * `node2:2,3` maps node2 to `2,3`. Entries without a separator are ignored,
 * as the fencer ignores them.
 *
 * @example parseHostMap('node1:1;node2:2,3') // { node1: '1', node2: '2,3' }
 */
export function parseHostMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of text.split(/[;\s]+/)) {
    const separator = entry.search(/[:=]/);
    if (separator <= 0) continue;
    const port = entry.slice(separator + 1);
    if (port.length > 0) map[entry.slice(0, separator)] = port;
  }
  return map;
}

/**
 * `pcmk_host_list`: node names separated by spaces, commas or semicolons.
 *
 * @example parseHostList('node1,node2 node3') // ['node1', 'node2', 'node3']
 */
export function parseHostList(text: string): string[] {
  return text.split(/[\s,;]+/).filter((name) => name.length > 0);
}

/**
 * The fencing levels of a CIB's `<fencing-topology>` (from `cibadmin --query
 * --scope configuration`, a whole CIB, or the section itself), in document
 * order. A CIB without topology has none.
 */
export function parseFenceLevels(text: string, options: ParseFencingOptions = {}): FenceLevel[] {
  const root = cibRoot(text, 'CIB fencing topology', options);
  const topology = section(root, 'fencing-topology');
  if (!topology) {
    if (root.name === 'cib' || root.name === 'configuration') return [];
    throw notFencing(root, `no <fencing-topology> in this XML (root element <${root.name}>)`, options);
  }
  return childrenNamed(topology, 'fencing-level').map((element) => {
    const a = element.attributes;
    const target: FenceLevelTarget | undefined =
      a.target !== undefined
        ? { kind: 'node', node: a.target }
        : a['target-pattern'] !== undefined
          ? { kind: 'pattern', pattern: a['target-pattern'] }
          : a['target-attribute'] !== undefined
            ? { kind: 'attribute', name: a['target-attribute'], value: a['target-value'] ?? '' }
            : undefined;
    return checked(
      fenceLevelSchema,
      {
        id: a.id ?? '',
        level: /^\d+$/.test(a.index ?? '') ? Number(a.index) : a.index,
        target,
        devices: (a.devices ?? '').split(',').filter((id) => id.length > 0),
      },
      element,
      'fencing level',
      options,
    );
  });
}

/**
 * The findings of `pcs stonith level verify` from what it printed (its
 * `Error:` lines, without the closing "Errors have occurred"): empty when
 * every level's devices and nodes exist.
 */
export function parseLevelVerifyOutput(text: string): FenceLevelFinding[] {
  return text
    .split('\n')
    .map((line) => /^\s*Error:\s*(.*?)\s*$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined && line.length > 0 && !/^Errors have occurred/.test(line))
    .map((message) => ({ message, subjects: [...message.matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '') }));
}
