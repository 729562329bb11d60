#!/usr/bin/env bash
# `npm test`: set the machine up, build, check types and lint, then run every
# unit and integration test (real clusters, real HAProxy) in one vitest run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true

bash tools/scripts/setup.sh
npx nx run-many -t build typecheck lint --output-style=static
npx tsc -p tsconfig.json
npx eslint test tools/scripts vitest.config.ts
npx prettier --check . --log-level warn
node tools/scripts/check-line-length.mjs
npx vitest run "$@"
