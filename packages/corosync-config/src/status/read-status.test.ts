import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordedResult } from '@ha/core/testing';
import { CommandError, ServiceUnavailableError, type CommandResult, type Runner } from '@ha/core';
import { errorShape } from '@ha/core/testing';
import { evaluateCorosyncHealth } from './health.js';
import { readCorosyncStatus } from './read-status.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/corosync-3.1.7/${name}`, import.meta.url), 'utf8');
const outcome = (file: string, args: readonly string[], stdout: string, exitCode = 0): CommandResult =>
  recordedResult(file, args, { stdout, exitCode });

/** A node that answers corosync's tools from recorded output. */
function recordedNode(answers: Record<string, string>): Runner {
  return {
    run: async (file, args) => {
      const answer = answers[[file, ...args].join(' ')];
      if (answer === undefined) throw new Error(`unexpected command ${file} ${args.join(' ')}`);
      return outcome(file, args, answer);
    },
    spawnDetached: () => Promise.reject(new Error('not used')),
    stream: () => {
      throw new Error('not used');
    },
  };
}

describe('readCorosyncStatus', () => {
  it('is degraded where a peer was partitioned away: its link down, the member gone', async () => {
    const status = await readCorosyncStatus(
      recordedNode({
        // The nodelist (names) of the whole cmap, the members as they were during the partition.
        'corosync-cmapctl': `${fixture('cmapctl.txt')}${fixture('partition-node1-cmapctl-members.txt')}`,
        'corosync-quorumtool -s': fixture('partition-node1-quorumtool-s.txt'),
        'corosync-cmapctl -m stats stats.knet.node': fixture('partition-node1-cmapctl-stats-knet.txt'),
      }),
    );
    expect(status.health).toEqual({
      healthy: false,
      state: 'degraded',
      reasons: [
        { code: 'LINK_DOWN', message: 'link 0 to node3 is down', subject: 'node3' },
        { code: 'MEMBER_LEFT', message: 'node3 has left the membership', subject: 'node3' },
      ],
    });
  });

  it('says corosync is not running with a ServiceUnavailableError', async () => {
    const failing: Runner = {
      ...recordedNode({}),
      run: async (file, args) => {
        const stderr = 'Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n';
        throw new CommandError({ ...outcome(file, args, '', 1), stderr });
      },
    };
    const error = await readCorosyncStatus(failing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "cause": "CommandError: corosync-cmapctl exited with code 1: Failed to initialize the cmap API. Error CS_ERR_LIBRARY",
        "code": "SERVICE_UNAVAILABLE",
        "exitCode": 1,
        "message": "corosync is not running on this node (its IPC is not reachable)",
        "name": "ServiceUnavailableError",
        "service": "corosync",
      }
    `);
  });
});

describe('evaluateCorosyncHealth', () => {
  const quorum = { quorate: true, activityBlocked: false, flags: [], members: [] };
  const link = { nodeid: 2, name: 'node2', link: 1, enabled: true, connected: true, local: false };

  it('puts a partition without quorum below a degraded one, and names each subject', () => {
    const health = evaluateCorosyncHealth({
      links: [{ ...link, enabled: false, connected: false }],
      members: [{ nodeid: 4, name: undefined, status: 'unknown', addresses: [] }],
      quorum: { ...quorum, quorate: false, totalVotes: 1, expectedVotes: 3, quorum: 2 },
    });
    expect(health).toEqual({
      healthy: false,
      state: 'no-quorum',
      reasons: [
        { code: 'LINK_DISABLED', message: 'link 1 to node2 is disabled', subject: 'node2' },
        { code: 'MEMBER_NOT_JOINED', message: 'nodeid 4 is unknown, not joined', subject: 'nodeid 4' },
        { code: 'NOT_QUORATE', message: 'quorum lost: 1 of 3 votes, 2 needed' },
      ],
    });
  });

  it('is healthy with every link up, every member joined and quorum, ignoring the local node’s own entries', () => {
    const members = [{ nodeid: 2, name: 'node2', status: 'joined', addresses: ['10.0.0.2'] }];
    const health = evaluateCorosyncHealth({
      links: [link, { ...link, nodeid: 1, local: true, connected: false }],
      members,
      quorum,
    });
    expect(health).toEqual({ healthy: true, state: 'healthy', reasons: [] });
  });
});
