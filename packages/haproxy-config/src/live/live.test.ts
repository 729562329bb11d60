import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HaError, UsageError } from '@ha/core';
import type { ServerState } from '@ha/haproxy-runtime';
import { setServerOption } from '../edit/edits.js';
import { toConfig } from '../model/config.js';
import { parse } from '../parse/cst.js';
import { serialize } from '../print/serialize.js';
import { changeFromWords } from './change-words.js';
import { compareRuntime } from './drift.js';
import { lineChanges } from './line-changes.js';
import {
  addPatternEntry,
  deletePatternEntry,
  parsePatternFile,
  patternFileEntries,
  printPatternFile,
  replacePatternEntries,
  setPatternEntry,
} from './pattern-file.js';
import { planPatternChange } from './pattern-plan.js';
import { adminStateName, planServerChange, type ServerSnapshot } from './plan.js';
import { serverStateFileOf, useServerStateFile } from './server-state.js';

const config = `global
    maxconn 100   # kept

defaults
    mode http
    timeout connect 2s

backend servers   # the pool
    balance roundrobin
    server web1 10.0.0.1:80 check inter 2s   # first
    server web2 10.0.0.2:80 weight 5 disabled
    # a comment between servers
`;

function row(name: string, extra: Partial<ServerState> = {}): ServerState {
  return {
    be_id: 3,
    be_name: 'servers',
    srv_id: name === 'web1' ? 1 : 2,
    srv_name: name,
    srv_addr: name === 'web1' ? '10.0.0.1' : '10.0.0.2',
    srv_op_state: 2,
    srv_admin_state: name === 'web2' ? 5 : 0,
    srv_uweight: name === 'web2' ? 5 : 1,
    srv_iweight: name === 'web2' ? 5 : 1,
    srv_port: 80,
    srv_check_state: name === 'web1' ? 6 : 0,
    srv_check_port: 0,
    srv_check_addr: '-',
    ...extra,
  };
}
const snapshot = (name: string, extra: Partial<ServerState> = {}): ServerSnapshot => ({
  state: row(name, extra),
  maxconn: 0,
});

describe('map and ACL files', () => {
  it('keep every byte through parse and print, whatever the text', () => {
    const text = fc.stringMatching(/^[ -~\t\r\n]{0,200}$/);
    fc.assert(
      fc.property(text, fc.constantFrom('map' as const, 'acl' as const), (input, kind) => {
        expect(printPatternFile(parsePatternFile(input, kind))).toBe(input);
      }),
    );
  });

  it('read entries as HAProxy does: comments and blank lines skipped, the key the first word', () => {
    const file = parsePatternFile('# hosts\r\n\r\n  example.com   be_web  \r\nbare\r\n', 'map');
    // A value keeps its trailing blanks, as HAProxy reads it.
    expect(patternFileEntries(file)).toEqual([
      ['example.com', 'be_web  '],
      ['bare', ''],
    ]);
    expect(file.eol).toBe('\r\n');
    // Only a `#` in the first column starts a comment.
    expect(patternFileEntries(parsePatternFile('10.0.0.0/8\n# x\n #y\n192.0.2.1', 'acl'))).toEqual([
      ['10.0.0.0/8', ''],
      ['#y', ''],
      ['192.0.2.1', ''],
    ]);
  });

  it('change only their own lines, in the file’s line endings', () => {
    const file = parsePatternFile('# routes\n  /api api\n/static static', 'map');
    addPatternEntry(file, '/admin', 'admin');
    setPatternEntry(file, '/api', 'api-v2');
    deletePatternEntry(file, '/static');
    expect(printPatternFile(file)).toBe('# routes\n  /api api-v2\n/admin admin\n');
    replacePatternEntries(file, [
      ['/a', '1'],
      ['/b', '2'],
    ]);
    expect(printPatternFile(file)).toBe('# routes\n/a 1\n/b 2\n');
    const acl = parsePatternFile('# none yet\r\n', 'acl');
    replacePatternEntries(acl, ['192.0.2.1']);
    expect(printPatternFile(acl)).toBe('# none yet\r\n192.0.2.1\r\n');
  });

  it('refuse what the file or one Runtime API command could not hold', () => {
    const file = parsePatternFile('/api api\n', 'map');
    expect(() => addPatternEntry(file, '/x', 'a\nb')).toThrow(TypeError);
    expect(() => addPatternEntry(file, '/x', 'a;b')).toThrow(TypeError);
    expect(() => addPatternEntry(file, 'a key', 'v')).toThrow(TypeError);
    expect(() => addPatternEntry(file, '#x', 'v')).toThrow(TypeError);
    expect(() => addPatternEntry(file, '/api', 'again')).toThrow(HaError);
    expect(() => setPatternEntry(file, '/none', 'v')).toThrow(HaError);
    expect(() => deletePatternEntry(file, '/none')).toThrow(HaError);
    expect(printPatternFile(file)).toBe('/api api\n');
  });

  it('plan the runtime commands with their undo from what HAProxy holds', () => {
    const current = [{ ref: '0x1', key: '/api', value: 'api' }];
    const set = planPatternChange('/api api\n', { kind: 'map-set', map: '/m.map', key: '/api', value: 'v2' }, current);
    expect(set.text).toBe('/api v2\n');
    expect(set.steps).toEqual([
      {
        step: { words: ['set', 'map', '/m.map', '/api', 'v2'] },
        undo: [{ words: ['set', 'map', '/m.map', '/api', 'api'] }],
      },
    ]);
    const removed = planPatternChange('/api api\n', { kind: 'map-delete', map: '/m.map', key: '/api' }, current);
    expect(removed.steps[0]?.undo).toEqual([{ replace: { id: '/m.map', kind: 'map', entries: [['/api', 'api']] } }]);
  });
});

describe('setServerOption', () => {
  it('sets, adds and removes one setting, keeping the rest of the line and its comment', () => {
    const document = parse(config);
    setServerOption(document, 'servers', 'web1', 'inter', '3s');
    setServerOption(document, 'servers', 'web1', 'weight', '50');
    setServerOption(document, 'servers', 'web2', 'disabled', false);
    setServerOption(document, 'servers', 'web2', 'check', true);
    expect(lineChanges(config, serialize(document))).toEqual({
      removed: [
        '    server web1 10.0.0.1:80 check inter 2s   # first',
        '    server web2 10.0.0.2:80 weight 5 disabled',
      ],
      added: [
        '    server web1 10.0.0.1:80 check inter 3s weight 50   # first',
        '    server web2 10.0.0.2:80 weight 5 check',
      ],
    });
  });

  it('refuses a value for a flag, none for a valued setting, and unknown settings', () => {
    const document = parse(config);
    expect(() => setServerOption(document, 'servers', 'web1', 'check', '1')).toThrow(TypeError);
    expect(() => setServerOption(document, 'servers', 'web1', 'weight', true)).toThrow(TypeError);
    expect(() => setServerOption(document, 'servers', 'web1', 'nonsense', true)).toThrow(TypeError);
    expect(() => setServerOption(document, 'servers', 'web9', 'weight', '1')).toThrow(HaError);
    expect(serialize(document)).toBe(config);
  });
});

describe('planServerChange', () => {
  it('a weight: the command, its undo from the running weight, and the line', () => {
    const document = parse(config);
    const plan = planServerChange(
      document,
      { kind: 'set-weight', server: 'servers/web1', weight: 50 },
      snapshot('web1', { srv_uweight: 7 }),
    );
    expect(plan).toMatchObject({ route: 'runtime', reason: undefined });
    expect(plan.steps).toEqual([
      {
        step: { words: ['set', 'server', 'servers/web1', 'weight', 50] },
        undo: [{ words: ['set', 'server', 'servers/web1', 'weight', 7] }],
        reloadOnRefusal: /static/i,
      },
    ]);
    expect(serialize(document)).toContain('server web1 10.0.0.1:80 check inter 2s weight 50   # first');
  });

  it('states: maint is `disabled`, a drain is noted as the server-state file’s to keep', () => {
    const document = parse(config);
    const ready = planServerChange(
      document,
      { kind: 'set-state', server: 'servers/web2', state: 'ready' },
      snapshot('web2'),
    );
    expect(ready.steps[0]?.undo).toEqual([{ words: ['set', 'server', 'servers/web2', 'state', 'maint'] }]);
    expect(serialize(document)).toContain('server web2 10.0.0.2:80 weight 5\n');
    const drain = planServerChange(
      document,
      { kind: 'set-state', server: 'servers/web1', state: 'drain' },
      snapshot('web1'),
    );
    expect(drain.notes[0]).toContain('server-state file');
    expect(adminStateName(8)).toBe('drain');
    expect(adminStateName(5)).toBe('maint');
    expect(adminStateName(0)).toBe('ready');
    // `disabled` on the line (CMAINT) stays set once the server is made ready.
    expect(adminStateName(4)).toBe('ready');
  });

  it('an address keeps the file’s port unless given one; the undo restores the running address', () => {
    const document = parse(config);
    const plan = planServerChange(
      document,
      { kind: 'set-address', server: 'servers/web1', address: '10.0.0.9' },
      snapshot('web1'),
    );
    expect(serialize(document)).toContain('server web1 10.0.0.9:80 check');
    expect(plan.steps[0]?.undo).toEqual([{ words: ['set', 'server', 'servers/web1', 'addr', '10.0.0.1'] }]);
  });

  it('goes by a reload where the runtime cannot follow the file', () => {
    const inter = planServerChange(
      parse(config),
      { kind: 'set-check', server: 'servers/web1', interMs: 500 },
      snapshot('web1'),
    );
    expect(inter).toMatchObject({ route: 'reload', steps: [] });
    const withDefaults = parse(
      config.replace('    balance roundrobin\n', '    balance roundrobin\n    default-server inter 1s\n'),
    );
    const add = planServerChange(
      withDefaults,
      { kind: 'add-server', server: 'servers/web3', address: '10.0.0.3:80' },
      undefined,
    );
    expect(add.route).toBe('reload');
    expect(add.reason).toContain('default-server');
    const noCheck = planServerChange(
      parse(config),
      { kind: 'set-check', server: 'servers/web2', enabled: true },
      snapshot('web2'),
    );
    expect(noCheck.route).toBe('reload');
  });

  it('a new server: add, checks, enable; each undone in turn', () => {
    const document = parse(config);
    const plan = planServerChange(
      document,
      { kind: 'add-server', server: 'servers/web3', address: '10.0.0.3:80', options: { check: true } },
      undefined,
    );
    expect(plan.steps.map((step) => step.step)).toEqual([
      { words: ['add', 'server', 'servers/web3', '10.0.0.3:80', 'check'] },
      { words: ['enable', 'health', 'servers/web3'] },
      { words: ['enable', 'server', 'servers/web3'] },
    ]);
    expect(plan.steps[0]?.reloadOnRefusal).toBe(true);
    expect(serialize(document)).toContain('    server web3 10.0.0.3:80 check\n    # a comment');
  });

  it('refuses what does not exist and bad values, changing nothing', () => {
    const document = parse(config);
    const refuse = (change: Parameters<typeof planServerChange>[1], running = snapshot('web1')) =>
      expect(() => planServerChange(document, change, running));
    refuse({ kind: 'set-weight', server: 'servers/web1', weight: 257 }).toThrow(TypeError);
    refuse({ kind: 'set-weight', server: 'servers/web1', weight: 1.5 }).toThrow(TypeError);
    refuse({ kind: 'set-weight', server: 'other/web1', weight: 1 }).toThrow(HaError);
    expect(() =>
      planServerChange(document, { kind: 'set-weight', server: 'servers/web1', weight: 1 }, undefined),
    ).toThrow(/no server/);
    refuse({ kind: 'set-address', server: 'servers/web1', address: '10.0.0.1;x' }).toThrow(TypeError);
    refuse({ kind: 'set-check', server: 'servers/web1' }).toThrow(TypeError);
    refuse({ kind: 'add-server', server: 'servers/web1', address: '10.0.0.5:80' }).toThrow(/already/);
    expect(serialize(document)).toBe(config);
  });
});

describe('planServerChange under default-server settings', () => {
  const inherited = config.replace(
    '    balance roundrobin\n',
    '    balance roundrobin\n    default-server disabled check maxconn 50\n',
  );

  it('writes the server’s own word where a default-server would undo the change after a reload', () => {
    const document = parse(inherited);
    planServerChange(document, { kind: 'set-state', server: 'servers/web1', state: 'ready' }, snapshot('web1'));
    planServerChange(document, { kind: 'set-check', server: 'servers/web1', enabled: false }, snapshot('web1'));
    planServerChange(document, { kind: 'set-maxconn', server: 'servers/web1', maxconn: 0 }, snapshot('web1'));
    expect(serialize(document)).toContain(
      '    server web1 10.0.0.1:80 inter 2s enabled no-check maxconn 0   # first\n',
    );
  });
});

describe('planned steps', () => {
  it('a delete waits for the server’s connections to close, and goes by a reload when HAProxy keeps refusing', () => {
    const plan = planServerChange(parse(config), { kind: 'delete-server', server: 'servers/web1' }, snapshot('web1'));
    const del = plan.steps[2];
    expect(del?.step).toEqual({ words: ['del', 'server', 'servers/web1'] });
    expect(del?.reloadOnRefusal).toBe(true);
    expect(del?.retryWhile?.test('Server still has connections attached to it, cannot remove it.')).toBe(true);
  });

  it('refuses a name where set server addr takes an IP, and a map key the running map has already', () => {
    expect(() =>
      planServerChange(
        parse(config),
        { kind: 'set-address', server: 'servers/web1', address: 'db.example' },
        snapshot('web1'),
      ),
    ).toThrow(/not an IP address/);
    expect(() =>
      planPatternChange('', { kind: 'map-add', map: '/m.map', key: '/a', value: 'x' }, [
        { ref: '1', key: '/a', value: 'y' },
      ]),
    ).toThrow(/map-set/);
  });
});

describe('compareRuntime', () => {
  const model = toConfig([parse(config)]);
  const view = (servers: ServerState[]) => ({ servers, stat: [], patterns: [] });
  const files = { savedStates: undefined, patternFiles: new Map() };

  it('finds nothing when the running process is what the file says', () => {
    expect(compareRuntime(model, view([row('web1'), row('web2')]), files)).toEqual([]);
  });

  it('names each setting that differs, and servers one side lacks', () => {
    const drifts = compareRuntime(
      model,
      view([row('web1', { srv_uweight: 9, srv_addr: '10.0.0.7', srv_admin_state: 8 }), row('web3')]),
      files,
    );
    expect(drifts).toEqual([
      { kind: 'state', backend: 'servers', server: 'web1', file: 'ready', runtime: 'drain' },
      { kind: 'weight', backend: 'servers', server: 'web1', file: 1, runtime: 9 },
      { kind: 'address', backend: 'servers', server: 'web1', file: '10.0.0.1', runtime: '10.0.0.7' },
      { kind: 'server', backend: 'servers', server: 'web2', file: 'present', runtime: undefined },
      { kind: 'server', backend: 'servers', server: 'web3', file: undefined, runtime: 'present' },
    ]);
  });

  it('takes what the server-state file saved as the file’s word (a reload restores it)', () => {
    const drained = row('web1', { srv_admin_state: 8, srv_uweight: 20 });
    expect(compareRuntime(model, view([drained, row('web2')]), { ...files, savedStates: [drained] })).toEqual([]);
  });

  it('compares map entries both ways', () => {
    const patterns = [{ kind: 'map' as const, file: '/m.map', entries: [{ ref: '1', key: '/a', value: 'x' }] }];
    const drifts = compareRuntime(
      model,
      { servers: [row('web1'), row('web2')], stat: [], patterns },
      { savedStates: undefined, patternFiles: new Map([['/m.map', [['/b', 'y']] as [string, string][]]]) },
    );
    expect(drifts).toEqual([
      { kind: 'map-entry', map: '/m.map', key: '/b', file: 'y', runtime: undefined },
      { kind: 'map-entry', map: '/m.map', key: '/a', file: undefined, runtime: 'x' },
    ]);
  });
});

describe('the server-state file', () => {
  it('is set up in global and every defaults section, and found again', () => {
    const document = parse(`${config}defaults tcp\n    mode tcp\n`);
    expect(serverStateFileOf([document])).toBeUndefined();
    useServerStateFile(document, '/var/lib/haproxy/server-state');
    expect(serverStateFileOf([document])).toBe('/var/lib/haproxy/server-state');
    expect(serialize(document).match(/load-server-state-from-file global/g)).toHaveLength(2);
    expect(() => useServerStateFile(document, 'relative')).toThrow(TypeError);
  });

  it('is found under server-state-base', () => {
    const document = parse(
      'global\n    server-state-base /var/state\n    server-state-file haproxy\ndefaults\n    load-server-state-from-file global\n',
    );
    expect(serverStateFileOf([document])).toBe('/var/state/haproxy');
  });
});

describe('changeFromWords', () => {
  const read = async () => '/a 1\n# c\n/b 2\n';
  it('reads each verb', async () => {
    expect(await changeFromWords(['set-weight', 'servers/web1', '50'], read)).toEqual({
      kind: 'set-weight',
      server: 'servers/web1',
      weight: 50,
    });
    expect(await changeFromWords(['set-check', 'servers/web1', 'disable', 'port=8080', 'inter=2s'], read)).toEqual({
      kind: 'set-check',
      server: 'servers/web1',
      enabled: false,
      port: 8080,
      interMs: 2000,
    });
    expect(await changeFromWords(['add-server', 'servers/web3', '10.0.0.3:80', 'check', 'weight', '5'], read)).toEqual({
      kind: 'add-server',
      server: 'servers/web3',
      address: '10.0.0.3:80',
      options: { check: true, disabled: false, options: ['weight', '5'] },
    });
    expect(await changeFromWords(['map-replace', '/m.map', 'entries.map'], read)).toMatchObject({
      entries: [
        ['/a', '1'],
        ['/b', '2'],
      ],
    });
  });

  it('refuses wrong words with the verb’s form', async () => {
    await expect(changeFromWords(['set-weight', 'servers/web1'], read)).rejects.toThrow(UsageError);
    await expect(changeFromWords(['set-state', 'servers/web1', 'up'], read)).rejects.toThrow(/ready\|drain\|maint/);
    await expect(changeFromWords(['frobnicate'], read)).rejects.toThrow(/set-weight/);
    await expect(changeFromWords(['set-weight', 'no-slash', '1'], read)).rejects.toThrow(UsageError);
  });
});

describe('lineChanges', () => {
  it('lists only the lines an edit in several places changed', () => {
    const before = 'global\n    maxconn 1\ndefaults\n    mode http\n    timeout client 1s\n';
    const after = 'global\n    maxconn 1\n    server-state-file /s\ndefaults\n    mode http\n    timeout client 2s\n';
    expect(lineChanges(before, after)).toEqual({
      removed: ['    timeout client 1s'],
      added: ['    server-state-file /s', '    timeout client 2s'],
    });
    expect(lineChanges(before, before)).toEqual({ removed: [], added: [] });
  });

  it('keeps as many lines of each side, and lists only lines each side has', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (a, b) => {
        const { removed, added } = lineChanges(a.map((x) => `${x}\n`).join(''), b.map((x) => `${x}\n`).join(''));
        // What is kept is the same number of lines on both sides.
        expect(a.length - removed.length).toBe(b.length - added.length);
        for (const x of removed) expect(a).toContain(x);
        for (const x of added) expect(b).toContain(x);
      }),
    );
  });
});
