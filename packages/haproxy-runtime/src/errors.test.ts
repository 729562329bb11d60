import { describe, expect, it } from 'vitest';
import { isHaError } from '@ha/core';
import { answer } from '../test/fixtures.js';
import { classifyAnswer } from './client.js';
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

  it("reads refusals that end with a single newline as refusals", () => {
    for (const [line, file] of [
      ['del server servers/srv1', 'del-server-not-maint.txt'],
      ['add server nope/x 127.0.0.1:1', 'add-server-unknown-backend.txt'],
      ['set server servers/srv1 weight 999', 'set-weight-out-of-range.txt'],
    ] as const) {
      const error = classifyAnswer(line, v26(file));
      expect(error).toBeInstanceOf(RuntimeCommandError);
      expect(error?.code).toBe('REJECTED');
      expect(error?.message).toContain(v26(file).trim());
    }
  });

  it('takes silence and known confirmations as success, and any answer to a show as data', () => {
    expect(classifyAnswer('set server servers/srv1 weight 5', '')).toBeUndefined();
    expect(classifyAnswer('prepare map #0', v26('prepare-map.txt'))).toBeUndefined();
    expect(classifyAnswer('add server servers/s9 127.0.0.1:80', 'New server registered.')).toBeUndefined();
    expect(classifyAnswer('show info', v26('show-info.txt'))).toBeUndefined();
    expect(classifyAnswer('@1 show version', '2.6.12')).toBeUndefined();
  });
});
