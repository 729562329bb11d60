import { defaultRunner, parseDuration, UsageError, type Runner } from '@ha/core';
import { pcsParseError } from '../errors.js';
import { childNamed, childrenNamed, parseXmlTree, type XmlElement } from '../xml/tree.js';
import type { SimulatedAction, SummaryAction } from './model.js';
import { nvpairValues } from './cib.js';
import { parseSimulation } from './simulation.js';

/** Where Pacemaker's scheduler saves its inputs on the DC (`pe-input-N.bz2`, `pe-warn-N`, `pe-error-N`). */
export const schedulerInputsDirectory = '/var/lib/pacemaker/pengine';

/** What made the DC compute a transition, read from how its input differs from the one before. */
export interface TransitionTrigger {
  /**
   * `node-joined`, `node-left` (membership), `node-attribute` (standby, fail-count …),
   * `configuration` (a resource, constraint or option changed), `operation-failed`,
   * `operation` (a result came in), `first` (no earlier input to compare with).
   */
  kind: 'node-joined' | 'node-left' | 'node-attribute' | 'configuration' | 'operation-failed' | 'operation' | 'first';
  /** The node or resource (or constraint, option) it is about. */
  subject: string;
  /** In words: `standby=on on node1`, `WebServer monitor on node1 returned 7`. */
  detail: string;
}

/** One transition the DC computed, from its saved scheduler input. */
export interface Transition {
  /** The input's path where the runner runs. */
  file: string;
  /** `input`, `warn` (the scheduler warned) or `error`. */
  series: 'input' | 'warn' | 'error';
  /** The input's number in its series. */
  sequence: number;
  /** When the scheduler ran (the input's `execution-date`, else the file's time), ISO 8601. */
  time: string;
  /** What made it run; several at once are common (a node left and its resources' operations failed). */
  triggers: TransitionTrigger[];
  /** Who last changed the configuration (the CIB's `update-client`, `update-user`, `update-origin`). */
  lastChange: {
    /** The tool that made it (`crm_attribute`, `cibadmin`, `crmd`). */
    client?: string;
    /** The user who ran it. */
    user?: string;
    /** The node it was made on. */
    origin?: string;
  };
  /** The transition summary, as the scheduler states it (replayed with crm_simulate). */
  summary: SummaryAction[];
  /** The actions it ran, in order, monitors left out. */
  actions: SimulatedAction[];
}

/** Options of `transitionHistory`. */
export interface TransitionHistoryOptions {
  /** Runs the tools on the DC (default: this machine). */
  runner?: Runner;
  /** At most this many, newest first (default 10). */
  limit?: number;
  /** Only transitions at or after this time. */
  since?: Date;
  /** Only transitions whose actions or triggers name this resource (a primitive, or its group or clone). */
  resource?: string;
  /** Where the inputs are (default `/var/lib/pacemaker/pengine`). */
  directory?: string;
  /** Deadline of each tool, ms (default 60 s). */
  timeoutMs?: number;
}

/**
 * The last transitions the DC computed, newest first: each from its saved
 * scheduler input, replayed with `crm_simulate` for the actions it ran, and
 * compared with the input before it for what triggered it. Run it on the DC
 * (only the DC saves inputs; a node that was DC earlier keeps its own).
 */
export async function transitionHistory(options: TransitionHistoryOptions = {}): Promise<Transition[]> {
  const runner = options.runner ?? defaultRunner;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const directory = options.directory ?? schedulerInputsDirectory;
  const limit = options.limit ?? 10;
  const listing = await runner.run(
    'find',
    [directory, '-maxdepth', '1', '-type', 'f', '-name', 'pe-*-[0-9]*', '-printf', '%T@ %f\\n'],
    { timeoutMs },
  );
  const files = parseInputListing(listing.stdout, directory);
  const since = options.since?.getTime();
  const wanted = files.filter((file) => since === undefined || file.mtimeMs >= since);
  const transitions: Transition[] = [];
  // Newest first; one more input than shown, as the base of the oldest one's triggers.
  const texts = new Map<string, Promise<string>>();
  const read = (path: string) => {
    let text = texts.get(path);
    if (!text) {
      text = runner
        .run('cibadmin', ['--query'], { timeoutMs, env: { CIB_file: path } })
        .then((result) => result.stdout);
      texts.set(path, text);
    }
    return text;
  };
  for (let index = 0; index < wanted.length && transitions.length < limit; index++) {
    const file = wanted[index] as ScheduledInput;
    const previous = files[files.indexOf(file) + 1];
    const [text, previousText, replay] = await Promise.all([
      read(file.path),
      previous ? read(previous.path) : Promise.resolve(undefined),
      runner.run('crm_simulate', ['--xml-file', file.path, '--simulate', '--output-as=xml'], { timeoutMs }),
    ]);
    const transition = describeTransition(file, text, previousText, replay.stdout);
    if (options.resource === undefined || mentions(transition, options.resource)) transitions.push(transition);
  }
  return transitions;
}

/** One saved scheduler input, as `find -printf '%T@ %f'` lists it. */
export interface ScheduledInput {
  /** Its path. */
  path: string;
  /** `input`, `warn` or `error`. */
  series: 'input' | 'warn' | 'error';
  /** Its number. */
  sequence: number;
  /** When it was written, ms since the epoch. */
  mtimeMs: number;
}

/** The scheduler inputs of a `find -printf '%T@ %f\n'` listing, newest first. */
export function parseInputListing(text: string, directory: string): ScheduledInput[] {
  const inputs: ScheduledInput[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+(?:\.\d+)?) (pe-(input|warn|error)-(\d+)(?:\.bz2)?)$/.exec(line.trim());
    if (!match) continue;
    inputs.push({
      path: `${directory}/${match[2] ?? ''}`,
      series: match[3] as ScheduledInput['series'],
      sequence: Number(match[4]),
      mtimeMs: Math.round(Number(match[1]) * 1000),
    });
  }
  // The series wrap (pe-input-series-max): the time orders them, the number breaks ties.
  return inputs.sort((a, b) => b.mtimeMs - a.mtimeMs || b.sequence - a.sequence);
}

/** A transition from its input's text, the input before it (if any) and crm_simulate's replay of it (pure). */
export function describeTransition(
  file: ScheduledInput,
  text: string,
  previousText: string | undefined,
  replay: string,
): Transition {
  const root = parseXmlTree(text, { file: file.path });
  if (root.name !== 'cib')
    throw pcsParseError('NOT_SCHEDULER_INPUT', `not a scheduler input (root element <${root.name}>)`, {
      file: file.path,
      line: root.line,
      column: root.column,
    });
  const simulation = parseSimulation(replay, { file: `crm_simulate --xml-file ${file.path}` });
  const executed = Number(root.attributes['execution-date']);
  const a = root.attributes;
  return {
    file: file.path,
    series: file.series,
    sequence: file.sequence,
    time: new Date(Number.isFinite(executed) && executed > 0 ? executed * 1000 : file.mtimeMs).toISOString(),
    triggers:
      previousText === undefined
        ? [{ kind: 'first', subject: '', detail: 'no earlier input to compare with' }]
        : triggersBetween(parseXmlTree(previousText, { file: 'the input before' }), root),
    lastChange: {
      ...(a['update-client'] === undefined ? {} : { client: a['update-client'] }),
      ...(a['update-user'] === undefined ? {} : { user: a['update-user'] }),
      ...(a['update-origin'] === undefined ? {} : { origin: a['update-origin'] }),
    },
    summary: simulation.summary,
    actions: simulation.actions.filter((action) => !(action.kind === 'resource' && action.action === 'monitor')),
  };
}

/** What differs between two scheduler inputs, as the triggers of the later one's transition (pure). */
export function triggersBetween(before: XmlElement, after: XmlElement): TransitionTrigger[] {
  const triggers: TransitionTrigger[] = [];
  const states = (root: XmlElement) =>
    new Map(
      childrenNamed(childNamed(root, 'status'), 'node_state').map((state) => [state.attributes.uname ?? '', state]),
    );
  const was = states(before);
  const now = states(after);
  const member = (state: XmlElement | undefined) =>
    state !== undefined &&
    !['false', '0'].includes(state.attributes.in_ccm ?? 'false') &&
    !['offline', '0'].includes(state.attributes.crmd ?? 'offline') &&
    state.attributes.join === 'member';
  for (const [node, state] of now) {
    const old = was.get(node);
    if (member(state) && !member(old)) triggers.push({ kind: 'node-joined', subject: node, detail: `${node} joined` });
    if (!member(state) && member(old)) triggers.push({ kind: 'node-left', subject: node, detail: `${node} left` });
    const attributes = (entry: XmlElement | undefined) =>
      nvpairValues(childNamed(entry, 'transient_attributes')?.children.flatMap((set) => set.children) ?? []);
    // `#feature-set` and the like are the daemons' own bookkeeping.
    for (const [name, value] of changedPairs(attributes(old), attributes(state)))
      if (!name.startsWith('#'))
        triggers.push({ kind: 'node-attribute', subject: node, detail: `${name}=${value ?? '(removed)'} on ${node}` });
    const ops = (entry: XmlElement | undefined) => {
      const map = new Map<string, XmlElement>();
      for (const resource of childrenNamed(childNamed(childNamed(entry, 'lrm'), 'lrm_resources'), 'lrm_resource'))
        for (const op of childrenNamed(resource, 'lrm_rsc_op'))
          map.set(`${resource.attributes.id ?? ''}\u0000${op.attributes.id ?? ''}`, op);
      return map;
    };
    const oldOps = ops(old);
    for (const [key, op] of ops(state)) {
      const previous = oldOps.get(key);
      if (previous && previous.attributes['call-id'] === op.attributes['call-id']) continue;
      const resource = key.split('\u0000')[0] ?? '';
      const task = op.attributes.operation ?? '?';
      const rc = op.attributes['rc-code'] ?? '?';
      const interval = Number(op.attributes.interval ?? '0');
      // A probe finding it stopped (7) or promoted (8) is an answer, not a failure.
      const probe = task === 'monitor' && interval === 0;
      // 193 is the placeholder of an operation still in flight (op-status -1): no result yet.
      const pending = rc === '193' || op.attributes['op-status'] === '-1';
      const failed =
        !pending && rc !== '0' && !(probe && (rc === '7' || rc === '8')) && !(task === 'monitor' && rc === '8');
      const what = `${resource} ${task}${interval > 0 ? ` (every ${interval / 1000}s)` : ''} on ${node}`;
      triggers.push(
        failed
          ? { kind: 'operation-failed', subject: resource, detail: `${what} returned ${rc}` }
          : { kind: 'operation', subject: resource, detail: `${what} done` },
      );
    }
  }
  for (const [node, old] of was)
    if (!now.has(node) && member(old)) triggers.push({ kind: 'node-left', subject: node, detail: `${node} left` });
  // The configuration: node attributes, options, resources' meta, and constraints.
  const configuration = (root: XmlElement) => childNamed(root, 'configuration');
  const permanent = (root: XmlElement) => {
    const map = new Map<string, string>();
    for (const node of childrenNamed(childNamed(configuration(root), 'nodes'), 'node'))
      for (const [name, value] of nvpairValues(node.children.flatMap((set) => set.children)))
        map.set(`${node.attributes.uname ?? ''}\u0000${name}`, value);
    return map;
  };
  for (const [key, value] of changedPairs(permanent(before), permanent(after))) {
    const [node = '', name = ''] = key.split('\u0000');
    triggers.push({ kind: 'node-attribute', subject: node, detail: `${name}=${value ?? '(removed)'} on ${node}` });
  }
  const options = (root: XmlElement) =>
    nvpairValues(
      childrenNamed(childNamed(configuration(root), 'crm_config'), 'cluster_property_set').flatMap((s) => s.children),
    );
  for (const [name, value] of changedPairs(options(before), options(after)))
    if (name !== 'dc-version' && name !== 'cluster-infrastructure' && name !== 'last-lrm-refresh')
      triggers.push({ kind: 'configuration', subject: name, detail: `cluster option ${name}=${value ?? '(removed)'}` });
  // Resources (with their operations) and constraints by id; an operation of a resource added or removed with it
  // is not a change of its own.
  const elements = (root: XmlElement, section: string) => {
    const map = new Map<string, { element: XmlElement; owner: string | undefined }>();
    const visit = (element: XmlElement, owner: string | undefined) => {
      const id = element.attributes.id;
      const kept = id !== undefined && element.name !== 'nvpair' && !element.name.endsWith('_attributes');
      if (kept) map.set(id, { element, owner });
      for (const child of element.children) visit(child, kept && element.name !== 'op' ? id : owner);
    };
    for (const child of childNamed(configuration(root), section)?.children ?? []) visit(child, undefined);
    return map;
  };
  for (const section of ['resources', 'constraints']) {
    const old = elements(before, section);
    const current = elements(after, section);
    for (const [id, { element, owner }] of current) {
      const previous = old.get(id)?.element;
      if (!previous && !(owner !== undefined && !old.has(owner)))
        triggers.push({
          kind: 'configuration',
          subject: owner ?? id,
          detail: `${element.name} ${id}${owner === undefined ? '' : ` of ${owner}`} added`,
        });
      else if (previous && section === 'resources' && element.name !== 'op') {
        const meta = (entry: XmlElement) =>
          nvpairValues(childrenNamed(entry, 'meta_attributes').flatMap((set) => set.children));
        for (const [name, value] of changedPairs(meta(previous), meta(element)))
          triggers.push({ kind: 'configuration', subject: id, detail: `${id} ${name}=${value ?? '(removed)'}` });
      }
    }
    for (const [id, { element, owner }] of old)
      if (!current.has(id) && !(owner !== undefined && !current.has(owner)))
        triggers.push({
          kind: 'configuration',
          subject: owner ?? id,
          detail: `${element.name} ${id}${owner === undefined ? '' : ` of ${owner}`} removed`,
        });
  }
  return triggers;
}

function changedPairs(before: Map<string, string>, after: Map<string, string>): [string, string | undefined][] {
  const changed: [string, string | undefined][] = [];
  for (const [name, value] of after) if (before.get(name) !== value) changed.push([name, value]);
  for (const name of before.keys()) if (!after.has(name)) changed.push([name, undefined]);
  return changed;
}

function mentions(transition: Transition, resource: string): boolean {
  const named = (id: string | undefined) =>
    id !== undefined && (id === resource || id.replace(/:\d+$/, '') === resource);
  return (
    transition.actions.some((action) => action.kind !== 'fence' && named(action.resource)) ||
    transition.summary.some((entry) => named(entry.resource)) ||
    // A result coming in for it is no reason of its own (every start is followed by its monitor's).
    transition.triggers.some((trigger) => trigger.kind !== 'operation' && named(trigger.subject))
  );
}

/** `--since`: an ISO 8601 time, or a duration ago (`90m`, `2h`, `PT30M`). */
export function parseSince(text: string, now = Date.now()): Date {
  const ago = safeAgo(text);
  if (ago !== undefined) return new Date(now - ago);
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new UsageError(`--since '${text}' is neither a time (2026-12-01T03:00:00Z) nor a duration ago (90m, 2h)`);
  return new Date(time);
}

function safeAgo(text: string): number | undefined {
  try {
    return parseDuration(text, { what: '--since', defaultUnit: 's' });
  } catch {
    return undefined;
  }
}
