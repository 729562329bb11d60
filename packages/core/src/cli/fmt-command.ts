import { writeFileAtomic } from '../fs/atomic-write.js';
import { readTextFile } from '../fs/read.js';
import { defineCliCommand, type CliCommand } from './cli.js';
import { maxBytesArg, parseMaxBytes } from './max-bytes.js';

/**
 * The `fmt` subcommand of a config CLI: prints the file in canonical layout;
 * `--check` exits 1 (and says so) when it is not; `--write` rewrites it
 * atomically. The file is read with `--max-bytes` and parsed strictly with the
 * package's `parse` (a syntax error is its `ParseError`), then printed with its `format`.
 */
export function createFmtCommand<Document>(options: {
  /** What the positional FILE is, for `--help`. */
  fileDescription: string;
  /** The package's strict parse. */
  parse: (text: string, options: { file: string }) => Document;
  /** The package's canonical layout of a document. */
  format: (document: Document) => string;
}): CliCommand<any> {
  return defineCliCommand({
    meta: {
      name: 'fmt',
      description: 'Print the file in canonical layout (--check: exit 1 if it is not; --write: rewrite it in place)',
    },
    args: {
      file: { type: 'positional', description: options.fileDescription, required: true },
      check: { type: 'boolean', description: 'Only report whether the file is formatted' },
      write: { type: 'boolean', description: 'Rewrite the file atomically' },
      ...maxBytesArg,
    },
    async run({ args, io }) {
      const text = await readTextFile(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
      const formatted = options.format(options.parse(text, { file: args.file }));
      if (args.check) {
        if (formatted !== text) io.stdout(`${args.file}: not formatted\n`);
        return formatted === text ? 0 : 1;
      }
      if (args.write) {
        if (formatted !== text) await writeFileAtomic(args.file, formatted);
        return 0;
      }
      io.stdout(formatted);
    },
  });
}
