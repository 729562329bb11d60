import { assertInputSize, type ParseError } from '@ha/core';
import type { z } from 'zod';
import { pcsParseError } from '../errors.js';
import { assertToolSucceeded } from '../xml/pacemaker-result.js';
import { childNamed, childrenNamed, parseXmlTree, type XmlElement } from '../xml/tree.js';
import {
  agentMetadataSchema,
  type AgentAction,
  type AgentMetadata,
  type AgentName,
  type AgentParameter,
} from './model.js';
import { formatAgentName, parseAgentName } from './name.js';
import { parsePacemakerBoolean } from './values.js';

/** Options of the agent parsers. */
export interface ParseAgentOptions {
  /** Where the text came from (a file, `crm_resource --show-metadata …`), named in errors. */
  file?: string | undefined;
  /** Refuse a text larger than this many bytes (default 16 MiB). */
  maxBytes?: number | undefined;
}

/** Options of `parseAgentMetadata`. */
export interface ParseAgentMetadataOptions extends ParseAgentOptions {
  /** The agent the metadata is of: its full name (`ocf:heartbeat:IPaddr2`) or its parts. */
  agent: string | AgentName;
}

/**
 * Reads a resource agent's metadata: the agent's own document
 * (`<resource-agent>`, OCF 1.0 or 1.1, also what Pacemaker writes for lsb,
 * service and systemd agents), or crm_resource's `--output-as=xml` answer
 * around it (`<pacemaker-result>` with the document in `<metadata>`, or with
 * `<resource-agent>` inside, as `crm_attribute --list-options` prints
 * Pacemaker's own options). A tool's reported failure is a
 * `PacemakerToolError` (status 105 for an agent that does not exist); a
 * document that is not metadata a `ParseError` (`NOT_AGENT_XML`).
 *
 * @example
 * parseAgentMetadata(xml, { agent: 'ocf:pacemaker:Dummy' }).parameters.map((p) => p.name)
 * // ['state', 'passwd', 'fake', 'op_sleep', 'fail_start_on', 'envfile']
 */
export function parseAgentMetadata(text: string, options: ParseAgentMetadataOptions): AgentMetadata {
  const agent = typeof options.agent === 'string' ? parseAgentName(options.agent) : options.agent;
  if (!agent) throw new TypeError(`'${String(options.agent)}' is not a full agent name (standard:provider:type)`);
  const where = options.file ?? `metadata of ${formatAgentName(agent)}`;
  const { element, file } = agentDocument(text, where, options);
  const parameters = childrenNamed(childNamed(element, 'parameters'), 'parameter').map(readParameter);
  for (const parameter of parameters)
    for (const other of parameters)
      if (other.obsoletes === parameter.name && !parameter.replacedWith.includes(other.name))
        parameter.replacedWith.push(other.name);
  const data = {
    agent,
    name: element.attributes.name ?? '',
    version: element.attributes.version,
    ocfVersion: childNamed(element, 'version')?.text,
    // Fence agents put their one line in an attribute, the others in an element.
    shortdesc: oneLine(element.attributes.shortdesc ?? childNamed(element, 'shortdesc')?.text),
    longdesc: oneLine(childNamed(element, 'longdesc')?.text),
    parameters,
    actions: childrenNamed(childNamed(element, 'actions'), 'action').map(readAction),
  };
  return checked(agentMetadataSchema, data, element, `metadata of ${formatAgentName(agent)}`, file);
}

// The <resource-agent> element, wherever the tool put it, and the file name its positions count in.
function agentDocument(
  text: string,
  where: string,
  options: ParseAgentOptions,
): { element: XmlElement; file: string | undefined } {
  assertInputSize(text, where, options.maxBytes);
  const root = parseXmlTree(text, { file: options.file });
  assertToolSucceeded(root, where, { file: options.file });
  let element = root;
  let file = options.file;
  if (root.name === 'pacemaker-result') {
    const metadata = childNamed(root, 'metadata');
    const inline = childNamed(root, 'resource-agent');
    if (metadata?.text !== undefined) {
      // Positions inside the agent's document count from the start of its CDATA.
      file = `${where} (agent XML)`;
      element = parseXmlTree(metadata.text, { file });
    } else if (inline) element = inline;
    else throw notAgent(root, `${where}: no agent metadata in this ${toolOf(root)} output`, options.file);
  }
  if (element.name !== 'resource-agent')
    throw notAgent(
      element,
      `${where}: not agent metadata (root element <${element.name}>, expected <resource-agent>)`,
      file,
    );
  return { element, file };
}

function readParameter(element: XmlElement): AgentParameter {
  const content = childNamed(element, 'content');
  const values = childrenNamed(content, 'option')
    .map((option) => option.attributes.value)
    .filter((value): value is string => value !== undefined);
  const deprecation = childNamed(element, 'deprecated');
  const shortdesc = oneLine(childNamed(element, 'shortdesc')?.text);
  return {
    name: element.attributes.name ?? '',
    type: content?.attributes.type || 'string',
    values: values.length > 0 ? values : undefined,
    required: isTrue(element.attributes.required),
    unique: isTrue(element.attributes.unique),
    uniqueGroup: element.attributes['unique-group'],
    reloadable: isTrue(element.attributes.reloadable),
    default: content?.attributes.default ?? element.attributes.default,
    shortdesc,
    longdesc: oneLine(childNamed(element, 'longdesc')?.text),
    // OCF 1.1 has <deprecated>, fence agents deprecated="1"; Pacemaker's own options (and some agents) say it in words.
    deprecated:
      deprecation !== undefined ||
      isTrue(element.attributes.deprecated) ||
      /^\*\*\* deprecated \*\*\*|\(deprecated\)$/i.test(shortdesc),
    replacedWith: childrenNamed(deprecation, 'replaced-with')
      .map((replacement) => replacement.attributes.name ?? '')
      .filter((name) => name.length > 0),
    obsoletes: element.attributes.obsoletes,
  };
}

function readAction(element: XmlElement): AgentAction {
  const { name = '', timeout, interval, role, depth } = element.attributes;
  return { name, timeout, interval, role, depth };
}

/**
 * Reads a list of agents (`crm_resource --list-agents STANDARD[:PROVIDER]
 * --output-as=xml`: `<agents>` of `<agent>`) or of an OCF agent's providers
 * (`--list-ocf-alternatives TYPE`: `<providers>` of `<provider>`), in the
 * tool's order. A failure the tool reported (no agents for that standard) is
 * a `PacemakerToolError`.
 */
export function parseAgentList(text: string, options: ParseAgentOptions = {}): string[] {
  const where = options.file ?? 'crm_resource --list-agents';
  assertInputSize(text, where, options.maxBytes);
  const root = parseXmlTree(text, { file: options.file });
  assertToolSucceeded(root, where, { file: options.file });
  const list =
    root.name === 'pacemaker-result' ? (childNamed(root, 'agents') ?? childNamed(root, 'providers')) : undefined;
  if (!list) throw notAgent(root, `${where}: not a list of agents (no <agents> or <providers>)`, options.file);
  return list.children.map((item) => item.text ?? '').filter((name) => name.length > 0);
}

function toolOf(root: XmlElement): string {
  return root.attributes.request?.trim().split(/\s+/)[0] ?? 'tool';
}

function notAgent(element: XmlElement, message: string, file: string | undefined): ParseError {
  return pcsParseError('NOT_AGENT_XML', message, { file, line: element.line, column: element.column });
}

// The model checked against its schema; a mismatch (a parameter without a name) is the document's fault.
function checked<S extends z.ZodType>(
  schema: S,
  data: unknown,
  element: XmlElement,
  what: string,
  file: string | undefined,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  throw pcsParseError(
    'NOT_AGENT_XML',
    `${what}: ${issue?.message ?? 'not valid'}${path}`,
    { file, line: element.line, column: element.column },
    { cause: result.error },
  );
}

// Pacemaker 3.0's tools indent descriptions over several lines: one line, single spaces.
function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && parsePacemakerBoolean(value) === true;
}
