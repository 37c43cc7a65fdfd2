#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script):
#   1. the test environment (Docker engine, two registries on loopback, .NET base-image stand-ins): eng/env/up.sh
#   2. the packages under test: dotnet pack Containerize.sln -c Release -o artifacts/packages
#   3. every test (unit and integration), results in artifacts/test-results/
# It ends with one line "N passed, N failed, N skipped" and exits non-zero on any failure.
# Extra arguments go to dotnet test (for example: --filter TestCategory=Unit).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=env/enter.sh
source eng/env/enter.sh
dotnet pack Containerize.sln -c Release -o artifacts/packages

results=artifacts/test-results
rm -rf "$results"
status=0
dotnet test tests/Containerize.Tests -c Release --results-directory "$results" --logger "trx;LogFileName=results.trx" \
  --logger "console;verbosity=normal" "$@" || status=$?

trx="$results/results.trx"
if [[ ! -f $trx ]]; then
  echo "no test results ($trx is missing)"
  echo "0 passed, 1 failed"
  exit 1
fi
counters=$(grep -o '<Counters [^>]*>' "$trx")
count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
passed=$(count passed)
failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
skipped=$(( $(count notExecuted) + $(count inconclusive) ))
echo "$passed passed, $failed failed, $skipped skipped"
if (( status != 0 || failed > 0 || passed == 0 )); then
  exit 1
fi
