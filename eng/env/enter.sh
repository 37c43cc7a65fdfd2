# shellcheck shell=bash
# Sourced by eng/test.sh and eng/run-sample.sh: brings the test environment up (idempotent) and exports what the
# builds and tests read (CONTAINERIZE_TEST_*, and the dotnet CLI's quiet settings).
bash "$(dirname "${BASH_SOURCE[0]}")/up.sh"
# shellcheck disable=SC1091
source "${CONTAINERIZE_ENV_DIR:-/var/lib/containerize-env}/env.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
