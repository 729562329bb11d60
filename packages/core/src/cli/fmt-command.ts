import { writeFileAtomic } from '../fs/atomic-write.js';
import { defineCliCommand, type CliCommand } from './cli.js';
import { maxBytesArg, parseMaxBytes } from './max-bytes.js';

/**
 * The `fmt` subcommand of a config CLI: prints the file in canonical layout;
 * `--check` exits 1 (and says so) when it is not; `--write` rewrites it
 * atomically. `format` reads the file and returns its text and the
 * formatted text (throwing the package's typed error when it cannot).
 */
export function createFmtCommand(options: {
  fileDescription: string;
  /** Reads and formats `file`; `maxBytes` is the `--max-bytes` given (undefined: the reader's default limit). */
  format: (file: string, run: { maxBytes: number | undefined }) => Promise<{ text: string; formatted: string }>;
}): CliCommand<any> {
  return defineCliCommand({
    meta: { name: 'fmt', description: 'Print the file in canonical layout (--check: exit 1 if it is not; --write: rewrite it in place)' },
    args: {
      file: { type: 'positional', description: options.fileDescription, required: true },
      check: { type: 'boolean', description: 'Only report whether the file is formatted' },
      write: { type: 'boolean', description: 'Rewrite the file atomically' },
      ...maxBytesArg,
    },
    async run({ args, io }) {
      const { text, formatted } = await options.format(args.file, { maxBytes: parseMaxBytes(args.maxBytes) });
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
