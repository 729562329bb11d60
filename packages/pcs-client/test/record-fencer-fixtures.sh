#!/bin/bash
# Records test/fixtures/stonith_admin/VERSION/* from the real Pacemaker tools of a generation, with no lab:
#   sudo bash packages/pcs-client/test/record-fencer-fixtures.sh                 # this machine's (Debian 12)
#   sudo bash packages/pcs-client/test/record-fencer-fixtures.sh /var/cache/ha-lab/stacks/debian13/root
# Agent outputs (--list-installed, --metadata, the fencer's own metadata) need no daemon. The fencer's
# answers (--list-registered, --list NODE, --history) come from a real pacemaker-fenced started in its
# cluster mode without a CIB (2.1's -c, 3.0's -s) over a one-node corosync on loopback, all in private network, IPC, PID, mount and UTS
# namespaces (so nothing is seen from or left on the host), with fence_dummy devices registered by
# stonith_admin: `ok` fences node1 and node2, `stuck` (type=fail: the agent never confirms) node3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${1:-}
if [ "${RECORD_FENCER_INSIDE:-}" != 1 ]; then
  if [ -n "$root" ]; then
    scratch=$(mktemp -d)
    exec unshare --net --ipc --pid --fork --mount --mount-proc --uts --propagation private \
      env RECORD_FENCER_INSIDE=1 bash "$here/../../../tools/lab/scripts/ha-lab-chroot" "$root" "$scratch" \
      "$here:/record" -- env RECORD_FENCER_INSIDE=1 bash /record/record-fencer-fixtures.sh
  fi
  exec unshare --net --ipc --pid --fork --mount --mount-proc --uts --propagation private \
    env RECORD_FENCER_INSIDE=1 bash "$0"
fi

# Inside the namespaces (and the other root, when one was given).
[ -d /record ] && here=/record
version=$(stonith_admin --version | sed -n 's/^Pacemaker \([0-9][^ -]*\).*/\1/p')
out=$here/fixtures/stonith_admin/$version
mkdir -p "$out"
fenced=
for candidate in /usr/lib/pacemaker/pacemaker-fenced /usr/libexec/pacemaker/pacemaker-fenced; do
  [ -x "$candidate" ] && fenced=$candidate && break
done
record() { # NAME COMMAND…: the command's stdout, whatever its exit status
  local name=$1
  shift
  "$@" >"$out/$name" 2>/dev/null || true
  echo "recorded $out/$name"
}

record list-installed.xml stonith_admin --list-installed --output-as=xml
for agent in fence_dummy fence_ipmilan fence_apc fence_apc_snmp fence_idrac; do
  record "metadata-$agent.xml" stonith_admin --metadata --agent "$agent" --output-as=xml
done
record metadata-no-such-agent.xml stonith_admin --metadata --agent fence_no_such_agent --output-as=xml
record fencer-metadata.xml "$fenced" metadata

# A CIB with fence devices and levels, made by this generation's pcs on a file (pcs -f): two devices (one
# disabled), four levels (a node, a pattern, an attribute), written as pcs writes them.
pcs_version=$(pcs --version | head -1)
cib_out=$here/fixtures/pcs/$pcs_version
mkdir -p "$cib_out"
cib=$(mktemp)
cibadmin --empty >"$cib"
for n in 1 2 3; do CIB_file=$cib cibadmin --create -o nodes -X "<node id=\"$n\" uname=\"node$n\"/>"; done
pcs -f "$cib" stonith create lab-fence fence_dummy 'pcmk_host_map=node1:node1;node2:node2;node3:node3' pcmk_delay_base=1s pcmk_delay_max=5s
pcs -f "$cib" stonith create spare fence_dummy pcmk_host_list=node1,node2 --disabled
pcs -f "$cib" stonith level add 1 node1 lab-fence
pcs -f "$cib" stonith level add 2 node1 spare lab-fence
pcs -f "$cib" stonith level add 1 'regexp%node[23]' lab-fence
pcs -f "$cib" stonith level add 3 attrib%rack=r1 spare
cp "$cib" "$cib_out/stonith.cib.xml"
echo "recorded $cib_out/stonith.cib.xml"

# A fencer of its own.
ip link set lo up
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mkdir -p /run/crm /var/lib/pacemaker/cib /var/log/pacemaker
work=$(mktemp -d)
cat >"$work/corosync.conf" <<CONF
totem {
  version: 2
  cluster_name: recording
  transport: knet
  crypto_cipher: none
  crypto_hash: none
}
nodelist {
  node {
    ring0_addr: 127.0.0.1
    name: node1
    nodeid: 1
  }
}
quorum {
  provider: corosync_votequorum
}
logging {
  to_stderr: no
  to_logfile: yes
  logfile: $work/corosync.log
}
CONF
hostname node1
corosync -c "$work/corosync.conf"
sleep 2
# Pacemaker 2.1's -c is its cluster mode without the CIB; 3.0 dropped it, and its -s is that mode.
mode=-s
"$fenced" --help 2>&1 | grep -q -- '--stand-alone-w-cpg' && mode=-c
"$fenced" "$mode" -l "$work/fenced.log" &
for _ in $(seq 50); do stonith_admin --list-registered >/dev/null 2>&1 && break; sleep 0.2; done

record history-empty.xml stonith_admin --history '*' --verbose --output-as=xml
record list-registered-none.xml stonith_admin --list-registered --output-as=xml
stonith_admin --register ok --agent fence_dummy --option 'pcmk_host_list=node1 node2'
stonith_admin --register stuck --agent fence_dummy --option pcmk_host_list=node3 --option type=fail
record list-registered.xml stonith_admin --list-registered --output-as=xml
record list-node2.xml stonith_admin --list node2 --output-as=xml
record list-node3.xml stonith_admin --list node3 --output-as=xml
record list-nobody.xml stonith_admin --list nobody --output-as=xml
stonith_admin --reboot node2 --timeout 20
stonith_admin --fence node2 --timeout 20
stonith_admin --unfence node2 --timeout 20
stonith_admin --reboot node3 --timeout 5 2>"$out/reboot-failed.stderr.txt" || echo "exit status $?" >>"$out/reboot-failed.stderr.txt"
record history-all.xml stonith_admin --history '*' --verbose --output-as=xml
record history-node2.xml stonith_admin --history node2 --verbose --output-as=xml
record history-node3.xml stonith_admin --history node3 --verbose --output-as=xml
# A fencing still running: the stuck device's agent takes its whole timeout.
stonith_admin --reboot node3 --timeout 6 >/dev/null 2>&1 &
sleep 2
record history-pending.xml stonith_admin --history '*' --verbose --output-as=xml
wait %2 || true
record history-cleanup-node3.xml stonith_admin --history node3 --cleanup --output-as=xml
record history-after-cleanup.xml stonith_admin --history '*' --verbose --output-as=xml
kill %1 || true
corosync-cfgtool -H >/dev/null 2>&1 || true
