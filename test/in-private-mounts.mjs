// Runs a script as if on a given host: in the private mount, UTS and network namespaces this
// is started in (`unshare --mount --uts --net --propagation private`), it names the host, gives
// it its address on a veth link (seen by nothing else), and binds test folders over system
// paths, so an example written for node1's /etc/drbd.d runs as written without touching the
// machine's own files. Usage: node in-private-mounts.mjs HOSTNAME ADDRESS/PREFIX SRC:DST… -- SCRIPT
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const [hostname, address, ...rest] = process.argv.slice(2);
const split = rest.indexOf('--');
const binds = rest.slice(0, split);
const script = rest[split + 1];
execFileSync('hostname', [hostname]);
execFileSync('ip', ['link', 'set', 'lo', 'up']);
execFileSync('ip', ['link', 'add', 'lab0', 'type', 'veth', 'peer', 'name', 'lab1']);
execFileSync('ip', ['link', 'set', 'lab1', 'up']);
execFileSync('ip', ['address', 'add', address, 'dev', 'lab0']);
execFileSync('ip', ['link', 'set', 'lab0', 'up']);
for (const bind of binds) {
  const [source, target] = bind.split(':');
  execFileSync('mount', ['--bind', source, target]);
}
await import(pathToFileURL(script).href);
