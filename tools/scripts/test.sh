#!/usr/bin/env bash
# `npm test`: set the machine up, build, check types and lint, then run every
# unit and integration test (real clusters, real HAProxy) in one vitest run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true

bash tools/scripts/setup.sh
# The live suites run on each generation of the stack; a generation other than this machine's runs
# from a root built from Debian's archive (cached, rebuilt when its package list changes). That build
# is mostly downloads and dpkg: it runs beside the rest of the build, its progress lines among them.
npx nx run-many -t build --projects=@ha/core,@ha/lab --output-style=static
IFS=, read -r -a stacks <<<"${HA_LAB_STACKS:-debian12,debian13}"
(for stack in "${stacks[@]}"; do node tools/lab/bin/ha-lab.js stack build "$stack"; done) &
stack_build=$!
npx nx run-many -t build typecheck lint --output-style=static
npx tsc -p tsconfig.json
npx eslint test tools/scripts vitest.config.ts
npx prettier --check . --log-level warn
node tools/scripts/check-line-length.mjs
wait "$stack_build"
npx vitest run "$@"
