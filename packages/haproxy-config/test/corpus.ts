import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedPath } from '@ha/lab';

/** The 309 real-world haproxy.cfg of shared/corpus/haproxy (HAProxy's regression tests and examples). */
export const corpusDirectory = sharedPath('corpus', 'haproxy');
export const corpusFiles = readdirSync(corpusDirectory)
  .sort()
  .map((name) => ({
    name,
    path: join(corpusDirectory, name),
    text: readFileSync(join(corpusDirectory, name), 'utf8'),
  }));

/** The corpus index: for each file, `haproxy -c`'s exit code and first alert (HAProxy 2.6.12). */
export const corpusIndex = new Map(
  readFileSync(sharedPath('corpus', 'INDEX.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.startsWith('haproxy/'))
    .map((line) => {
      const cells = line.split('\t');
      return [
        (cells[0] as string).slice('haproxy/'.length),
        { rc: cells[6], note: cells[7], firstAlert: cells[8] },
      ] as const;
    }),
);
