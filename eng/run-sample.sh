#!/usr/bin/env bash
# The main job, end to end: start the local engine and registries (eng/env/up.sh), pack Containerize, then
# containerize samples/HelloDocker with `dotnet publish -p:Containerize=true` and run the image once.
# On a machine that reaches mcr.microsoft.com, set CONTAINERIZE_BASE_REGISTRY=mcr.microsoft.com to use the real base images.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=env/enter.sh
source eng/env/enter.sh

dotnet pack Containerize.sln -c Release -o artifacts/packages
# The samples restore into a folder of their own, without any earlier copy of the Containerize packages.
export NUGET_PACKAGES=$PWD/artifacts/sample-nuget-packages
rm -rf "$NUGET_PACKAGES/containerize" "$NUGET_PACKAGES/containerize.sdk"

sample=${1:-HelloDocker}
dotnet publish "samples/$sample" -p:Containerize=true -t:RunContainer \
  -p:ContainerBaseRegistry="${CONTAINERIZE_BASE_REGISTRY:-$CONTAINERIZE_TEST_BASE_REGISTRY}"
echo "Dockerfile: samples/$sample/obj/Release/net10.0/containerize/Dockerfile"
