import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputTooLargeError, ParseError } from '@ha/core';
import { fixture, fixturesDirectory } from '../../test/fixtures.js';
import { parseEvents2Text } from './events2.js';
import { evaluateDrbdHealth } from './health.js';
import { parseDrbdsetupJson, parseJsonPrecise } from './json.js';
import { connectionStates, diskStates, drbdRoles, replicationStates } from './model.js';
import { parseDrbdStatusText, readDrbdStatusFile } from './read.js';
import { parseDrbdadmStatus } from './text.js';
import { parseProcDrbd } from './proc.js';

const health = (path: string) => {
  const verdict = evaluateDrbdHealth(parseDrbdStatusText(fixture(path), { file: path }));
  return verdict.resources.map((resource) => [
    resource.name,
    resource.state,
    resource.percentInSync,
    resource.etaSeconds,
  ]);
};

describe('one health verdict for every documented state', () => {
  it.each([
    ['drbd-9/status-connected.json', [['r0', 'healthy', undefined, undefined]]],
    ['drbd-9/status-sync-source.json', [['r0', 'syncing', 42.7, 31]]],
    ['drbd-9/status-sync-target.json', [['r0', 'syncing', 42.7, 31]]],
    ['drbd-9/status-standalone.json', [['r0', 'degraded', undefined, undefined]]],
    ['drbd-9/status-diskless.json', [['r0', 'diskless', undefined, undefined]]],
    [
      'drbd-9/status-inconsistent-outdated.json',
      [
        ['r0', 'degraded', undefined, undefined],
        ['r1', 'degraded', undefined, undefined],
      ],
    ],
    ['drbd-9/status-no-quorum.json', [['data', 'no-quorum', undefined, undefined]]],
    // Three nodes, two volumes, and a diskless client on purpose: healthy.
    ['drbd-9/status-3node-multivolume.json', [['data', 'healthy', undefined, undefined]]],
    ['drbd-9/drbdadm-status-connected.txt', [['r0', 'healthy', undefined, undefined]]],
    ['drbd-9/drbdadm-status-syncing.txt', [['r0', 'syncing', 42.7, undefined]]],
    [
      'drbd-9/drbdadm-status-standalone.txt',
      [
        ['r0', 'degraded', undefined, undefined],
        ['r1', 'degraded', undefined, undefined],
      ],
    ],
    ['drbd-9/drbdadm-status-verbose-multivolume.txt', [['data', 'syncing', 50, undefined]]],
    [
      'drbd-8.4/proc-drbd.txt',
      [
        ['drbd0', 'healthy', undefined, undefined],
        ['drbd1', 'syncing', 30, 22],
        ['drbd2', 'degraded', undefined, undefined],
        ['drbd4', 'diskless', undefined, undefined],
      ],
    ],
  ])('%s', (path, expected) => {
    expect(health(path)).toEqual(expected);
  });

  it('says why', () => {
    const verdict = evaluateDrbdHealth(parseDrbdStatusText(fixture('drbd-9/status-no-quorum.json')));
    expect(verdict).toMatchObject({ healthy: false, state: 'no-quorum' });
    expect(verdict.resources[0]?.reasons.map((reason) => reason.message)).toEqual([
      'I/O is suspended: no quorum',
      'no quorum (volume 0)',
      'no quorum (volume 1)',
      'connection to node2 is Connecting',
      'connection to node3 is Connecting',
    ]);
    const syncing = evaluateDrbdHealth(parseDrbdStatusText(fixture('drbd-9/status-sync-target.json')));
    expect(syncing).toMatchObject({ healthy: false, state: 'syncing' });
    expect(syncing.reasons).toEqual([
      { code: 'DISK_INCONSISTENT', message: 'r0: the local disk is Inconsistent', subject: 'r0' },
      { code: 'SYNCING', message: 'r0: SyncTarget with node1: 42.7% in sync', subject: 'r0' },
    ]);
    expect(syncing.resources[0]).toEqual({
      name: 'r0',
      healthy: false,
      state: 'syncing',
      reasons: [
        { code: 'DISK_INCONSISTENT', message: 'the local disk is Inconsistent', subject: 'r0' },
        { code: 'SYNCING', message: 'SyncTarget with node1: 42.7% in sync', subject: 'r0' },
      ],
      percentInSync: 42.7,
      etaSeconds: 31,
    });
    expect(evaluateDrbdHealth(parseDrbdStatusText(fixture('drbd-9/status-connected.json')))).toEqual({
      healthy: true,
      state: 'healthy',
      reasons: [],
      resources: [{ name: 'r0', healthy: true, state: 'healthy', reasons: [] }],
    });
  });

  it('a split brain outranks everything', () => {
    const status = parseDrbdStatusText(fixture('drbd-9/status-standalone.json'));
    (status.resources[0] as { splitBrain: boolean }).splitBrain = true;
    expect(evaluateDrbdHealth(status)).toMatchObject({
      state: 'split-brain',
      resources: [
        {
          reasons: [
            { code: 'SPLIT_BRAIN', message: 'a split brain was detected' },
            { code: 'DISCONNECTED', message: 'connection to node2 is StandAlone' },
          ],
        },
      ],
    });
  });
});

describe('drbdsetup status --json', () => {
  it('reads resources, devices, connections, paths and peer devices, keeping unknown fields', () => {
    const status = parseDrbdsetupJson(fixture('drbd-9/status-sync-target.json'));
    expect(status.source).toBe('drbdsetup-json');
    const [resource] = status.resources;
    expect(resource).toMatchObject({
      name: 'r0',
      nodeId: 1,
      role: 'Secondary',
      suspended: false,
      suspendedReasons: [],
      writeOrdering: 'flush',
      extra: { 'force-io-failures': false },
    });
    expect(resource?.devices[0]).toMatchObject({
      volume: 0,
      minor: 0,
      diskState: 'Inconsistent',
      client: false,
      quorum: true,
      size: 1048412,
      written: 331776,
      alWrites: 12,
    });
    const [connection] = resource?.connections ?? [];
    expect(connection).toMatchObject({
      peerNodeId: 0,
      name: 'node1',
      connectionState: 'Connected',
      congested: false,
      peerRole: 'Primary',
      extra: { tls: false },
    });
    expect(connection?.paths).toEqual([
      {
        thisHost: { address: '10.213.0.2', port: 7789, family: 'ipv4' },
        remoteHost: { address: '10.213.0.1', port: 7789, family: 'ipv4' },
        established: true,
      },
    ]);
    expect(connection?.peerDevices[0]).toMatchObject({
      volume: 0,
      replicationState: 'SyncTarget',
      peerDiskState: 'UpToDate',
      resyncSuspended: 'no',
      outOfSync: 600864,
      percentInSync: 42.7,
      etaSeconds: 31,
      extra: { 'rs-total': 1048412, want: 40960 },
    });
  });

  it('keeps counters beyond 2^53 exact', () => {
    const status = parseDrbdsetupJson(fixture('drbd-9/status-u64-underflow.json'));
    expect(status.resources[0]?.devices[0]?.size).toBe(9007199254740993n);
    expect(status.resources[0]?.connections[0]?.peerDevices[0]?.unacked).toBe(18446744073709551608n);
    expect(
      parseProcDrbd(fixture('drbd-8.4/proc-drbd.txt')).resources[2]?.connections[0]?.peerDevices[0]?.outOfSync,
    ).toBe(18446744073709551608n);
  });

  it('reads what JSON.parse reads, with unsafe integer literals as exact bigints', () => {
    // What parseJsonPrecise promises: JSON.parse, except an integer literal beyond 2^53 is a bigint.
    const expected = (value: unknown): unknown => {
      if (typeof value === 'number')
        return /^-?\d+$/.test(String(value)) && !Number.isSafeInteger(value) ? BigInt(String(value)) : value;
      if (Array.isArray(value)) return value.map(expected);
      if (value !== null && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, expected(entry)]));
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), (value, big) => {
        const text = JSON.stringify({ value, big: 0 }).replace('"big":0', `"big":${big}`);
        const parsed = parseJsonPrecise(text) as { value: unknown; big: unknown };
        expect(parsed.value).toEqual(expected(JSON.parse(JSON.stringify(value))));
        expect(parsed.big).toBe(Number.isSafeInteger(Number(big)) ? Number(big) : big);
      }),
    );
  });

  it('truncated JSON is a ParseError naming file, line and column', () => {
    const text = fixture('drbd-9/status-connected.json');
    const cut = text.slice(0, text.indexOf('"connections"') + 20);
    const error = (() => {
      try {
        parseDrbdsetupJson(cut, { file: 'status.json' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ file: 'status.json' });
    expect((error as ParseError).line).toBeGreaterThan(1);
    expect(() => parseDrbdsetupJson('{"not": "an array"}')).toThrow(ParseError);
    expect(() => parseDrbdsetupJson('[{"name": 3}]')).toThrow(ParseError);
  });
});

describe('drbdadm status text', () => {
  it('reads the verbose, statistics form with continuation lines into the same model', () => {
    const status = parseDrbdadmStatus(fixture('drbd-9/drbdadm-status-verbose-multivolume.txt'));
    const [resource] = status.resources;
    expect(resource).toMatchObject({
      name: 'data',
      nodeId: 0,
      role: 'Primary',
      suspended: false,
      writeOrdering: 'flush',
    });
    expect(resource?.devices.map((device) => [device.volume, device.minor, device.diskState, device.size])).toEqual([
      [0, 100, 'UpToDate', 1048412],
      [1, 101, 'UpToDate', 2097152],
    ]);
    expect(resource?.devices[0]?.extra).toMatchObject({ 'al-suspended': 'no', blocked: 'no' });
    expect(
      resource?.connections.map((connection) => [
        connection.name,
        connection.peerNodeId,
        connection.connectionState,
        connection.peerRole,
      ]),
    ).toEqual([
      ['node2', 1, 'Connected', 'Secondary'],
      ['node3', 2, 'Connected', 'Secondary'],
    ]);
    expect(resource?.connections[0]?.peerDevices[1]).toMatchObject({
      volume: 1,
      replicationState: 'SyncSource',
      peerDiskState: 'Inconsistent',
      outOfSync: 1048576,
      percentInSync: 50,
    });
    expect(resource?.connections[1]?.peerDevices[0]).toMatchObject({ peerDiskState: 'Diskless', peerClient: true });
  });

  it('reads the short form, where a connected peer prints no connection state', () => {
    const status = parseDrbdadmStatus(fixture('drbd-9/drbdadm-status-connected.txt'));
    expect(status.resources[0]?.connections[0]).toMatchObject({
      name: 'node2',
      connectionState: 'Connected',
      peerRole: 'Secondary',
      peerDevices: [{ volume: 0, replicationState: 'Established', peerDiskState: 'UpToDate' }],
    });
  });

  it('a line out of place is a ParseError with its line', () => {
    expect(() => parseDrbdadmStatus('  disk:UpToDate\n', { file: 's.txt' })).toThrow(/s\.txt:1:3/);
    expect(() =>
      parseDrbdadmStatus('r0 role:Primary\n      volume:0 replication:Established\n', { file: 's.txt' }),
    ).toThrow(/s\.txt:2/);
  });

  it('never throws anything but a ParseError on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(
              'r0 role:Primary',
              '  disk:UpToDate',
              '  node2 role:Secondary',
              '    peer-disk:UpToDate',
              '    volume:0 replication:SyncSource done:1.5',
              '  volume:1 disk:Diskless',
            ),
          ),
          { maxLength: 12 },
        ),
        (lines) => {
          try {
            parseDrbdadmStatus(lines.join('\n'));
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
    );
  });
});

describe('/proc/drbd of DRBD 8.4', () => {
  it('reads cs/ro/ds/ns/nr/dw/dr/al/bm/lo/pe/ua/ap/ep/wo/oos and the sync progress', () => {
    const status = parseProcDrbd(fixture('drbd-8.4/proc-drbd.txt'));
    expect(status).toMatchObject({ source: 'proc-drbd', version: '8.4.11' });
    expect(status.resources.map((resource) => resource.name)).toEqual(['drbd0', 'drbd1', 'drbd2', 'drbd4']);
    const syncing = status.resources[1];
    expect(syncing).toMatchObject({
      role: 'Primary',
      writeOrdering: 'flush',
      devices: [
        { minor: 1, diskState: 'UpToDate', read: 314376, written: 0, alWrites: 8, bmWrites: 0, lowerPending: 0 },
      ],
    });
    expect(syncing?.connections[0]).toMatchObject({
      connectionState: 'Connected',
      peerRole: 'Secondary',
      extra: { protocol: 'C' },
    });
    expect(syncing?.connections[0]?.peerDevices[0]).toMatchObject({
      replicationState: 'SyncSource',
      peerDiskState: 'Inconsistent',
      sent: 312232,
      received: 0,
      pending: 2,
      outOfSync: 736176,
      percentInSync: 30,
      etaSeconds: 22,
    });
    expect(status.resources[3]?.writeOrdering).toBe('drain');
  });

  it('is recognised by its shape, like the other captures', () => {
    expect(parseDrbdStatusText(fixture('drbd-8.4/proc-drbd.txt')).source).toBe('proc-drbd');
    expect(parseDrbdStatusText(fixture('drbd-9/status-connected.json')).source).toBe('drbdsetup-json');
    expect(parseDrbdStatusText(fixture('drbd-9/drbdadm-status-connected.txt')).source).toBe('drbdadm-status');
  });
});

describe('text that is not a DRBD status is a ParseError, never a resource', () => {
  const parseError = (text: string, file = 'capture.txt'): ParseError => {
    try {
      parseDrbdStatusText(text, { file });
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      return error as ParseError;
    }
    throw new Error(`parsed: ${JSON.stringify(text)}`);
  };

  it("'hello world', /etc/hosts and an empty file", () => {
    // Each was once read as a resource ('hello', '127.0.0.1') that the health verdict called healthy.
    expect(parseError('hello world\n')).toMatchObject({
      file: 'capture.txt',
      line: 1,
      column: 7,
      message: "capture.txt:1:7: not drbdadm status output: expected key:value, got 'world'",
    });
    const hosts =
      '127.0.0.1\tlocalhost\n127.0.1.1\tnode1\n\n# The following lines are desirable for IPv6 capable hosts\n::1     localhost ip6-localhost ip6-loopback\n';
    expect(parseError(hosts, '/etc/hosts')).toMatchObject({ line: 1, column: 11 });
    if (existsSync('/etc/hosts')) parseError(readFileSync('/etc/hosts', 'utf8'), '/etc/hosts');
    expect(parseError('').message).toMatch(/not a DRBD status: the text is empty/);
    // A whole text that is not a status has no one place: the file only.
    expect(parseError(' \n\n')).toMatchObject({
      file: 'capture.txt',
      line: undefined,
      column: undefined,
      message: expect.stringMatching(/^capture\.txt: not a DRBD status/),
    });
  });

  it('drbdadm status text: a resource needs its role, every word after a name is key:value, numbers are numbers, indentation is by two', () => {
    expect(parseError('r0\n  disk:UpToDate\n').message).toMatch(/resource 'r0' has no role:/);
    // Read as a peer named 'disk', whose next word is not key:value.
    expect(parseError('r0 role:Primary\n  disk UpToDate\n')).toMatchObject({ line: 2, column: 8 });
    expect(parseError('r0 role:Primary\n  disk:UpToDate\n  node2\n')).toMatchObject({
      line: 3,
      message: expect.stringMatching(/peer 'node2' has neither role: nor connection:/),
    });
    expect(parseError('r0 role:Primary\n  volume:x disk:UpToDate\n')).toMatchObject({
      line: 2,
      column: 3,
      message: expect.stringMatching(/volume: expects a number, got 'x'/),
    });
    expect(parseError('r0 role:Primary\n   disk:UpToDate\n')).toMatchObject({
      line: 2,
      message: expect.stringMatching(/unexpected indentation \(3 spaces/),
    });
    expect(parseError('r0 role:Primary\n\tdisk:UpToDate\n')).toMatchObject({
      line: 2,
      message: expect.stringMatching(/indented with something other than spaces/),
    });
    expect(parseError('r0 role:Primary\n  node2 role:Secondary\n    UpToDate\n')).toMatchObject({ line: 3, column: 5 });
  });

  it('drbdsetup JSON: truncated, or without the fields drbdsetup always prints', () => {
    expect(parseError('[{"name":"r0","role":"Primary').message).toMatch(/not valid JSON/);
    expect(parseError('[{"name":"r0","role":"Primary"}]').message).toBe(
      'capture.txt: not drbdsetup status --json: resources[0]."devices" should be an array (it is missing)',
    );
    expect(parseError('{"name":"r0"}').message).toMatch(/expected a JSON array of resources/);
    expect(parseError('[{"name":"r0","role":"Primary","devices":[{"volume":0}],"connections":[]}]').message).toMatch(
      /resources\[0\]\.devices\[0\]\."disk-state" should be a string \(it is missing\)/,
    );
    expect(parseError('[{"name":"r0","role":7,"devices":[],"connections":[]}]').message).toMatch(
      /resources\[0\]\."role" should be a string \(got 7\)/,
    );
    const connected = JSON.parse(fixture('drbd-9/status-connected.json')) as {
      connections: { peer_devices: unknown }[];
    }[];
    delete (connected[0]?.connections[0] as { peer_devices?: unknown }).peer_devices;
    expect(parseError(JSON.stringify(connected)).message).toMatch(
      /resources\[0\]\.connections\[0\]\."peer_devices" should be an array/,
    );
  });

  it('/proc/drbd: a line that is none of its lines', () => {
    expect(parseError(`${fixture('drbd-8.4/proc-drbd.txt')}127.0.0.1 localhost\n`)).toMatchObject({
      line: 14,
      message: expect.stringMatching(/is neither a header nor a device line/),
    });
    expect(
      parseError(
        'version: 8.4.11 (api:1/proto:86-101)\n 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n    hello\n',
      ),
    ).toMatchObject({ line: 3, message: expect.stringMatching(/not a device's detail line/) });
  });

  it('an events2 capture is read to the state it ends in; a line in it that is not an event is an error', () => {
    const replay = fixture('drbd-9/events2-replay.txt')
      .split('\n')
      .filter((line) => !/not an event|bogus/.test(line))
      .join('\n');
    const status = parseDrbdStatusText(replay, { file: 'events.txt' });
    expect(status).toMatchObject({
      source: 'events2',
      resources: [{ name: 'r0', splitBrain: true, connections: [{ connectionState: 'StandAlone' }] }],
    });
    expect(evaluateDrbdHealth(status).state).toBe('split-brain');
    expect(parseError(fixture('drbd-9/events2-replay.txt'))).toMatchObject({
      line: 10,
      message: expect.stringMatching(/not drbdsetup events2 output/),
    });
  });

  it('arbitrary text gives a status or a ParseError, nothing else (property)', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom(
        'r0 role:Primary',
        '  disk:UpToDate',
        '  node2 role:Secondary',
        '    peer-disk:UpToDate',
        'version: 8.4.11',
        ' 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C',
        '    ns:0 nr:0',
        'exists resource name:r0 role:Primary',
        'exists -',
        '[',
        '{"name":"r0"}',
        ']',
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        try {
          evaluateDrbdHealth(parseDrbdStatusText(lines.join('\n')));
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('health is never healthy for a state it does not recognise', () => {
  const healthyText =
    'r0 role:Primary\n  disk:UpToDate\n  node2 role:Secondary\n    replication:Established peer-disk:UpToDate\n';
  const verdict = (text: string) => evaluateDrbdHealth(parseDrbdStatusText(text));

  it('a known good state is healthy; each unknown value makes it degraded, and says which', () => {
    expect(verdict(healthyText)).toMatchObject({ healthy: true, state: 'healthy', resources: [{ reasons: [] }] });
    const cases: [string, string][] = [
      // A truncated capture: `role:"Primary` was called healthy.
      [healthyText.replace('role:Primary', 'role:"Primary'), `its role '"Primary' is not a DRBD role`],
      [healthyText.replace('role:Primary', 'role:Unknown'), 'its role is Unknown'],
      [healthyText.replace('disk:UpToDate', 'disk:UpToDat'), "the local disk state 'UpToDat' is not a DRBD disk state"],
      [
        healthyText.replace('role:Secondary', 'role:Secondary connection:Connectd'),
        "connection to node2 is in state 'Connectd', not a DRBD connection state",
      ],
      [healthyText.replace('role:Secondary', 'role:Primry'), "node2 is connected but its role is 'Primry'"],
      [
        healthyText.replace('replication:Established', 'replication:Establishd'),
        "replication with node2 is in state 'Establishd', not a DRBD replication state",
      ],
      [
        healthyText.replace('peer-disk:UpToDate', 'peer-disk:Fine'),
        "node2's disk state 'Fine' is not a DRBD disk state",
      ],
      // A resource line alone: no volume at all.
      ['r0 role:Primary\n', 'no volume is reported'],
    ];
    for (const [text, reason] of cases) {
      const health = verdict(text);
      expect(health, text).toMatchObject({ healthy: false, state: 'degraded' });
      expect(
        health.resources[0]?.reasons.map((entry) => entry.message),
        text,
      ).toContain(reason);
    }
  });

  it('for any values, healthy means every role and state is one DRBD reports (property)', () => {
    const value = (known: ReadonlySet<string>) => fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 10 }));
    const roleValue = fc.oneof(fc.constantFrom('Primary', 'Secondary', 'Unknown'), fc.string({ maxLength: 10 }));
    fc.assert(
      fc.property(
        roleValue,
        value(diskStates),
        value(connectionStates),
        roleValue,
        value(replicationStates),
        value(diskStates),
        (role, disk, connection, peerRole, replication, peerDisk) => {
          const status = {
            source: 'drbdsetup-json' as const,
            resources: [
              {
                name: 'r0',
                role,
                suspendedReasons: [],
                splitBrain: false,
                extra: {},
                devices: [{ volume: 0, diskState: disk, extra: {} }],
                connections: [
                  {
                    name: 'b',
                    connectionState: connection,
                    peerRole,
                    paths: [],
                    extra: {},
                    peerDevices: [{ volume: 0, replicationState: replication, peerDiskState: peerDisk, extra: {} }],
                  },
                ],
              },
            ],
          };
          const health = evaluateDrbdHealth(status);
          if (health.healthy) {
            expect(
              drbdRoles.has(role) &&
                diskStates.has(disk) &&
                connectionStates.has(connection) &&
                drbdRoles.has(peerRole) &&
                replicationStates.has(replication) &&
                diskStates.has(peerDisk),
            ).toBe(true);
          } else expect(health.resources[0]?.reasons.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('size limits', () => {
  it('a text or file larger than maxBytes is refused with InputTooLargeError, naming the limit', async () => {
    const text = fixture('drbd-9/status-connected.json');
    for (const parse of [
      parseDrbdStatusText,
      parseDrbdsetupJson,
      parseDrbdadmStatus,
      parseProcDrbd,
      parseEvents2Text,
    ]) {
      expect(() => parse(text, { file: 'big.json', maxBytes: 100 }), parse.name).toThrow(InputTooLargeError);
    }
    expect(() => parseDrbdStatusText(text, { maxBytes: 100 })).toThrow(/more than the limit of 100 bytes/);
    const error = await readDrbdStatusFile(join(fixturesDirectory, 'drbd-9/status-connected.json'), {
      maxBytes: 100,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputTooLargeError);
    expect(error).toMatchObject({ code: 'INPUT_TOO_LARGE', limit: 100 });
    expect((await readDrbdStatusFile(join(fixturesDirectory, 'drbd-9/status-connected.json'))).source).toBe(
      'drbdsetup-json',
    );
  });
});
