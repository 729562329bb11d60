import type { FileLockOptions } from './lock.js';
import type { Runner } from '../run/runner.js';

/** One config file as read: its bytes, their hash (for the stale-read check) and its document. */
export interface ConfigFile<Document> {
  /** The file, as the caller named it (or as an include resolved it). */
  path: string;
  /** Its content. */
  text: string;
  /** SHA-256 of the content: pass it as `expectedSha256` when writing a change made from this read. */
  sha256: string;
  /** The parsed document. */
  document: Document;
}

/**
 * What every config package's `readConfig` returns: the named file, and every
 * file of the configuration in order (the named one first, then those it
 * includes, or the rest of a split configuration). A format without includes
 * has just the one.
 */
export interface ReadConfigResult<Document> extends ConfigFile<Document> {
  /** Every file of the configuration, the named one first. */
  files: ConfigFile<Document>[];
}

/** The options every config package's `writeConfig` takes (each may add its own). */
export interface ConfigWriteOptions {
  /** Check the new content with the real tool before it replaces anything (default true). */
  check?: boolean;
  /** Runs the real tool (a lab node's runner checks there). Default: core's `defaultRunner`. */
  runner?: Runner;
  /** SHA-256 of the content the change was based on (`readConfig`'s `sha256`): a stale read is refused. `null`: the file must not exist. */
  expectedSha256?: string | null;
  /** Where the previous file goes (default `PATH.bak`); `false` keeps none. */
  backupPath?: string | false;
  /** Hold `PATH.lock` for the whole write (default true; options set its timeout). */
  lock?: boolean | FileLockOptions;
}
