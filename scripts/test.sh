#!/usr/bin/env bash
# The whole test suite: type check, lint, then every test (unit tests next to the code in src/,
# integration and end-to-end tests in test/) with Node's built-in runner on real git and nix.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
node=$(bash "$root/scripts/setup.sh" | tail -n 1)
export PATH="$(dirname "$node"):$PATH"
cd "$root"
echo "== node $(node --version), $(git --version)"
echo "== type check (tsc --noEmit)"
node_modules/.bin/tsc --noEmit -p .
echo "== lint and format (biome)"
node_modules/.bin/biome check --diagnostic-level=error .
echo "== tests (node --test)"
node --disable-warning=ExperimentalWarning --test --test-concurrency="${EKA_TEST_JOBS:-2}" \
  "src/**/*.test.ts" "test/**/*.test.ts" "$@"
