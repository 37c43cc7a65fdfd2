#!/usr/bin/env bash
# The benchmark of issue 6: Containerize (the engine backend with BuildKit and the legacy builder, on engine 20.10 and
# engine 28, and the daemonless backend) against the .NET SDK's
# `dotnet publish -t:PublishContainer` on ../shared/bench/WebDeps. See eng/bench/README.md; options: --help.
#
#   bash eng/bench/run.sh             # everything (a few minutes on 2 cores), writes docs/performance.md
#   bash eng/bench/run.sh --dry-run   # prerequisites and the plan only, in seconds (what CI runs)
#
# A real run first brings the test environment up (eng/env/enter.sh, idempotent) and packs Containerize when
# artifacts/packages/Containerize.0.1.0.nupkg is missing or older than a file under src/ (--pack: always,
# --no-pack: never). --dry-run starts, builds and packs nothing except the benchmark's own console project.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PROJECT=eng/bench/Containerize.Bench
DLL=$PROJECT/bin/Release/net10.0/Containerize.Bench.dll
NUPKG=artifacts/packages/Containerize.0.1.0.nupkg

dry=; pack=auto; help=
for a in "$@"; do
  case $a in
    --dry-run | --check) dry=1 ;;
    --pack) pack=always ;;
    --no-pack) pack=never ;;
    -h | --help) help=1 ;;
  esac
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_CLI_USE_MSBUILD_SERVER=0

# run_logged WHAT COMMAND...: runs COMMAND quietly; on failure shows the end of its output
run_logged() {
  local what=$1 log rc=0
  shift
  log=$(mktemp)
  "$@" >"$log" 2>&1 || rc=$?
  if ((rc != 0)); then
    echo "run.sh: $what failed (exit code $rc):" >&2
    tail -n 40 "$log" >&2
    rm -f "$log"
    exit "$rc"
  fi
  rm -f "$log"
}

# The benchmark itself: built only when a source is newer than the program.
if [[ ! -f $DLL ]] || [[ -n $(find "$PROJECT" \( -name '*.cs' -o -name '*.csproj' \) -newer "$DLL" -not -path '*/obj/*' -print -quit) ]] ||
  [[ Directory.Build.props -nt $DLL ]]; then
  run_logged "building $PROJECT" dotnet build "$PROJECT" -c Release -nologo -v q -nodeReuse:false
fi

if [[ -n $help ]]; then exec dotnet "$DLL" --help; fi

if [[ -z $dry ]]; then
  # shellcheck source=../env/enter.sh
  source eng/env/enter.sh >/dev/null
  if [[ $pack == always ]] || { [[ $pack == auto ]] && { [[ ! -f $NUPKG ]] ||
    [[ -n $(find src Directory.Build.props Directory.Packages.props -type f -newer "$NUPKG" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit) ]]; }; }; then
    echo "packing Containerize (dotnet pack Containerize.sln -c Release -o artifacts/packages)"
    run_logged "dotnet pack" dotnet pack Containerize.sln -c Release -o artifacts/packages -nologo -nodeReuse:false
  fi
fi

exec dotnet "$DLL" --repo "$ROOT" "$@"
