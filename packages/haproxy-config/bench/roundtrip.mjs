// One whole process of the bench: parse FILE to the typed model and print it back; exit 1 if it differs.
import { readFileSync } from 'node:fs';
import { parse, serialize, toConfig } from '../dist/index.js';

const path = process.argv[2];
const text = readFileSync(path, 'utf8');
const document = parse(text, { file: path });
const config = toConfig(document);
if (serialize(document) !== text) {
  process.stderr.write(`${path}: the round trip changed the file\n`);
  process.exit(1);
}
process.stdout.write(
  `${config.backends.length} backends, ${config.backends.reduce((sum, backend) => sum + backend.servers.length, 0)} servers\n`,
);
