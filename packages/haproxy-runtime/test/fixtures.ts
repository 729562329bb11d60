import { readFileSync } from 'node:fs';

/** A recorded HAProxy answer from `test/fixtures/haproxy/VERSION/NAME`. */
export function fixture(version: string, name: string): string {
  return readFileSync(new URL(`./fixtures/haproxy/${version}/${name}`, import.meta.url), 'utf8');
}

/** What the client hands to parsers: the answer without the newlines that end it. */
export function answer(version: string, name: string): string {
  return fixture(version, name).replace(/\n{1,2}$/, '');
}
