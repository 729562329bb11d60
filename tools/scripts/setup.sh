#!/usr/bin/env bash
# Everything a fresh machine needs before ha-toolkit can be built and tested:
# the real daemons and tools from Debian, then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/../.."

# prometheus and prometheus-alertmanager: real consumers of the monitor's metrics and alerts, in its tests.
# debootstrap: builds the root of the other generation of the stack (Debian 13's), which the lab boots.
debian_packages=(pacemaker pacemaker-cli-utils corosync pcs haproxy drbd-utils resource-agents socat iproute2 prometheus prometheus-alertmanager debootstrap)
missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: needs root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  # Packages must not start their daemons on the host: the lab runs them in namespaces.
  policy_added=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_added=yes
  fi
  trap '[ -n "$policy_added" ] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A fresh clone (or a changed lock file) gets exactly the locked dependencies.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
