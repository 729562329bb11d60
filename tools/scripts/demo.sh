#!/usr/bin/env bash
# `npm run demo`: set the machine up (as `npm test` does), build, then run the
# main job: a 3-node cluster and HAProxy, the seed's resources, ha-monitor
# watching, faults one at a time, everything torn down at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true

bash tools/scripts/setup.sh
npx nx run-many -t build --output-style=static >/dev/null
# `npm run demo -- --stack debian13` needs that generation's root (built once, then cached).
stack=""
for ((i = 1; i <= $#; i++)); do
  if [ "${!i}" = --stack ]; then j=$((i + 1)); stack=${!j:-}; fi
done
if [ -n "$stack" ]; then node tools/lab/bin/ha-lab.js stack build "$stack"; fi
exec node packages/monitor/demo/demo.mjs "$@"
