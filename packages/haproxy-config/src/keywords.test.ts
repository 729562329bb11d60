import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusFiles } from '../test/corpus.js';
import { isKnownKeyword, isRemovedKeyword, misplacement, sectionKinds } from './keywords.js';
import { safeParse } from './parse/cst.js';
import { bindSettings, proxyOptionNames, serverSettings } from './settings.js';
import { validate } from './validate/rules.js';

// What HAProxy accepts, recorded from HAProxy 2.6.12 itself and from the 3.0 and 3.4 manuals (test/fixtures/haproxy/README.md).
const fixture = (path: string) =>
  JSON.parse(readFileSync(new URL(`../test/fixtures/haproxy/${path}`, import.meta.url), 'utf8'));
const probed = fixture('2.6.12/keywords.json') as {
  sections: Record<string, string[]>;
  placement: Record<string, Record<string, 'alert' | 'warning'>>;
  proxyOptions: string[];
  serverOptions: Record<string, number>;
  bindOptions: Record<string, number>;
};
type CorpusCheck = {
  files: Record<
    string,
    {
      exitCode: number;
      unknownWords: { line: number; word: string }[];
      alertLines: number[];
      warningLines: number[];
      stoppedAtLine?: number;
    }
  >;
};
// haproxy -c over the corpus by each generation the lab runs (Debian 12's 2.6, Debian 13's 3.0).
const corpusChecks = ['2.6.12', '3.0.11'].map((version) => ({
  version,
  ...(fixture(`${version}/corpus-check.json`) as CorpusCheck),
}));
const manuals = ['3.0.0', '3.4.0'].map((version) => ({
  version,
  ...(fixture(`${version}/manual-keywords.json`) as {
    sections: Record<string, string[]> & { proxies: Record<string, string[]> };
    proxyOptions: string[];
    serverOptions: Record<string, number>;
    bindOptions: Record<string, number>;
  }),
}));
const proxySections = ['defaults', 'frontend', 'backend', 'listen'];

describe('the keyword tables hold what HAProxy accepts', () => {
  it('every keyword HAProxy 2.6 takes in a section is known there (ca-base in global, …)', () => {
    const missing: string[] = [];
    for (const [kind, keywords] of Object.entries(probed.sections))
      for (const keyword of keywords) if (!isKnownKeyword(kind, keyword)) missing.push(`${kind}: ${keyword}`);
    expect(missing).toEqual([]);
    expect(isKnownKeyword('global', 'ca-base')).toBe(true);
  });

  it('every keyword the 3.0 and 3.4 manuals list is known where they list it (key-base, guid, crt-store …)', () => {
    const missing: string[] = [];
    for (const { version, sections } of manuals) {
      for (const [kind, keywords] of Object.entries(sections)) {
        if (kind === 'proxies') continue;
        expect(sectionKinds, `${version}: section ${kind}`).toContain(kind);
        for (const keyword of keywords as string[])
          if (!isKnownKeyword(kind, keyword)) missing.push(`${version} ${kind}: ${keyword}`);
      }
      for (const keyword of Object.keys(sections.proxies))
        for (const kind of proxySections)
          if (!isKnownKeyword(kind, keyword)) missing.push(`${version} ${kind}: ${keyword}`);
    }
    expect(missing).toEqual([]);
    // Newer than 2.6, which calls each unknown.
    for (const [kind, keyword] of [
      ['global', 'key-base'],
      ['backend', 'guid'],
      ['crt-store', 'load'],
    ] as const) {
      expect(isKnownKeyword(kind, keyword)).toBe(true);
      expect(probed.sections[kind] ?? [], keyword).not.toContain(keyword);
    }
  });

  it('a proxy keyword is misplaced exactly where HAProxy 2.6 refuses or ignores it, unless 3.0 or 3.4 allow it there', () => {
    const kinds = {
      'defaults (anonymous)': ['defaults', false],
      'defaults (named)': ['defaults', true],
      frontend: ['frontend', true],
      backend: ['backend', true],
    } as const;
    const differences: string[] = [];
    for (const keyword of probed.sections.listen ?? []) {
      if (isRemovedKeyword('listen', keyword) !== undefined) continue;
      for (const [probedKind, [kind, named]] of Object.entries(kinds)) {
        const said = probed.placement[keyword]?.[probedKind];
        const allowedSince = manuals.some(({ sections }) => (sections.proxies[keyword] ?? []).includes(probedKind));
        const expected = said === undefined || allowedSince ? undefined : said === 'alert' ? 'error' : 'warning';
        const actual = misplacement(keyword, kind, named);
        if (actual !== expected)
          differences.push(`${keyword} in ${probedKind}: ${String(actual)} where ${String(expected)} was expected`);
      }
      expect(misplacement(keyword, 'listen', true)).toBeUndefined();
    }
    expect(differences).toEqual([]);
  });

  it("every option name, server setting and bind setting of HAProxy 2.6 and the manuals is known, taking a value when HAProxy's dump says so", () => {
    const differences: string[] = [];
    for (const name of [...probed.proxyOptions, ...manuals.flatMap((manual) => manual.proxyOptions)])
      if (!proxyOptionNames.has(name)) differences.push(`option ${name}`);
    for (const [what, table, dumps] of [
      ['server', serverSettings, [probed.serverOptions, ...manuals.map((manual) => manual.serverOptions)]],
      ['bind', bindSettings, [probed.bindOptions, ...manuals.map((manual) => manual.bindOptions)]],
    ] as const) {
      for (const dump of dumps)
        for (const [name, arguments_] of Object.entries(dump))
          if (table.get(name) !== (arguments_ !== 0))
            differences.push(`${what} ${name}: ${String(table.get(name))} for ${arguments_} argument(s)`);
    }
    expect(differences).toEqual([]);
  });
});

describe.each(corpusChecks)('the corpus through the real haproxy -c $version is the oracle', (corpusCheck) => {
  // Findings that say a word is unknown, removed or misplaced.
  const keywordCodes = new Set([
    'UNKNOWN_KEYWORD',
    'UNKNOWN_OPTION',
    'UNKNOWN_SECTION',
    'REMOVED_KEYWORD',
    'MISPLACED_KEYWORD',
  ]);

  it('no corpus file gets an unknown-keyword finding this HAProxy does not give', () => {
    const unfounded: string[] = [];
    let judged = 0;
    for (const { name, text } of corpusFiles) {
      const said = corpusCheck.files[name];
      expect(said, name).toBeDefined();
      if (said === undefined) continue;
      for (const finding of validate(safeParse(text, { file: name }).document, { keepPerCode: 1000 })) {
        if (!keywordCodes.has(finding.code) || (said.stoppedAtLine !== undefined && finding.line > said.stoppedAtLine))
          continue;
        judged++;
        const word = /'([^']+)'/.exec(finding.message)?.[1];
        const agrees =
          finding.code === 'REMOVED_KEYWORD'
            ? said.alertLines.includes(finding.line)
            : finding.code === 'MISPLACED_KEYWORD'
              ? (finding.severity === 'error' ? said.alertLines : said.warningLines).includes(finding.line)
              : said.unknownWords.some((unknown) => unknown.line === finding.line && unknown.word === word);
        if (!agrees) unfounded.push(`${name}:${finding.line}: ${finding.code} ${finding.message}`);
      }
    }
    expect(unfounded).toEqual([]);
    // Words only newer HAProxy versions know are in the corpus: the check above had findings to judge.
    expect(judged).toBeGreaterThan(0);
  });

  it('no corpus file that this HAProxy accepts gets an error finding', () => {
    const accepted = corpusFiles.filter(({ name }) => corpusCheck.files[name]?.exitCode !== 1);
    expect(accepted.length).toBeGreaterThan(10);
    const errors = accepted.flatMap(({ name, text }) =>
      validate(safeParse(text, { file: name }).document)
        .filter((finding) => finding.severity === 'error')
        .map((finding) => `${name}:${finding.line}: ${finding.code} ${finding.message}`),
    );
    expect(errors).toEqual([]);
  });

  it("Debian's stock haproxy.cfg gets no finding at all", () => {
    const text = readFileSync(new URL('../test/fixtures/haproxy/2.6.12/debian-haproxy.cfg', import.meta.url), 'utf8');
    expect(validate(safeParse(text, { file: 'haproxy.cfg' }).document)).toEqual([]);
  });
});
