import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError, type Runner } from '@ha/core';
import { describe, expect, it } from 'vitest';
import { fixturesDirectory } from '../../test/fixtures.js';
import {
  describeTransition,
  parseInputListing,
  parseSince,
  transitionHistory,
  type ScheduledInput,
} from './history.js';

const directory = join(fixturesDirectory, 'pengine', 'pacemaker-2.1');
const listing = readFileSync(join(directory, 'listing.txt'), 'utf8');
const files = parseInputListing(listing, '/var/lib/pacemaker/pengine');
const base = (file: ScheduledInput) => (file.path.split('/').pop() ?? '').replace(/\.bz2$/, '');
const text = (file: ScheduledInput, kind = '') => readFileSync(join(directory, `${base(file)}${kind}.xml`), 'utf8');
const transitionOf = (name: string) => {
  const index = files.findIndex((file) => base(file) === name);
  const file = files[index] as ScheduledInput;
  const previous = files[index + 1];
  return describeTransition(file, text(file), previous ? text(previous) : undefined, text(file, '.simulate'));
};

describe('parseInputListing', () => {
  it('newest first by time, the number breaking ties; pe-input, pe-warn and pe-error; nothing else', () => {
    expect(files.map(base).slice(0, 4)).toEqual(['pe-input-15', 'pe-input-14', 'pe-input-13', 'pe-input-12']);
    expect(files.find((file) => base(file) === 'pe-warn-0')).toMatchObject({ series: 'warn', sequence: 0 });
    expect(parseInputListing('1.5 pe-input.last\n2.0 other\n3.25 pe-error-4\n', '/d')).toEqual([
      { path: '/d/pe-error-4', series: 'error', sequence: 4, mtimeMs: 3250 },
    ]);
  });
});

describe('describeTransition (real inputs of a lab DC)', () => {
  it('a standby: the node attribute that changed, by whom, and the moves it made', () => {
    const transition = transitionOf('pe-input-7');
    expect(transition.triggers.filter((t) => t.kind !== 'operation')).toEqual([
      { kind: 'node-attribute', subject: 'node2', detail: 'standby=on on node2' },
    ]);
    expect(transition.lastChange).toEqual({ client: 'cibadmin', user: 'root', origin: 'node1' });
    expect(transition.actions.map((a) => `${a.action} ${a.kind === 'fence' ? '' : a.resource} ${a.node}`)).toEqual([
      'stop WebServer node2',
      'stop VirtualIP node2',
      'start VirtualIP node3',
      'start WebServer node3',
    ]);
    expect(transition.time).toBe(
      new Date(
        Number(
          /execution-date="(\d+)"/.exec(text(files.find((f) => base(f) === 'pe-input-7') as ScheduledInput))?.[1],
        ) * 1000,
      ).toISOString(),
    );
  });

  it('a lost node: it left, the scheduler warned, and fencing comes first', () => {
    const transition = transitionOf('pe-warn-0');
    expect(transition.series).toBe('warn');
    expect(transition.triggers).toContainEqual({ kind: 'node-left', subject: 'node3', detail: 'node3 left' });
    expect(transition.actions[0]).toEqual({ kind: 'fence', action: 'off', node: 'node3' });
  });

  it("a failed monitor: the operation and its exit code; then the fail-count; the daemons' bookkeeping is left out", () => {
    expect(transitionOf('pe-input-10').triggers).toContainEqual({
      kind: 'operation-failed',
      subject: 'WebServer',
      detail: 'WebServer monitor (every 10s) on node2 returned 1',
    });
    const next = transitionOf('pe-input-11').triggers.map((t) => t.detail);
    expect(next).toEqual(
      expect.arrayContaining([expect.stringMatching(/^fail-count-WebServer#monitor_10000=1 on node2$/)]),
    );
    expect(
      transitionOf('pe-warn-1')
        .triggers.map((t) => t.detail)
        .join('\n'),
    ).not.toMatch(/#feature-set|returned 193/);
  });

  it('a resource added is one change, not one per operation; the first input has nothing to compare with', () => {
    expect(transitionOf('pe-input-1').triggers.filter((t) => t.kind === 'configuration')).toEqual([
      { kind: 'configuration', subject: 'VirtualIP', detail: 'primitive VirtualIP added' },
    ]);
    expect(transitionOf('pe-input-0').triggers).toEqual([
      { kind: 'first', subject: '', detail: 'no earlier input to compare with' },
    ]);
  });

  it('an input that is not a CIB is a ParseError naming it', () => {
    const file = files[0] as ScheduledInput;
    expect(() => describeTransition(file, '<status/>', undefined, text(file, '.simulate'))).toThrow(ParseError);
  });
});

describe('transitionHistory', () => {
  // The runner answers as the DC would: find lists the inputs, cibadmin reads one, crm_simulate replays it.
  const ran: string[] = [];
  const runner = {
    run: async (file: string, args: readonly string[], options: { env?: Record<string, string> } = {}) => {
      ran.push(file);
      const name = (path: string) => (path.split('/').pop() ?? '').replace(/\.bz2$/, '');
      const stdout =
        file === 'find'
          ? listing
          : file === 'cibadmin'
            ? readFileSync(join(directory, `${name(options.env?.CIB_file ?? '')}.xml`), 'utf8')
            : readFileSync(join(directory, `${name(args[1] ?? '')}.simulate.xml`), 'utf8');
      return { stdout, stderr: '', exitCode: 0 };
    },
  } as unknown as Runner;

  it('the newest N, filtered by time and by resource; each input read once', async () => {
    const all = await transitionHistory({ runner, limit: 3 });
    expect(all.map((t) => `pe-${t.series}-${t.sequence}`)).toEqual(['pe-input-15', 'pe-input-14', 'pe-input-13']);
    ran.length = 0;
    const web = await transitionHistory({ runner, limit: 2, resource: 'WebServer' });
    expect(web.map((t) => t.sequence)).toEqual([13, 11]);
    expect(ran.filter((file) => file === 'find')).toHaveLength(1);
    const since = await transitionHistory({ runner, since: new Date(files[2]?.mtimeMs ?? 0) });
    expect(since.map((t) => t.sequence)).toEqual([15, 14, 13, 12].slice(0, since.length));
  });
});

describe('parseSince', () => {
  it('a time, or a duration ago; anything else a usage error', () => {
    const now = Date.parse('2026-12-01T04:00:00Z');
    expect(parseSince('2026-12-01T03:12:00Z', now).toISOString()).toBe('2026-12-01T03:12:00.000Z');
    expect(parseSince('90m', now).toISOString()).toBe('2026-12-01T02:30:00.000Z');
    expect(parseSince('PT2H', now).toISOString()).toBe('2026-12-01T02:00:00.000Z');
    expect(() => parseSince('yesterday-ish', now)).toThrow(/neither a time/);
  });
});
