import { isIP } from 'node:net';
import { DEFAULT_KEEP_PER_CODE, DiagnosticCollector, type Severity, type SourceRange } from '@ha/core';
import { syntaxCodes, type CorosyncCode, type CorosyncDiagnostic } from '../codes.js';
import { boolean, integer } from '../model/config.js';
import type { CorosyncDocument, CstLine } from '../parse/cst.js';
import { isBlank, lex, type SyntaxHandler } from '../parse/lexer.js';
import { serialize } from '../print/serialize.js';
import { childScope, scopeOf, type KeyRule, type Scope } from './tables.js';

const repeatable = new Set(['node', 'interface', 'logger_subsys']);
// The last value of these decides cluster-wide checks (transport, crypto, timings, quorum).
const totemFacts = new Set([
  'transport',
  'cluster_name',
  'crypto_cipher',
  'crypto_hash',
  'token',
  'consensus',
  'join',
  'version',
]);
const quorumFacts = new Set(['two_node', 'last_man_standing', 'wait_for_all']);
// The scopes whose place in the cluster's structure the rules know.
const root = scopeOf('');
const totemScope = scopeOf('totem');
const interfaceScope = scopeOf('totem.interface');
const nodeScope = scopeOf('nodelist.node');
const quorumScope = scopeOf('quorum');
const deviceScope = scopeOf('quorum.device');
const heuristicsScope = scopeOf('quorum.device.heuristics');

/** Options of `validate`. */
export interface ValidateOptions {
  /** Named in findings. Default: the document's `file`. */
  file?: string;
  /** Findings kept of one code before the rest are folded into one "and N more like it". Default 10. */
  keepPerCode?: number;
}

/**
 * Checks a corosync.conf beyond syntax: known keys, value types, nodes and
 * links, transport and crypto, quorum settings and timings. Returns the
 * syntax findings too, every finding with its line and column, in file order;
 * past `keepPerCode` findings of one code the rest are folded into one
 * "and N more like it" finding (`folded: N`).
 *
 * A document is checked as the text `serialize` prints, the text a write
 * puts in the file, so every finding (on an edited line too) is placed where
 * corosync will see it. No tree is built: the text is read once, line by
 * line, so time is linear in the file, and memory in its nodes (their names,
 * ids and addresses, for the duplicate checks).
 *
 * @example
 * for (const finding of validate(text, { file: 'corosync.conf' })) console.log(formatDiagnostic(finding));
 */
export function validate(input: CorosyncDocument | string, options: ValidateOptions = {}): CorosyncDiagnostic[] {
  return checkConfig(input, options).findings;
}

/** What `validate` found, and the names and addresses of the file's nodes (to tell whether the file is this host's). */
export interface ConfigCheck {
  /** The findings, as `validate` returns them. */
  findings: CorosyncDiagnostic[];
  /** The text that was checked (a document's as `serialize` prints it). */
  text: string;
  /** The `name` of every node. */
  nodeNames: ReadonlySet<string>;
  /** Every `ringN_addr` of every node. */
  nodeAddresses: ReadonlySet<string>;
}

/** `validate`, keeping what the same pass learnt of the nodes: the CLI needs no second read of a large file. */
export function checkConfig(input: CorosyncDocument | string, options: ValidateOptions = {}): ConfigCheck {
  const text = typeof input === 'string' ? input : serialize(input);
  // Defaulted once, here (an option given as undefined takes its default too).
  const file = options.file ?? (typeof input === 'string' ? undefined : input.file);
  const keepPerCode = options.keepPerCode ?? DEFAULT_KEEP_PER_CODE;
  const findings = new DiagnosticCollector<CorosyncCode>({ text, file, keepPerCode, breaks: 'lf' });
  const rules = new Rules(findings, keepPerCode);
  lex(text, rules, findings);
  rules.end();
  // In file order; where two findings share a position the syntax one comes first (it says why the rest may be off).
  const ordered = findings
    .diagnostics()
    .sort((a, b) => a.range.start - b.range.start || Number(syntaxCodes.has(b.code)) - Number(syntaxCodes.has(a.code)));
  return { findings: ordered, text, nodeNames: rules.names, nodeAddresses: rules.addresses };
}

/** A pair that a finding may point at later. */
interface PairAt {
  line: CstLine;
  key: string;
  value: string;
  valueStart: number;
}

/** One open section while the rules read. */
interface Frame {
  scope: Scope;
  /** Whether the rules look inside (not in an unknown or legacy section). */
  checked: boolean;
  /** Known keys already set here, for DUPLICATE_KEY. */
  seenKeys: Set<string> | undefined;
  /** Known sections already opened here, for DUPLICATE_KEY. */
  seenSections: Set<string> | undefined;
  node: NodeState | undefined;
  link: LinkState | undefined;
}

interface NodeState {
  line: CstLine;
  name: PairAt | undefined;
  nodeid: PairAt | undefined;
  /** Its links, as bits. */
  links: number;
}

interface LinkState {
  linknumber: PairAt | undefined;
  ringnumber: PairAt | undefined;
}

/** Where a node is, and its name: all a finding about it needs once its lines are gone. */
interface NodeSummary {
  index: number;
  /** Its links, as bits. */
  links: number;
  name: string | undefined;
  range: SourceRange;
}

/** A finding whose truth the transport decides, which may come later in the file: the first few kept whole, the rest counted. */
class Pending {
  readonly items: { line: CstLine; column: number | undefined; message: (transport: string) => string }[] = [];
  count = 0;

  constructor(readonly code: CorosyncCode) {}
}

/**
 * The rules, in one pass. What the whole file decides is settled at the end:
 * findings that hinge on the transport wait in `Pending` lists, and nodes are
 * grouped by the links they have (at most 256 groups, the first few nodes of
 * each kept), so the link check needs no record of every node.
 */
class Rules implements SyntaxHandler {
  readonly #findings: DiagnosticCollector<CorosyncCode>;
  readonly #keepPerCode: number;
  readonly #stack: Frame[] = [
    { scope: root, checked: true, seenKeys: undefined, seenSections: undefined, node: undefined, link: undefined },
  ];
  #hasLines = false;
  #first: CstLine | undefined;
  #totem: CstLine | undefined;
  #nodelist: CstLine | undefined;
  #hasQuorum = false;
  #quorumDevice = false;
  readonly #totemPairs = new Map<string, PairAt>();
  readonly #quorumPairs = new Map<string, PairAt>();
  #multicast = false;
  #interfaces = 0;
  /** Link numbers 0–7 any node has an address on, as bits. */
  #links = 0;
  #nodeCount = 0;
  #firstNodeLinks = 0;
  readonly #nodesByLinks = new Map<number, { count: number; first: NodeSummary[] }>();
  /** Node names and addresses seen (for the duplicate checks). */
  readonly names = new Set<string>();
  readonly addresses = new Set<string>();
  readonly #ids = new NodeIdSet();
  /** Per link number, the address families seen, as bits (1 IPv4, 2 IPv6). */
  readonly #families = [0, 0, 0, 0, 0, 0, 0, 0];
  readonly #knetOnly = new Pending('KNET_ONLY_OPTION');
  readonly #missingNodeid = new Pending('MISSING_NODEID');
  readonly #linkRangeIfKnet = new Pending('LINK_OUT_OF_RANGE');
  readonly #linkRangeIfNotKnet = new Pending('LINK_OUT_OF_RANGE');
  readonly #secondInterface = new Pending('TOO_MANY_LINKS');

  constructor(findings: DiagnosticCollector<CorosyncCode>, keepPerCode: number) {
    this.#findings = findings;
    this.#keepPerCode = keepPerCode;
  }

  trivia(): void {
    this.#hasLines = true;
  }

  close(): void {
    this.#close(this.#stack.pop() as Frame);
  }

  /** The end of the text: what the whole file decides. */
  end(): void {
    // Sections a missing brace left open still count, as in the parsed document.
    while (this.#stack.length > 1) this.#close(this.#stack.pop() as Frame);
    this.#wholeFile();
  }

  // Without a column, a finding points at the line's first non-blank character (the key or section name).
  // A message can be given as a function: a finding past the kept ones is only counted, its words never made.
  #report(
    code: CorosyncCode,
    severity: Severity,
    message: string | (() => string),
    line: CstLine,
    column?: number,
  ): void {
    // Past the kept ones a finding is only counted: its range is not worth working out either.
    if (!this.#findings.keeps(code, severity)) return this.#findings.count(code, severity);
    this.#findings.report(code, message, lineRange(line, column), severity);
  }

  // Findings past the kept ones, counted without being made.
  #count(code: CorosyncCode, times: number): void {
    if (times > 0) this.#findings.count(code, 'error', times);
  }

  #defer(pending: Pending, line: CstLine, column: number | undefined, message: (transport: string) => string): void {
    if (pending.items.length < this.#keepPerCode) pending.items.push({ line, column, message });
    pending.count++;
  }

  open(name: string, line: CstLine): void {
    this.#hasLines = true;
    const parent = this.#stack[this.#stack.length - 1] as Frame;
    const scope = childScope(parent.scope, name);
    let checked = false;
    if (parent.checked) {
      const allowed = parent.scope.sections;
      const where = parent.scope === root ? '' : ` in '${parent.scope.path}'`;
      if (parent.scope === root && scope.legacy)
        this.#report(
          'UNKNOWN_SECTION',
          'warning',
          () => `section '${name}' is from corosync 1/2; corosync 3 ignores it`,
          line,
        );
      else if (allowed && !allowed.has(name))
        this.#report('UNKNOWN_SECTION', 'warning', () => `unknown section '${name}'${where}`, line);
      // Duplicates are tracked among known names only: an unknown one has its warning already,
      // and memory stays bounded by the tables instead of growing with the file.
      if (allowed?.has(name) && !repeatable.has(name)) {
        parent.seenSections ??= new Set();
        if (parent.seenSections.has(name))
          this.#report(
            'DUPLICATE_KEY',
            'warning',
            () => `section '${scope.path}' appears more than once; corosync merges them`,
            line,
          );
        else parent.seenSections.add(name);
      }
      checked = !allowed || allowed.has(name);
    }
    let node: NodeState | undefined;
    let link: LinkState | undefined;
    if (parent.scope === root) {
      this.#first ??= line;
      if (scope === totemScope) this.#totem ??= line;
      else if (scope.path === 'nodelist') this.#nodelist ??= line;
      else if (scope === quorumScope) this.#hasQuorum = true;
    } else if (scope === deviceScope) {
      this.#quorumDevice = true;
    } else if (scope === nodeScope) {
      node = { line, name: undefined, nodeid: undefined, links: 0 };
    } else if (scope === interfaceScope) {
      link = { linknumber: undefined, ringnumber: undefined };
      if (++this.#interfaces === 2)
        this.#defer(
          this.#secondInterface,
          line,
          undefined,
          (transport) => `transport ${transport} supports exactly one interface`,
        );
    }
    this.#stack.push({ scope, checked, seenKeys: undefined, seenSections: undefined, node, link });
  }

  pair(line: CstLine, key: string, value: string, valueStart: number): void {
    this.#hasLines = true;
    const frame = this.#stack[this.#stack.length - 1] as Frame;
    const { scope } = frame;
    const rule = frame.checked ? scope.keys?.get(key) : undefined;
    if (frame.checked && scope.keys) {
      if (rule) {
        frame.seenKeys ??= new Set();
        if (frame.seenKeys.has(key))
          this.#report(
            'DUPLICATE_KEY',
            'warning',
            () => `'${fullKey(scope, key)}' is set more than once; the last value (${value}) wins`,
            line,
          );
        else frame.seenKeys.add(key);
        this.#checkValue(line, key, value, valueStart, scope, rule);
      } else if (!(scope === heuristicsScope && key.startsWith('exec_'))) {
        this.#report(
          'UNKNOWN_KEY',
          'warning',
          () => `unknown key '${key}'${scope === root ? '' : ` in '${scope.path}'`}; corosync ignores it`,
          line,
        );
      }
    }
    if (scope === root) this.#first ??= line;
    else if (scope === nodeScope) this.#nodePair(frame.node as NodeState, line, key, value, valueStart);
    else if (scope === totemScope) {
      if (totemFacts.has(key)) this.#totemPairs.set(key, { line, key, value, valueStart });
    } else if (scope === quorumScope) {
      if (quorumFacts.has(key)) this.#quorumPairs.set(key, { line, key, value, valueStart });
    } else if (scope === interfaceScope) {
      if (key === 'mcastaddr') this.#multicast = true;
      else if (key === 'linknumber' || key === 'ringnumber')
        (frame.link as LinkState)[key] = { line, key, value, valueStart };
    }
    if ((scope === totemScope || scope === interfaceScope) && key.startsWith('knet_')) {
      this.#defer(
        this.#knetOnly,
        line,
        undefined,
        (transport) => `'${key}' only applies to transport knet, not ${transport}`,
      );
    }
  }

  #close(frame: Frame): void {
    if (frame.node) this.#closeNode(frame.node);
    if (frame.link) this.#closeLink(frame.link);
  }

  #nodePair(node: NodeState, line: CstLine, key: string, value: string, valueStart: number): void {
    if (key === 'name') node.name = { line, key, value, valueStart };
    else if (key === 'nodeid') node.nodeid = { line, key, value, valueStart };
    const link = ringLink(key);
    if (link === undefined) return;
    if (link > 7) return this.#report('LINK_OUT_OF_RANGE', 'error', () => `'${key}': links are numbered 0 to 7`, line);
    node.links |= 1 << link;
    this.#links |= 1 << link;
    if (this.addresses.has(value))
      this.#report('DUPLICATE_ADDRESS', 'error', () => `address ${value} is used twice`, line, valueStart);
    else this.addresses.add(value);
    const family = isIP(value);
    const bit = family === 4 ? 1 : family === 6 ? 2 : 0;
    const seen = this.#families[link] as number;
    if (bit !== 0 && (seen & bit) === 0) {
      this.#families[link] = seen | bit;
      if (seen !== 0)
        this.#report(
          'MIXED_ADDRESS_FAMILY',
          'error',
          () => `link ${link} mixes IPv4 and IPv6 addresses`,
          line,
          valueStart,
        );
    }
  }

  #closeNode(node: NodeState): void {
    const { name, nodeid } = node;
    if (!name) this.#report('MISSING_NODE_NAME', 'warning', 'node has no name; pcs and Pacemaker need one', node.line);
    else if (this.names.has(name.value))
      this.#report(
        'DUPLICATE_NODE_NAME',
        'error',
        () => `node name '${name.value}' is used twice`,
        name.line,
        name.valueStart,
      );
    else this.names.add(name.value);
    if (!nodeid) {
      const label = name ? `node ${name.value}` : 'node';
      this.#defer(
        this.#missingNodeid,
        node.line,
        undefined,
        () => `${label} has no nodeid; knet needs one on every node`,
      );
    } else {
      const id = integer(nodeid.value);
      const { line, valueStart } = nodeid;
      if (id !== undefined && this.#ids.has(id))
        this.#report('DUPLICATE_NODEID', 'error', () => `nodeid ${id} is used twice`, line, valueStart);
      else if (id !== undefined) this.#ids.add(id);
      if (id !== undefined && (id < 1 || id > 0xffffffff))
        this.#report(
          'INVALID_NUMBER',
          'error',
          () => `nodeid ${id} is out of range (1 to 4294967295)`,
          line,
          valueStart,
        );
    }
    // Which links a node lacks is known only at the end; nodes with the same links share the answer.
    let group = this.#nodesByLinks.get(node.links);
    if (!group) {
      group = { count: 0, first: [] };
      this.#nodesByLinks.set(node.links, group);
    }
    if (group.first.length < this.#keepPerCode)
      group.first.push({ index: this.#nodeCount, links: node.links, name: name?.value, range: lineRange(node.line) });
    group.count++;
    if (this.#nodeCount++ === 0) this.#firstNodeLinks = node.links;
  }

  #closeLink(link: LinkState): void {
    // knet numbers links by linknumber; udp/udpu rings by ringnumber, else linknumber.
    const check = (number: PairAt | undefined, pending: Pending) => {
      const value = integer(number?.value);
      if (number && value !== undefined && (value < 0 || value > 7)) {
        this.#defer(pending, number.line, number.valueStart, () => `link number ${value} is out of range (0 to 7)`);
      }
    };
    check(link.linknumber, this.#linkRangeIfKnet);
    check(link.ringnumber ?? link.linknumber, this.#linkRangeIfNotKnet);
  }

  #checkValue(line: CstLine, key: string, value: string, valueStart: number, scope: Scope, rule: KeyRule): void {
    if (rule.integer && integer(value) === undefined) {
      this.#report(
        'INVALID_NUMBER',
        'error',
        () => `'${fullKey(scope, key)}' must be a whole number, not '${value}'`,
        line,
        valueStart,
      );
    } else if (rule.flag && value !== '0' && value !== '1') {
      this.#report(
        'INVALID_BOOLEAN',
        'error',
        () => `'${fullKey(scope, key)}' must be 0 or 1, not '${value}'`,
        line,
        valueStart,
      );
    } else if (rule.yesNo && boolean(value) === undefined) {
      this.#report(
        'INVALID_BOOLEAN',
        'error',
        () => `'${fullKey(scope, key)}' must be yes/no or on/off, not '${value}'`,
        line,
        valueStart,
      );
    }
    const allowed = rule.values;
    if (allowed && !allowed.includes(value)) {
      this.#report(
        'INVALID_VALUE',
        'error',
        () => `'${fullKey(scope, key)}' must be one of ${allowed.join(', ')}, not '${value}'`,
        line,
        valueStart,
      );
    }
    if (scope === quorumScope && key === 'provider' && value !== 'corosync_votequorum') {
      this.#report(
        'QUORUM_PROVIDER',
        'error',
        () => `quorum provider '${value}' does not exist in corosync 3 (use corosync_votequorum)`,
        line,
        valueStart,
      );
    }
  }

  /** The checks the whole file decides, once it has been read. */
  #wholeFile(): void {
    const first = this.#first;
    const totem = this.#totem;
    const findings = this.#findings;
    if (!first) {
      findings.report('NO_NODES', 'the file has no sections: no totem, no nodelist, nothing for corosync to run', {
        start: 0,
        end: this.#hasLines ? 1 : 0,
      });
      return;
    }
    const totemPair = (key: string) => this.#totemPairs.get(key);
    const transport = totemPair('transport')?.value ?? 'knet';
    const knet = transport === 'knet';
    const report = this.#report.bind(this);

    for (const [pending, applies] of [
      [this.#knetOnly, !knet],
      [this.#missingNodeid, knet],
      [this.#linkRangeIfKnet, knet],
      [this.#linkRangeIfNotKnet, !knet],
      [this.#secondInterface, !knet],
    ] as const) {
      if (!applies) continue;
      for (const { line, column, message } of pending.items)
        report(pending.code, 'error', message(transport), line, column);
      this.#count(pending.code, pending.count - pending.items.length);
    }

    // Every group of nodes without all the links: its first few in file order, the others counted.
    const lacking = [...this.#nodesByLinks].filter(([links]) => links !== this.#links);
    const shown = lacking
      .flatMap(([, group]) => group.first)
      .sort((a, b) => a.index - b.index)
      .slice(0, this.#keepPerCode);
    for (const node of shown) {
      const missing = linkNumbers(this.#links & ~node.links);
      findings.report(
        'MISSING_LINK_ADDRESS',
        `${node.name ?? 'a node'} has no address for link ${missing.join(', ')} (ring${missing[0]}_addr)`,
        node.range,
      );
    }
    this.#count('MISSING_LINK_ADDRESS', lacking.reduce((total, [, group]) => total + group.count, 0) - shown.length);

    if (!totem) report('MISSING_TOTEM', 'warning', "no 'totem' section: every totem setting takes its default", first);
    else if (!totemPair('cluster_name'))
      report(
        'MISSING_CLUSTER_NAME',
        'warning',
        "'totem.cluster_name' is not set; pcs and Pacemaker tools expect it",
        totem,
      );

    const nodeCount = this.#nodeCount;
    if (nodeCount === 0 && transport !== 'udp') {
      const at = this.#nodelist ?? totem ?? first;
      const hint = this.#multicast
        ? ' (this looks like a corosync 2 multicast file: set transport: udp, or add a nodelist)'
        : '';
      report('NO_NODES', 'error', `transport ${transport} needs a nodelist with every node${hint}`, at);
    }
    const links = linkNumbers(this.#links).length;
    const firstNode = this.#nodesByLinks.get(this.#firstNodeLinks)?.first[0];
    if (!knet && links > 1 && firstNode) {
      findings.report(
        'TOO_MANY_LINKS',
        `transport ${transport} supports exactly one link; the nodes have ${links}`,
        firstNode.range,
      );
    }

    if (totem) {
      const cipher = totemPair('crypto_cipher');
      const hash = totemPair('crypto_hash');
      if (!knet) {
        for (const entry of [cipher, hash]) {
          if (entry && entry.value !== 'none') {
            report(
              'CRYPTO_NEEDS_KNET',
              'error',
              `'${entry.key}: ${entry.value}': corosync 3 encrypts only with transport knet`,
              entry.line,
              entry.valueStart,
            );
          }
        }
      } else if (cipher && cipher.value !== 'none' && (!hash || hash.value === 'none')) {
        report(
          'CRYPTO_INCOMPLETE',
          'error',
          `crypto_cipher ${cipher.value} needs a crypto_hash other than none`,
          cipher.line,
        );
      }
      const token = integer(totemPair('token')?.value);
      const consensusPair = totemPair('consensus');
      const consensus = integer(consensusPair?.value);
      if (token !== undefined && consensus !== undefined && consensusPair && consensus < 1.2 * token) {
        report(
          'TIMING_CONFLICT',
          'error',
          `consensus (${consensus} ms) must be at least 1.2 × token (${Math.ceil(1.2 * token)} ms)`,
          consensusPair.line,
          consensusPair.valueStart,
        );
      }
      const join = totemPair('join');
      if (join && consensus !== undefined && (integer(join.value) ?? 0) >= consensus) {
        report(
          'TIMING_CONFLICT',
          'warning',
          `join (${join.value} ms) should be well below consensus (${consensus} ms)`,
          join.line,
          join.valueStart,
        );
      }
      const version = totemPair('version');
      if (version && version.value !== '2')
        report(
          'INVALID_VALUE',
          'error',
          `totem version must be 2, not ${version.value}`,
          version.line,
          version.valueStart,
        );
    }

    if (this.#hasQuorum) {
      const twoNode = this.#quorumPairs.get('two_node');
      if (twoNode?.value === '1') {
        if (nodeCount !== 2 && nodeCount > 0)
          report(
            'TWO_NODE_NODE_COUNT',
            'error',
            `two_node: 1 needs exactly two nodes; the nodelist has ${nodeCount}`,
            twoNode.line,
          );
        if (this.#quorumDevice)
          report(
            'TWO_NODE_WITH_QDEVICE',
            'error',
            'two_node cannot be used together with a quorum device',
            twoNode.line,
          );
      }
      const lms = this.#quorumPairs.get('last_man_standing');
      if (lms?.value === '1' && this.#quorumPairs.get('wait_for_all')?.value !== '1') {
        report(
          'LAST_MAN_STANDING_WITHOUT_WAIT_FOR_ALL',
          'warning',
          'last_man_standing without wait_for_all can let a restarted minority become quorate (votequorum(5))',
          lms.line,
        );
      }
    }
  }
}

/** The link number of a `ringN_addr` key, else undefined. */
function ringLink(key: string): number | undefined {
  if (key.length < 10 || key.charCodeAt(0) !== 114 /* r */ || !key.startsWith('ring') || !key.endsWith('_addr'))
    return undefined;
  let link = 0;
  for (let i = 4; i < key.length - 5; i++) {
    const code = key.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
    link = link * 10 + (code - 48);
  }
  return link;
}

/** A set of nodeids: ids are usually 1…N, which a bitmap holds without hashing; the rest go to a Set. */
class NodeIdSet {
  static readonly #bitmapLimit = 1 << 24;
  #bits = new Uint8Array(128);
  readonly #others = new Set<number>();

  has(id: number): boolean {
    if (Number.isInteger(id) && id >= 0 && id < NodeIdSet.#bitmapLimit)
      return ((this.#bits[id >> 3] ?? 0) & (1 << (id & 7))) !== 0;
    return this.#others.has(id);
  }

  add(id: number): void {
    if (!(Number.isInteger(id) && id >= 0 && id < NodeIdSet.#bitmapLimit)) {
      this.#others.add(id);
      return;
    }
    if (id >> 3 >= this.#bits.length) {
      const grown = new Uint8Array(Math.max(this.#bits.length * 2, (id >> 3) + 1));
      grown.set(this.#bits);
      this.#bits = grown;
    }
    this.#bits[id >> 3] = (this.#bits[id >> 3] as number) | (1 << (id & 7));
  }
}

function linkNumbers(bits: number): number[] {
  const links: number[] = [];
  for (let link = 0; link <= 7; link++) if (bits & (1 << link)) links.push(link);
  return links;
}

function fullKey(scope: Scope, key: string): string {
  return scope === root ? key : `${scope.path}.${key}`;
}

// From `column` (an index into the line, default its first non-blank) to the end of the line's text, at least one character.
function lineRange(line: CstLine, column?: number): SourceRange {
  const from = column ?? leadingBlanks(line.text);
  const start = line.offset + from;
  return { start, end: start + Math.max(1, trimmedLength(line.text) - from) };
}

function leadingBlanks(text: string): number {
  let count = 0;
  while (count < text.length && isBlank(text.charCodeAt(count))) count++;
  return count;
}

const whitespace = /\s/;

// The length `text.trimEnd()` would have, without making the string.
function trimmedLength(text: string): number {
  let end = text.length;
  for (; end > 0; end--) {
    const code = text.charCodeAt(end - 1);
    if (!(code === 32 || (code >= 9 && code <= 13) || (code > 127 && whitespace.test(text[end - 1] as string)))) break;
  }
  return end;
}
