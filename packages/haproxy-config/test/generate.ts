/**
 * A valid configuration of about `bytes` bytes that grows the way real big ones do: one frontend
 * with an ACL and a `use_backend` rule per backend (so that a check done per rule over the whole
 * section would show as quadratic), and backends of 20 checked servers each.
 */
export function generateConfig(bytes: number): string {
  const head =
    'global\n    stats socket /run/haproxy/admin.sock\n\ndefaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n';
  const servers = Array.from(
    { length: 20 },
    (_, index) => `    server s${index} 10.0.${index}.1:80 check inter 2s fall 3 rise 2\n`,
  ).join('');
  const perBackend = servers.length + 100;
  const count = Math.max(1, Math.ceil((bytes - head.length) / perBackend));
  const frontend: string[] = ['\nfrontend web\n    bind :80\n'];
  const backends: string[] = [];
  for (let index = 0; index < count; index++) {
    frontend.push(`    acl is_b${index} path_beg /b${index}\n    use_backend b${index} if is_b${index}\n`);
    backends.push(`\nbackend b${index}\n    balance roundrobin\n${servers}`);
  }
  frontend.push('    default_backend b0\n');
  return head + frontend.join('') + backends.join('');
}
