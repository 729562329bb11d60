import { describe, expect, it } from 'vitest';
import { CommandError } from '../run/command-error.js';
import { HaError, isHaError, ParseError, SocketError, UsageError } from './ha-error.js';

describe('error vocabulary', () => {
  it('brands every HaError, so a second copy of the package still recognises it', () => {
    const error = new UsageError('no node given');
    expect(isHaError(error)).toBe(true);
    expect(error).toBeInstanceOf(HaError);
    expect(error.name).toBe('UsageError');
    expect(isHaError(new Error('plain'))).toBe(false);
    expect(isHaError({ code: 'USAGE_ERROR' })).toBe(false);
  });

  it('keeps positions, addresses and causes', () => {
    const cause = new Error('ENOENT');
    const parse = new ParseError(
      'UNCLOSED_SECTION',
      "section 'totem' is not closed",
      { file: 'corosync.conf', line: 3, column: 1 },
      { cause },
    );
    expect(parse.message).toBe("corosync.conf:3:1: section 'totem' is not closed");
    expect(parse.cause).toBe(cause);
    const socket = new SocketError('/run/haproxy/admin.sock', 'connection refused', { systemCode: 'ECONNREFUSED' });
    expect(socket).toMatchObject({
      code: 'SOCKET_ERROR',
      address: '/run/haproxy/admin.sock',
      systemCode: 'ECONNREFUSED',
    });
  });

  it('describes a killed command by its signal', () => {
    const error = new CommandError({
      file: 'crm_mon',
      args: [],
      command: 'crm_mon',
      exitCode: undefined,
      signal: 'SIGKILL',
      stdout: '',
      stderr: '',
      timedOut: false,
      durationMs: 5,
    });
    expect(error.message).toBe('crm_mon was killed by SIGKILL');
  });
});
