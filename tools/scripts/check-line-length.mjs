// Fails when a source line of a package is longer than the limit: the formatter wraps code at 120,
// but not strings, template literals or comments, which are wrapped by hand.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const limit = 160;
const root = new URL('../..', import.meta.url).pathname;
const long = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|tsx)$/.test(entry.name)) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (line.length > limit) long.push(`${path.slice(root.length)}:${index + 1}: ${line.length} characters`);
          });
      }
    }
  };
  walk(join(root, 'packages', pkg, 'src'));
}
if (long.length > 0) {
  process.stderr.write(`${long.join('\n')}\n${long.length} source line(s) longer than ${limit} characters\n`);
  process.exit(1);
}
