import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, UnsafeArgumentError } from '@ha/core';
import { formatSocketAddress, parseSocketAddress } from './address.js';
import { assertPayload, assertSingleCommand, buildCommandLine } from './command-line.js';
import { frameRequest } from './socket.js';

describe('buildCommandLine', () => {
  it('joins words and numbers into one command', () => {
    expect(buildCommandLine(['set', 'server', 'be/s1', 'weight', 50])).toBe('set server be/s1 weight 50');
  });

  it('refuses anything that would end or split the command before it is sent', () => {
    for (const word of ['be/s1;shutdown sessions server be/s2', 'a\nb', 'a\rb', 'a\0b', 'two words', '', 'tab\there']) {
      expect(() => buildCommandLine(['disable', 'server', word])).toThrow(UnsafeArgumentError);
    }
    expect(() => buildCommandLine([])).toThrow(UnsafeArgumentError);
    expect(() => buildCommandLine(['set', 'maxconn', 'global', Number.NaN])).toThrow(UnsafeArgumentError);
  });

  it('never lets a separator through, and keeps every accepted word whole (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 0, maxLength: 12 }), { minLength: 1, maxLength: 6 }), (words) => {
        let line: string;
        try {
          line = buildCommandLine(words);
        } catch (error) {
          expect(error).toBeInstanceOf(UnsafeArgumentError);
          expect(words.some((word) => word === '' || /[\s;\0]/.test(word))).toBe(true);
          return;
        }
        expect(line).not.toMatch(/[;\r\n\0]/);
        expect(line.split(' ')).toEqual(words);
      }),
    );
  });
});

describe('raw commands and payloads', () => {
  it('accepts one command, refuses a second one', () => {
    expect(assertSingleCommand('  show stat -1 4 -1 ')).toBe('show stat -1 4 -1');
    expect(() => assertSingleCommand('show info; disable server be/s1')).toThrow(UnsafeArgumentError);
    expect(() => assertSingleCommand('show info\ndisable server be/s1')).toThrow(UnsafeArgumentError);
    expect(() => assertSingleCommand('   ')).toThrow(UnsafeArgumentError);
  });

  it('refuses a payload with an empty line (it would end the payload early)', () => {
    expect(assertPayload('/a x\n/b y\n')).toBe('/a x\n/b y');
    expect(() => assertPayload('/a x\n\n/b y')).toThrow(UnsafeArgumentError);
    expect(() => assertPayload('')).toThrow(UnsafeArgumentError);
    expect(() => assertPayload('a\0')).toThrow(UnsafeArgumentError);
  });

  it('frames a request the way HAProxy reads one', () => {
    expect(frameRequest('show info', undefined)).toBe('show info\n');
    expect(frameRequest('add map #0', '/a x')).toBe('add map #0 <<\n/a x\n\n');
  });
});

describe('socket addresses', () => {
  it('reads the forms HAProxy writes', () => {
    expect(parseSocketAddress('/run/haproxy/admin.sock')).toEqual({ kind: 'unix', path: '/run/haproxy/admin.sock' });
    expect(parseSocketAddress('unix@/tmp/a.sock')).toEqual({ kind: 'unix', path: '/tmp/a.sock' });
    expect(parseSocketAddress('ipv4@127.0.0.1:9999')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 9999 });
    expect(parseSocketAddress('ipv6@[::1]:9999')).toEqual({ kind: 'tcp', host: '::1', port: 9999 });
    expect(parseSocketAddress('localhost:80')).toEqual({ kind: 'tcp', host: 'localhost', port: 80 });
    expect(formatSocketAddress({ kind: 'tcp', host: '::1', port: 9999 })).toBe('[::1]:9999');
  });

  it('refuses what is not an address', () => {
    for (const spec of ['admin.sock:x', 'ipv4@127.0.0.1', 'ipv4@127.0.0.1:0', 'ipv4@127.0.0.1:70000', '']) {
      expect(() => parseSocketAddress(spec)).toThrow(ParseError);
    }
  });
});
