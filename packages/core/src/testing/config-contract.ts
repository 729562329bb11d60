import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { ConfigRejectedError } from '../errors/config-rejected.js';
import { ParseError } from '../errors/ha-error.js';
import { sha256, type InstallResult } from '../fs/atomic-write.js';

/** What a config package (corosync-config, haproxy-config, drbd) offers the contract test. */
export interface ConfigPackageSubject<Document> {
  /** The package, for the test names (`@ha/drbd`). */
  name: string;
  /** Strict parse: the document, or a `ParseError`. */
  parse: (text: string, options?: { file?: string }) => Document;
  /** Lenient parse: never throws on text, every byte kept. */
  safeParse: (text: string, options?: { file?: string }) => { document: Document; diagnostics: readonly Diagnostic[] };
  /** The document's bytes. */
  serialize: (document: Document) => string;
  /** The canonical layout of a document. */
  format: (document: Document) => string;
  /** Atomic, validated write. */
  writeConfig: (
    path: string,
    document: Document | string,
    options: { expectedSha256?: string | null; backupPath?: string | false },
  ) => Promise<InstallResult>;
  /** Real files of this format (the shared corpus), each round-tripped byte for byte. */
  corpus: readonly { name: string; text: string }[];
  /** A file `writeConfig` accepts (as written to `fileName` in a scratch folder). */
  valid: string;
  /** Another file it accepts, to write over `valid`. */
  validOther: string;
  /** A file that parses but that `writeConfig` must refuse with findings. */
  invalid: string;
  /** The file's name in the scratch folder (`corosync.conf`, `haproxy.cfg`, `r0.res`). */
  fileName: string;
  /** Characters that matter to this grammar, used by the mutation fuzzing besides random ones. */
  syntaxCharacters: string;
  /** Fuzzing runs (default 200). */
  fuzzRuns?: number;
}

/**
 * The contract every config package keeps, as one vitest suite: the corpus
 * round-trips byte for byte, random mutation of real files throws nothing but
 * `ParseError` (and still round-trips through `safeParse`), `format` is
 * idempotent, and `writeConfig` refuses an invalid document or a stale read
 * with a `ConfigRejectedError`, leaving the file as it was.
 */
export function describeConfigContract<Document>(subject: ConfigPackageSubject<Document>): void {
  describe(`${subject.name} keeps the config package contract`, () => {
    let scratch = '';
    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'ha-config-contract-'));
    });
    afterAll(() => rm(scratch, { recursive: true, force: true }));

    it(`round-trips all ${subject.corpus.length} corpus files byte for byte`, () => {
      expect(subject.corpus.length).toBeGreaterThan(0);
      const differing = subject.corpus.filter(
        (file) => subject.serialize(subject.safeParse(file.text, { file: file.name }).document) !== file.text,
      );
      expect(differing.map((file) => file.name)).toEqual([]);
    });

    it('throws nothing but ParseError on mutated real files, and keeps every byte', () => {
      const mutation = fc.record({
        file: fc.nat({ max: subject.corpus.length - 1 }),
        at: fc.nat(),
        cut: fc.nat({ max: 40 }),
        insert: fc.oneof(
          fc.string({ maxLength: 8 }),
          // Runs of the grammar's own characters (`{\n}`, `:\r`, `;;`) reach the states a single character does not.
          fc.string({
            unit: fc.constantFrom(...subject.syntaxCharacters.split(''), '\n', '\r', ' '),
            minLength: 1,
            maxLength: 8,
          }),
          fc.constantFrom('\n', '\r\n', '\0', '\\', '"'),
        ),
      });
      fc.assert(
        fc.property(mutation, ({ file, at, cut, insert }) => {
          const original = (subject.corpus[file] as { text: string }).text;
          const start = original.length === 0 ? 0 : at % original.length;
          const text = original.slice(0, start) + insert + original.slice(start + cut);
          expect(subject.serialize(subject.safeParse(text).document)).toBe(text);
          try {
            subject.parse(text);
          } catch (error) {
            if (!(error instanceof ParseError)) throw error;
          }
        }),
        { numRuns: subject.fuzzRuns ?? 200 },
      );
    });

    it('formats idempotently: the format of a formatted file is itself', () => {
      const clean = subject.corpus.filter(
        (file) => !subject.safeParse(file.text).diagnostics.some((d) => d.severity === 'error'),
      );
      const unstable = clean.filter((file) => {
        const once = subject.format(subject.parse(file.text));
        return subject.format(subject.parse(once)) !== once;
      });
      expect(unstable.map((file) => file.name)).toEqual([]);
    });

    it('refuses an invalid document with ConfigRejectedError and its findings, and leaves the file untouched', async () => {
      const path = join(scratch, `invalid-${subject.fileName}`);
      await writeFile(path, subject.valid);
      const error = await subject
        .writeConfig(path, subject.parse(subject.invalid), { backupPath: false })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigRejectedError);
      const rejected = error as ConfigRejectedError;
      expect(['validate', 'check']).toContain(rejected.stage);
      expect(rejected.findings.length).toBeGreaterThan(0);
      expect(rejected.findings.every((finding) => finding.severity === 'error')).toBe(true);
      expect(rejected.rolledBack).toBe(false);
      expect(await readFile(path, 'utf8')).toBe(subject.valid);
    });

    it('refuses a write on top of a stale read, and writes on a fresh one', async () => {
      const path = join(scratch, `stale-${subject.fileName}`);
      await writeFile(path, subject.valid);
      const readHash = sha256(subject.valid);
      // Someone else changed the file after we read it.
      await writeFile(path, subject.validOther);
      const error = await subject
        .writeConfig(path, subject.valid, { expectedSha256: readHash, backupPath: false })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigRejectedError);
      expect(error).toMatchObject({ stage: 'stale', findings: [], rolledBack: false });
      expect(await readFile(path, 'utf8')).toBe(subject.validOther);
      const written = await subject.writeConfig(path, subject.valid, {
        expectedSha256: sha256(subject.validOther),
        backupPath: false,
      });
      expect(written.changed).toBe(true);
      expect(await readFile(path, 'utf8')).toBe(subject.valid);
    });
  });
}
