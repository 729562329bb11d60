import { describe, expect, it } from 'vitest';
import { isHaError } from '@ha/core';
import { answer } from '../test/fixtures.js';
import { classifyAnswer, isReadingCommand } from './classify-answer.js';
import { PermissionDeniedError, RuntimeCommandError, UnknownCommandError } from './errors.js';

const v26 = (name: string) => answer('2.6.12', name);

describe('classifyAnswer on recorded 2.6 answers', () => {
  it('knows a permission refusal', () => {
    const error = classifyAnswer('disable server servers/srv1', v26('permission-denied.txt'));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ code: 'PERMISSION_DENIED', command: 'disable server servers/srv1' });
    expect(isHaError(error)).toBe(true);
  });

  it('knows an unknown command and keeps the suggestions', () => {
    const error = classifyAnswer('frobnicate', v26('unknown-command.txt')) as UnknownCommandError;
    expect(error).toBeInstanceOf(UnknownCommandError);
    expect(error.suggestions).toContain('prompt');
    expect(error.suggestions).toContain('help [<command>]');
  });

  // Recorded from 2.6.12 and, the same refusals, from 3.0.11 (see generations.test.ts for the rest of 3.0).
  it.each(['2.6.12', '3.0.11'])(
    'reads any answer to a change that is not a confirmation as its refusal (%s)',
    (version) => {
      for (const [line, file] of [
        ['del server servers/srv1', 'del-server-not-maint.txt'],
        ['add server nope/x 127.0.0.1:1', 'add-server-unknown-backend.txt'],
        ['set server servers/srv1 weight 999', 'set-weight-out-of-range.txt'],
        ['set server servers/srv1 weight 5x', 'set-weight-trailing-garbage.txt'],
        ['set server servers/srv1 state bogus', 'set-server-state-bad.txt'],
      ] as const) {
        const text = answer(version, file);
        const error = classifyAnswer(line, text);
        expect(error).toBeInstanceOf(RuntimeCommandError);
        expect(error).toMatchObject({ code: 'REJECTED', command: line, response: text });
        expect(error?.message).toBe(`haproxy refused '${line}': ${text.trim()}`);
      }
    },
  );

  it('reads a refusal of a read as a refusal, not as data', () => {
    for (const [line, file] of [
      ['get weight servers/nope', 'get-weight-no-such-server.txt'],
      ['show servers state nope', 'show-servers-state-unknown-backend.txt'],
      ['show table nope', 'show-table-unknown.txt'],
      ['show map #99', 'show-map-unknown.txt'],
      ['show env NOPE', 'show-env-unknown.txt'],
      ['show sess 0xbad', 'show-sess-unknown.txt'],
      ['@1 get weight servers/nope', 'get-weight-no-such-server.txt'],
    ] as const) {
      expect(classifyAnswer(line, v26(file)), line).toMatchObject({ code: 'REJECTED', response: v26(file) });
    }
  });

  it('takes silence and known confirmations as success', () => {
    expect(classifyAnswer('set server servers/srv1 weight 5', '')).toBeUndefined();
    expect(classifyAnswer('prepare map #0', v26('prepare-map.txt'))).toBeUndefined();
    expect(classifyAnswer('add server servers/srv9 127.0.0.1:3', v26('add-server.txt'))).toBeUndefined();
    expect(classifyAnswer('del server servers/srv9', v26('del-server.txt'))).toBeUndefined();
    expect(
      classifyAnswer('set server servers/srv2 addr 127.0.0.1 port 8080', v26('set-server-addr.txt')),
    ).toBeUndefined();
    expect(
      classifyAnswer(
        'set server web/srv1 addr 10.0.0.2',
        "IP changed from '10.0.0.1' to '10.0.0.2' by 'stats socket command'",
      ),
    ).toBeUndefined();
    expect(classifyAnswer('set server web/srv1 addr 10.0.0.2', "Invalid addr '10.0.0.x'")).toBeInstanceOf(
      RuntimeCommandError,
    );
  });

  it('takes every dump of a read as data, including ones that read like sentences', () => {
    for (const [line, file] of [
      ['show info', 'show-info.txt'],
      ['show stat', 'show-stat.csv'],
      ['show servers state', 'show-servers-state.txt'],
      ['show errors', 'show-errors-none.txt'],
      ['show errors', 'show-errors.txt'],
      ['show env', 'show-env.txt'],
      ['show sess', 'show-sess.txt'],
      ['show table', 'show-table.txt'],
      ['show table web', 'show-table-web.txt'],
      ['show map', 'show-map.txt'],
      ['show map #0', 'show-map-entries.txt'],
      ['show resolvers', 'show-resolvers.txt'],
      ['show peers', 'show-peers.txt'],
      ['show activity', 'show-activity.txt'],
      ['show backend', 'show-backend.txt'],
      ['show version', 'show-version.txt'],
      ['get weight servers/srv1', 'get-weight.txt'],
      ['show cli level', 'show-cli-level.txt'],
      ['help', 'help.txt'],
      ['@1 show proc', 'show-proc.txt'],
    ] as const) {
      expect(classifyAnswer(line, v26(file)), line).toBeUndefined();
    }
    // A value that says "not found" is still data.
    expect(classifyAnswer('show env', 'MESSAGE=file not found')).toBeUndefined();
  });

  it('reads the verb past a master CLI prefix', () => {
    expect(isReadingCommand('@1 show info')).toBe(true);
    expect(isReadingCommand('@!1234 get weight a/b')).toBe(true);
    expect(isReadingCommand('@master show proc')).toBe(true);
    expect(isReadingCommand('@1 set server a/b weight 5')).toBe(false);
    expect(classifyAnswer('@1 show version', '2.6.12')).toBeUndefined();
    expect(
      classifyAnswer('@1 set server servers/srv1 weight 5x', v26('set-weight-trailing-garbage.txt')),
    ).toBeInstanceOf(RuntimeCommandError);
  });
});
