import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '@ha/core';
import { errorShape } from '@ha/core/testing';
import { parseCfgtoolStatus, parseCmapctl, parseQuorumtoolStatus } from './parse-status.js';

const fixture = (path: string) => readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url), 'utf8');

describe('corosync-cfgtool -s, in every shape', () => {
  it('corosync 3.1 (recorded): LINK ID with protocol, nodeid: N: state', () => {
    expect(parseCfgtoolStatus(fixture('corosync-3.1.7/cfgtool-s.txt'))).toEqual({
      localNodeId: 1,
      transport: 'knet',
      links: [
        {
          link: 0,
          protocol: 'udp',
          address: '10.213.0.1',
          faulty: false,
          peers: [
            { nodeid: 1, state: 'localhost', connected: true, enabled: true },
            { nodeid: 2, state: 'connected', connected: true, enabled: true },
            { nodeid: 3, state: 'connected', connected: true, enabled: true },
          ],
        },
      ],
    });
    const cut = parseCfgtoolStatus(fixture('corosync-3.1.7/partition-node1-cfgtool-s.txt'));
    expect(cut.links[0]?.faulty).toBe(true);
    expect(cut.links[0]?.peers.find((peer) => peer.nodeid === 3)).toMatchObject({
      state: 'disconnected',
      connected: false,
    });
  });

  it('corosync 3.0: link enabled/connected flags, by nodeid and by node index', () => {
    const byId = parseCfgtoolStatus(fixture('corosync-3.0/cfgtool-s-nodeid.txt'));
    expect(byId.localNodeId).toBe(4);
    expect(byId.links[0]?.peers).toEqual([
      { nodeid: 4, state: 'connected', connected: true, enabled: true },
      { nodeid: 7, state: 'disconnected', connected: false, enabled: true },
    ]);
    const byIndex = parseCfgtoolStatus(fixture('corosync-3.0/cfgtool-s-index.txt'));
    expect(byIndex.links.map((link) => link.link)).toEqual([0, 1]);
    expect(byIndex.links[1]?.peers[0]).toEqual({ index: 0, state: 'connected', connected: true, enabled: false });
    expect(byIndex.links[1]?.faulty).toBe(true);
  });

  it('corosync 2: RING ID with a status line', () => {
    const ring = parseCfgtoolStatus(fixture('corosync-2.4/cfgtool-s.txt'));
    expect(ring.links).toEqual([
      { link: 0, address: '192.168.122.11', peers: [], ringStatus: 'ring 0 active with no faults', faulty: false },
      {
        link: 1,
        address: '10.0.0.11',
        peers: [],
        ringStatus: 'Marking ringid 1 interface 10.0.0.11 FAULTY',
        faulty: true,
      },
    ]);
  });

  it('refuses output that is not cfgtool status with a ParseError naming the source (no line: the whole text is wrong), binary bytes escaped', () => {
    const error = catchError(() =>
      parseCfgtoolStatus('Could not initialize corosync configuration API error 2\n', { file: 'corosync-cfgtool -s' }),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      code: 'PARSE_ERROR',
      reason: 'NOT_CFGTOOL_OUTPUT',
      file: 'corosync-cfgtool -s',
      line: undefined,
      column: undefined,
    });
    expect(error.message).toBe(
      "corosync-cfgtool -s: not corosync-cfgtool -s output (no 'Local node ID' nor 'LINK ID' line): " +
        "'Could not initialize corosync configuration API error 2\\n'",
    );
    expect(catchError(() => parseCfgtoolStatus('\u0000\u0007junk')).message).toBe(
      "not corosync-cfgtool -s output (no 'Local node ID' nor 'LINK ID' line): '\\x00\\x07junk'",
    );
  });
});

describe('corosync-quorumtool -s', () => {
  it('reads a quorate partition (recorded)', () => {
    expect(parseQuorumtoolStatus(fixture('corosync-3.1.7/quorumtool-s.txt'))).toEqual({
      provider: 'corosync_votequorum',
      nodes: 3,
      nodeId: 1,
      ringId: '1.9',
      quorate: true,
      expectedVotes: 3,
      highestExpected: 3,
      totalVotes: 3,
      quorum: 2,
      activityBlocked: false,
      flags: ['Quorate'],
      members: [
        { nodeid: 1, votes: 1, name: 'node1', local: true },
        { nodeid: 2, votes: 1, name: 'node2', local: false },
        { nodeid: 3, votes: 1, name: 'node3', local: false },
      ],
    });
  });

  it('reads a partitioned node that lost quorum, with activity blocked', () => {
    const alone = parseQuorumtoolStatus(fixture('corosync-3.1.7/partition-node3-quorumtool-s.txt'));
    expect(alone).toMatchObject({
      quorate: false,
      totalVotes: 1,
      quorum: 2,
      activityBlocked: true,
      flags: [],
      ringId: '3.15',
    });
    expect(alone.members).toEqual([{ nodeid: 3, votes: 1, name: 'node3', local: true }]);
  });

  it('reads the Qdevice column and corosync 2 ring ids and flags', () => {
    expect(parseQuorumtoolStatus(fixture('corosync-3.1.7/quorumtool-s-p.txt')).members[0]).toEqual({
      nodeid: 1,
      votes: 1,
      qdevice: 'NR',
      name: 'node1',
      local: true,
    });
    expect(parseQuorumtoolStatus(fixture('corosync-2.4/quorumtool-s.txt'))).toMatchObject({
      ringId: '1/8',
      flags: ['2Node', 'Quorate', 'WaitForAll'],
      quorum: 1,
    });
  });
});

describe('corosync-quorumtool -s, refused', () => {
  it('is a ParseError naming the source', () => {
    const error = catchError(() => parseQuorumtoolStatus('', { file: 'corosync-quorumtool -s' }));
    expect(error).toBeInstanceOf(ParseError);
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "PARSE_ERROR",
        "column": undefined,
        "detail": "not corosync-quorumtool -s output (no 'Quorate:' line): (empty)",
        "file": "corosync-quorumtool -s",
        "line": undefined,
        "message": "corosync-quorumtool -s: not corosync-quorumtool -s output (no 'Quorate:' line): (empty)",
        "name": "ParseError",
        "reason": "NOT_QUORUMTOOL_OUTPUT",
      }
    `);
  });
});

describe('corosync-cmapctl', () => {
  it('reads typed keys, empty values and huge counters', () => {
    const cmap = parseCmapctl(fixture('corosync-3.1.7/cmapctl.txt'));
    expect(cmap.get('nodelist.node.2.name')).toEqual({ type: 'str', value: 'node3' });
    expect(cmap.get('runtime.config.totem.token')).toEqual({ type: 'u32', value: '3650', number: 3650 });
    expect(cmap.get('runtime.members.1.ip')?.value).toBe('r(0) ip(10.213.0.1)');
    const stats = parseCmapctl(fixture('corosync-3.1.7/partition-node1-cmapctl-stats-knet.txt'));
    expect(stats.get('stats.knet.node3.link0.connected')?.number).toBe(0);
  });
});

function catchError(run: () => unknown): ParseError {
  try {
    run();
  } catch (error) {
    return error as ParseError;
  }
  throw new Error('expected an error');
}

// The same outputs from each generation the lab runs (Debian 12's corosync 3.1.7, Debian 13's 3.1.9).
describe.each(['3.1.7', '3.1.9'])('a healthy 3-node ring recorded on corosync %s', (version) => {
  it('reads every link connected, and a quorate membership of three', () => {
    const ring = parseCfgtoolStatus(fixture(`corosync-${version}/cfgtool-s.txt`));
    expect(ring).toMatchObject({ localNodeId: 1, transport: 'knet' });
    expect(ring.links.map((link) => [link.link, link.faulty, link.peers.map((peer) => peer.connected)])).toEqual([
      [0, false, [true, true, true]],
    ]);
    const quorum = parseQuorumtoolStatus(fixture(`corosync-${version}/quorumtool-s.txt`));
    expect(quorum).toMatchObject({ quorate: true, expectedVotes: 3, totalVotes: 3, quorum: 2, nodes: 3 });
    expect(quorum.members.map((member) => member.name)).toEqual(['node1', 'node2', 'node3']);
    expect(parseQuorumtoolStatus(fixture(`corosync-${version}/quorumtool-s-p.txt`)).members).toHaveLength(3);
  });
});
