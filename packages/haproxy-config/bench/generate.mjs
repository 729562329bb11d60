// The configurations the bench measures: one 52,000-line file, and the same configuration split over a
// directory of files (`haproxy -f DIR` reads its *.cfg in byte order).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const backends = 2000;
const serversPerBackend = 20;

const head = [
  'global',
  '    maxconn 2000',
  '    log /dev/log local0',
  '',
  'defaults',
  '    mode http',
  '    timeout connect 5s',
  '    timeout client 30s',
  '    timeout server 30s',
  '',
  'frontend web',
  '    bind 127.0.0.1:8080',
];

function frontendLines() {
  const lines = [...head];
  for (let b = 0; b < backends; b++) lines.push(`    use_backend be${b} if { path_beg /app${b}/ }`);
  lines.push('    default_backend be0', '');
  return lines;
}

function backendLines(b) {
  const lines = [`backend be${b}`, '    balance roundrobin', '    option httpchk GET /health', '    timeout check 2s'];
  for (let s = 0; s < serversPerBackend; s++)
    lines.push(`    server s${s} 10.${b >> 8}.${b & 255}.${s + 1}:80 check inter 2s fall 3 rise 2 weight 10`);
  lines.push('');
  return lines;
}

/** The whole configuration as one text. */
export function generate() {
  const lines = frontendLines();
  for (let b = 0; b < backends; b++) lines.push(...backendLines(b));
  return `${lines.join('\n')}\n`;
}

/** Writes the same configuration as `count` files in `directory` (the first holds global, defaults and the frontend). */
export async function writeSplit(directory, count) {
  await mkdir(directory, { recursive: true });
  const perFile = Math.ceil(backends / count);
  for (let f = 0; f < count; f++) {
    const lines = f === 0 ? frontendLines() : [];
    for (let b = f * perFile; b < Math.min(backends, (f + 1) * perFile); b++) lines.push(...backendLines(b));
    await writeFile(join(directory, `${String(f).padStart(3, '0')}.cfg`), `${lines.join('\n')}\n`);
  }
}
