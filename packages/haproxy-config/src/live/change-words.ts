import { parseDuration, parseInteger, UsageError } from '@ha/core';
import type { HaproxyChange, ServerPath } from './change.js';
import { splitServerPath } from './change.js';
import { patternFileContent } from './pattern-plan.js';
import { useServerStateFile } from './server-state.js';

/** The verbs of `ha-haproxy-config apply`, with their words. */
export const changeVerbs = {
  'set-weight': 'SERVER WEIGHT',
  'set-state': 'SERVER ready|drain|maint',
  'set-address': 'SERVER ADDRESS [PORT]',
  'set-maxconn': 'SERVER MAXCONN',
  'set-check': 'SERVER [enable|disable] [port=N] [addr=A] [inter=TIME] [fall=N] [rise=N]',
  'add-server': 'SERVER ADDRESS [OPTIONS…]',
  'del-server': 'SERVER',
  'map-add': 'MAP KEY VALUE',
  'map-set': 'MAP KEY VALUE',
  'map-del': 'MAP KEY',
  'map-replace': 'MAP ENTRIES-FILE',
  'acl-add': 'ACL PATTERN',
  'acl-del': 'ACL PATTERN',
  'acl-replace': 'ACL PATTERNS-FILE',
  'server-state-file': 'PATH',
  cert: 'FILE PEM-FILE [KEY-FILE]',
  'crt-list-add': 'CRT-LIST FILE PEM-FILE [FILTERS…]',
  'ca-file': 'FILE PEM-FILE',
  'crl-file': 'FILE PEM-FILE',
} as const;

type Verb = keyof typeof changeVerbs;

function isVerb(word: string): word is Verb {
  return Object.hasOwn(changeVerbs, word);
}

/**
 * A change from the CLI's words (`set-weight servers/web1 50`). Wrong words
 * are a `UsageError` naming the verb's form; `readText` reads the entries
 * file of `map-replace` and `acl-replace`.
 */
export async function changeFromWords(
  words: readonly string[],
  readText: (path: string) => Promise<string>,
): Promise<HaproxyChange> {
  const [verb, ...rest] = words;
  if (verb === undefined || !isVerb(verb))
    throw new UsageError(`name a change: ${Object.keys(changeVerbs).join(', ')}`);
  const usage = () => new UsageError(`${verb} ${changeVerbs[verb]}`);
  const need = (count: number, most = count) => {
    if (rest.length < count || rest.length > most) throw usage();
  };
  const server = (): ServerPath => {
    const path = rest[0] as string;
    try {
      splitServerPath(path);
    } catch (error) {
      throw new UsageError(`${verb}: ${(error as Error).message}`);
    }
    return path as ServerPath;
  };
  const integer = (text: string | undefined, what: string) => {
    if (text === undefined) throw usage();
    return parseInteger(text, { min: 0, what });
  };
  switch (verb) {
    case 'set-weight':
      need(2);
      return { kind: 'set-weight', server: server(), weight: integer(rest[1], 'weight') };
    case 'set-state': {
      need(2);
      const state = rest[1];
      if (state !== 'ready' && state !== 'drain' && state !== 'maint') throw usage();
      return { kind: 'set-state', server: server(), state };
    }
    case 'set-address':
      need(2, 3);
      return {
        kind: 'set-address',
        server: server(),
        address: rest[1] as string,
        ...(rest[2] === undefined ? {} : { port: integer(rest[2], 'port') }),
      };
    case 'set-maxconn':
      need(2);
      return { kind: 'set-maxconn', server: server(), maxconn: integer(rest[1], 'maxconn') };
    case 'set-check':
      need(2, 8);
      return checkChange(server(), rest.slice(1), usage, integer);
    case 'add-server': {
      need(2, Infinity);
      const options = rest.slice(2);
      // The flags the plan acts on are typed; the other words go as written.
      const check = options.includes('check');
      const disabled = options.includes('disabled');
      return {
        kind: 'add-server',
        server: server(),
        address: rest[1] as string,
        options: { check, disabled, options: options.filter((word) => word !== 'check' && word !== 'disabled') },
      };
    }
    case 'del-server':
      need(1);
      return { kind: 'delete-server', server: server() };
    case 'map-add':
    case 'map-set':
      need(3);
      return { kind: verb, map: rest[0] as string, key: rest[1] as string, value: rest[2] as string };
    case 'map-del':
      need(2);
      return { kind: 'map-delete', map: rest[0] as string, key: rest[1] as string };
    case 'map-replace':
      need(2);
      return {
        kind: 'map-replace',
        map: rest[0] as string,
        entries: patternFileContent(await readText(rest[1] as string), 'map'),
      };
    case 'acl-add':
      need(2);
      return { kind: 'acl-add', acl: rest[0] as string, pattern: rest[1] as string };
    case 'acl-del':
      need(2);
      return { kind: 'acl-delete', acl: rest[0] as string, pattern: rest[1] as string };
    case 'acl-replace':
      need(2);
      return {
        kind: 'acl-replace',
        acl: rest[0] as string,
        patterns: patternFileContent(await readText(rest[1] as string), 'acl').map(([pattern]) => pattern),
      };
    case 'cert':
      need(2, 3);
      return {
        kind: 'certificate',
        file: rest[0] as string,
        certificate: await readText(rest[1] as string),
        ...(rest[2] === undefined ? {} : { key: await readText(rest[2]) }),
      };
    case 'crt-list-add':
      need(3, Infinity);
      return {
        kind: 'crt-list-add',
        crtList: rest[0] as string,
        file: rest[1] as string,
        certificate: await readText(rest[2] as string),
        filters: rest.slice(3),
      };
    case 'ca-file':
    case 'crl-file':
      need(2);
      return { kind: verb, file: rest[0] as string, pem: await readText(rest[1] as string) };
    case 'server-state-file': {
      need(1);
      const path = rest[0] as string;
      return {
        kind: 'edit',
        description: `keep runtime states across reloads in ${path}`,
        edit: (document) => useServerStateFile(document, path),
      };
    }
  }
}

function checkChange(
  server: ServerPath,
  words: readonly string[],
  usage: () => UsageError,
  integer: (text: string | undefined, what: string) => number,
): HaproxyChange {
  const change: Extract<HaproxyChange, { kind: 'set-check' }> = { kind: 'set-check', server };
  for (const word of words) {
    if (word === 'enable' || word === 'disable') {
      change.enabled = word === 'enable';
      continue;
    }
    const [name, value] = word.split('=', 2) as [string, string | undefined];
    if (value === undefined) throw usage();
    if (name === 'port') change.port = integer(value, 'port');
    else if (name === 'addr') change.address = value;
    else if (name === 'inter') change.interMs = parseDuration(value, { defaultUnit: 'ms', what: 'inter' });
    else if (name === 'fall') change.fall = integer(value, 'fall');
    else if (name === 'rise') change.rise = integer(value, 'rise');
    else throw usage();
  }
  return change;
}
