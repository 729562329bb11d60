import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** True when `pattern` has a wildcard (`*`, `?`, `[…]`) that glob(3) would expand. */
export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

// One path segment of a glob(3) pattern as a regular expression: `*` and `?` never match `/`,
// `[…]` is a set (`[!…]` or `[^…]` its complement), a backslash takes the next character literally.
function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i] as string;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\' && i + 1 < segment.length) source += escape(segment[++i] as string);
    else if (char === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let set = segment.slice(i + 1, close);
      const negated = set.startsWith('!') || set.startsWith('^');
      if (negated) set = set.slice(1);
      source += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`;
      i = close;
    } else source += escape(char);
  }
  return new RegExp(`^${source}$`);
}

function escape(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

/**
 * The regular files a glob(3) pattern matches, sorted, as glob(3) with no
 * flags finds them (the way drbdadm expands `include "drbd.d/*.res";`): a
 * wildcard never matches a leading `.`, nor crosses a `/`. A relative pattern
 * is taken from `directory`; the paths returned start with `directory` then.
 */
export async function expandGlob(pattern: string, directory: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((segment) => segment !== '');
  let candidates = [absolute ? '/' : directory];
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const next: string[] = [];
    for (const base of candidates) {
      if (!hasWildcard(segment)) {
        next.push(join(base, segment));
        continue;
      }
      const names = await readdir(base).catch(() => [] as string[]);
      const matcher = segmentPattern(segment);
      for (const name of names)
        if ((segment.startsWith('.') || !name.startsWith('.')) && matcher.test(name)) next.push(join(base, name));
    }
    // Only directories lead further; at the end, only files are included.
    const kept: string[] = [];
    for (const path of next) {
      const info = await stat(path).catch(() => undefined);
      if (info && (last ? info.isFile() : info.isDirectory())) kept.push(path);
    }
    candidates = kept;
  }
  return candidates.sort();
}
