#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this script):
#   1. the test environment (Docker engines 20.10 and 28, two registries on loopback, Podman 5, .NET base-image
#      stand-ins): eng/env/up.sh
#   2. the packages under test: dotnet pack Containerize.sln -c Release -o artifacts/packages
#   3. one pass per engine, side by side: every test (unit and integration) against Docker Engine 20.10 on the
#      default socket, and the tests of category Engine again against Docker Engine 28 with the containerd image
#      store (DOCKER_HOST, the TLS engine and the push registries switched to its own), with the tests of category
#      Engine28Pass (which need no particular engine) moved from the first pass to the second to balance them. Results in
#      artifacts/test-results/<engine>.trx; the engine-28 pass's output in docker28.log, printed after the first's.
# It ends with one line "N passed, N failed, N skipped" (both passes together) and exits non-zero on any failure.
# Extra arguments go to every pass of dotnet test (for example: --filter TestCategory=Unit, which leaves the
# engine-28 pass with nothing to run, so it is skipped). CONTAINERIZE_TEST_ENGINES=docker20 runs the first pass only.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=env/enter.sh
source eng/env/enter.sh
dotnet pack Containerize.sln -c Release -o artifacts/packages

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

# The user's --filter, if any, so that the engine-28 pass can narrow it to the Engine category.
filter=
args=()
while (($#)); do
  case $1 in
    --filter) filter=$2; shift 2 ;;
    --filter=*) filter=${1#--filter=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

totals=(0 0 0)
status=0
# run_pass NAME FILTER [env ARGUMENTS...]: one dotnet test run with the given environment changes; returns its exit code.
run_pass() {
  local name=$1 pass_filter=$2
  shift 2
  echo "=== test pass: $name${pass_filter:+ (filter: $pass_filter)}"
  env "$@" dotnet test tests/Containerize.Tests -c Release --no-build --results-directory "$results" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" ${pass_filter:+--filter "$pass_filter"} \
    "${args[@]}"
}

# tally NAME EXIT_CODE: the pass's counters (from its .trx) added to the totals.
tally() {
  local name=$1 pass_status=$2 trx="$results/$1.trx"
  if [[ ! -f $trx ]]; then
    if ((pass_status == 0)); then
      echo "=== test pass $name: no test matched the filter"
      return 0
    fi
    echo "=== test pass $name: no test results ($trx is missing)"
    totals[1]=$((totals[1] + 1))
    status=1
    return 0
  fi
  local counters passed failed skipped
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$(count passed)
  failed=$(($(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$(($(count notExecuted) + $(count inconclusive)))
  echo "=== test pass $name: $passed passed, $failed failed, $skipped skipped"
  totals[0]=$((totals[0] + passed))
  totals[1]=$((totals[1] + failed))
  totals[2]=$((totals[2] + skipped))
  if ((pass_status != 0 || failed > 0)); then
    status=1
  fi
}

dotnet build tests/Containerize.Tests -c Release
engines=${CONTAINERIZE_TEST_ENGINES:-docker20 docker28}
# The engine-28 pass runs beside the engine-20.10 pass (most of a test's time is spent waiting on an engine, a
# registry or a child dotnet), pushing to registries of its own; its output follows the first pass's.
d28_pid=
# Tests of category Engine28Pass need no particular engine: they run in the engine-28 pass, which has time to spare,
# and in the first pass only when the engine-28 pass does not run (tests/Containerize.Tests/Infrastructure/TestPasses.cs).
if [[ " $engines " == *" docker28 "* ]]; then
  run_pass docker28 "${filter:+($filter)&}(TestCategory=Engine|TestCategory=Engine28Pass)" CONTAINERIZE_TEST_ENGINE_VERSION=28. \
    DOCKER_HOST="$CONTAINERIZE_TEST_ENGINE28_HOST" CONTAINERIZE_TEST_TLS_HOST="$CONTAINERIZE_TEST_ENGINE28_TLS_HOST" \
    CONTAINERIZE_TEST_REGISTRY="$CONTAINERIZE_TEST_ENGINE28_REGISTRY" \
    CONTAINERIZE_TEST_AUTH_REGISTRY="$CONTAINERIZE_TEST_ENGINE28_AUTH_REGISTRY" >"$results/docker28.log" 2>&1 &
  d28_pid=$!
fi
if [[ " $engines " == *" docker20 "* ]]; then
  d20_status=0
  d20_filter=$filter
  if [[ -n $d28_pid ]]; then
    d20_filter="${filter:+($filter)&}TestCategory!=Engine28Pass"
  fi
  run_pass docker20 "$d20_filter" -u DOCKER_HOST -u DOCKER_CONTEXT CONTAINERIZE_TEST_ENGINE_VERSION=20. || d20_status=$?
  tally docker20 "$d20_status"
fi
if [[ -n $d28_pid ]]; then
  d28_status=0
  wait "$d28_pid" || d28_status=$?
  cat "$results/docker28.log"
  tally docker28 "$d28_status"
fi

echo "${totals[0]} passed, ${totals[1]} failed, ${totals[2]} skipped"
if ((status != 0 || totals[1] > 0 || totals[0] == 0)); then
  exit 1
fi
