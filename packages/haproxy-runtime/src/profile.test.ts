import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HaError, ParseError } from '@ha/core';
import { loadProfile, parseProfiles } from './profile.js';

const scratch = await mkdtemp(join(tmpdir(), 'ha-haproxy-profile-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('connection profiles', () => {
  it('reads one profile per section, durations with units', () => {
    const profiles = parseProfiles(
      '[default]\nsocket = /run/haproxy/admin.sock\n\n[edge2]\nsocket = ipv4@10.0.0.2:9999\ntimeout = 5s\nmode = oneshot\n',
      'p.ini',
    );
    expect(profiles.get('default')).toEqual({
      socket: '/run/haproxy/admin.sock',
      timeoutMs: undefined,
      mode: undefined,
    });
    expect(profiles.get('edge2')).toEqual({ socket: 'ipv4@10.0.0.2:9999', timeoutMs: 5000, mode: 'oneshot' });
  });

  it('names the file, section and key of every mistake', () => {
    expect(() => parseProfiles('[a]\nsokcet = /x\n', 'p.ini')).toThrow(/p\.ini: \[a\].*sokcet/);
    expect(() => parseProfiles('[a]\nsocket = /x\ntimeout = soon\n', 'p.ini')).toThrow(
      "p.ini: [a] timeout: 'soon' is not a duration",
    );
    expect(() => parseProfiles('[a]\nmode = fast\nsocket = /x\n', 'p.ini')).toThrow(/p\.ini: \[a\] mode/);
    expect(() => parseProfiles('socket = /x\n', 'p.ini')).toThrow(ParseError);
    for (const [text, reason] of [
      ['[a]\nsokcet = /x\n', 'INVALID_PROFILE'],
      ['[a]\nsocket = /x\ntimeout = soon\n', 'INVALID_DURATION'],
      ['socket = /x\n', 'OUTSIDE_SECTION'],
    ] as const) {
      expect(() => parseProfiles(text, 'p.ini')).toThrow(
        expect.objectContaining({ name: 'ParseError', reason, file: 'p.ini', line: undefined }),
      );
    }
  });

  it('loads the named profile from a file, and says which exist when it is missing', async () => {
    const file = join(scratch, 'haproxy.ini');
    await writeFile(file, '[default]\nsocket = /a.sock\n[lb2]\nsocket = /b.sock\n');
    expect(await loadProfile({ file })).toMatchObject({ socket: '/a.sock' });
    expect(await loadProfile({ file, name: 'lb2' })).toMatchObject({ socket: '/b.sock' });
    await expect(loadProfile({ file, name: 'lb3' })).rejects.toThrow('no profile [lb3] (there are: default, lb2)');
    await expect(loadProfile({ file, name: 'lb3' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(loadProfile({ file: join(scratch, 'missing.ini') })).rejects.toThrow(/cannot read/);
    await expect(loadProfile({ file: join(scratch, 'missing.ini') })).rejects.toBeInstanceOf(HaError);
    // Nothing asked for, nothing given: the same as no flags at all.
    expect(await loadProfile({ file, name: undefined })).toMatchObject({ socket: '/a.sock' });
  });
});
