#!/usr/bin/env bash
# Installs and starts what the integration tests need, on a Debian 12 machine, as root, one component script of
# eng/env after the other (each sourced, with the helpers of eng/env/lib.sh):
#   - a Docker engine (dockerd, no bridge, no iptables) on the default socket /var/run/docker.sock
#   - a plain registry on 127.0.0.1:5000 and an htpasswd-protected one on 127.0.0.1:5001, and the same pair on 5002
#     and 5003 for the engine-28 test pass, which eng/test.sh runs beside the engine-20.10 pass (the passes push
#     images of the same names)
#   - stand-ins for the .NET base images, pushed to localhost:5000:
#       dotnet/runtime-deps:10.0, dotnet/runtime-deps:10.0-noappuid, dotnet/runtime:10.0, dotnet/aspnet:10.0
#   - a tiny base image (static busybox, user app 1654), localhost:5000/ctz-test/tiny:1 (linux/amd64), the same
#     for linux/arm64/v8 without emulation, localhost:5000/ctz-test/tiny:1-arm64 (Debian's busybox-static:arm64,
#     downloaded, not installed; imported by engine 28, which keeps the platform, and pushed), and a two-platform
#     index of the two, localhost:5000/ctz-test/tiny-multi:1 (adds arm64 to dpkg's foreign architectures)
#   - a second Docker engine on tcp://127.0.0.1:2376 that requires TLS client certificates (its own data root,
#     exec root and containerd; certificates in $CONTAINERIZE_ENV_DIR/tls, the client's in tls/client)
#   - Docker Engine 28 (Debian sid's dockerd and containerd, downloaded and unpacked, not installed) with the
#     containerd image store, on unix:///run/containerize-docker28/docker.sock and, with the same TLS certificates
#     as the engine on 2376, on tcp://127.0.0.1:2377; the .NET stand-ins and the tiny image pulled into it
#     (eng/env/docker28.sh)
#   - Podman 5 (Debian trixie's, in a debootstrap root of its own, overlay storage) and its Docker-compatible API
#     on $CONTAINERIZE_ENV_DIR/xdg/podman/podman.sock (eng/env/podman5.sh)
#   - the supply-chain tests' tools, started by nothing: cosign 3.1 and oras 1.3 (Debian sid's, downloaded and
#     unpacked, not installed) and the CycloneDX .NET tool 6.3.1 (eng/env/supply-chain-tools.sh)
#   - $CONTAINERIZE_ENV_DIR/env.sh with the CONTAINERIZE_TEST_* variables the tests read
#
# The component scripts, in the order they run:
#   lib.sh          the shared helpers (say, step, die, http_code, ensure_image, ...), with proc.sh's (is_proc,
#                   pid_in: a pid file names our process only when its command line has our configuration)
#   packages.sh     1. the Debian packages
#   engine.sh       2. Docker Engine 20.10 on the default socket
#   registries.sh   3. the registries on 5000 to 5003
#   base-images.sh  4. the .NET base-image stand-ins
#   tiny.sh         5. the tiny base image (linux/amd64)
#   tls-engine.sh   6. the TLS certificates and the TLS engine on 2376
#   docker28.sh     6b. Docker Engine 28 on its own socket and 2377
#   tiny-arm64.sh   6c. the tiny image for linux/arm64/v8 (imported by engine 28) and the two-platform index
#   podman5.sh      7. Podman 5
#   supply-chain-tools.sh  7b. cosign, oras and the CycloneDX tool
# then this script writes env.sh (8.) and prints the summary.
#
# Idempotent: every step whose result already exists is skipped, so a second run takes seconds.
# The network is never used except for Debian's package mirror (apt-get and debootstrap, for bookworm, trixie and
# sid) and loopback.
#
# Environment:
#   CONTAINERIZE_ENV_DIR   state folder (default /var/lib/containerize-env): logs, pid files, registry
#                          storage, the debootstrap root file system, certificates, the TLS engine's storage,
#                          engine 28's binaries and storage (docker28/), Podman 5's root and storage (podman5/),
#                          the arm64 busybox package (tiny-arm64/), cosign, oras and the CycloneDX tool (tools/),
#                          env.sh
set -Eeuo pipefail

ENV_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${CONTAINERIZE_ENV_DIR:-/var/lib/containerize-env}
LOGS=$STATE/logs
SUITE=bookworm
DOTNET_CHANNEL=10.0
REG_OPEN_PORT=5000
REG_AUTH_PORT=5001
REG2_OPEN_PORT=5002
REG2_AUTH_PORT=5003
AUTH_USER=ctzuser
AUTH_PASSWORD=ctz-Secret-pw1
REG=localhost:$REG_OPEN_PORT
IMG_RUNTIME_DEPS=$REG/dotnet/runtime-deps:$DOTNET_CHANNEL
IMG_NOAPPUID=$REG/dotnet/runtime-deps:$DOTNET_CHANNEL-noappuid
IMG_RUNTIME=$REG/dotnet/runtime:$DOTNET_CHANNEL
IMG_ASPNET=$REG/dotnet/aspnet:$DOTNET_CHANNEL
IMG_TINY=$REG/ctz-test/tiny:1
IMG_TINY_ARM64=$REG/ctz-test/tiny:1-arm64
IMG_TINY_MULTI=$REG/ctz-test/tiny-multi:1
BASE_PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Always the engine on the default socket, whatever the caller's environment says.
export DOCKER_HOST=unix:///var/run/docker.sock
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH || true
# The legacy builder, as Docker.DotNet's POST /build uses (the CLI here has no buildx plugin anyway).
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

# shellcheck source=eng/env/lib.sh
source "$ENV_SCRIPTS/lib.sh"

# ---------------------------------------------------------------------------------------------- setup
[[ $(id -u) -eq 0 ]] || die "must run as root"
mkdir -p "$STATE" "$LOGS"
# One up.sh at a time. The daemons started below must not inherit fd 9 (they would hold the lock forever).
exec 9>"$STATE/up.lock"
if ! flock -n 9; then
  say "another up.sh runs (it holds $STATE/up.lock); waiting for it"
  flock -w 300 9 || die "another up.sh still holds $STATE/up.lock after 300 s"
fi

# ---------------------------------------------------------------------------------------------- 1. packages
# shellcheck source=eng/env/packages.sh
source "$ENV_SCRIPTS/packages.sh"

# ---------------------------------------------------------------------------------------------- 2. engine
# shellcheck source=eng/env/engine.sh
source "$ENV_SCRIPTS/engine.sh"

# ---------------------------------------------------------------------------------------------- 3. registries
# shellcheck source=eng/env/registries.sh
source "$ENV_SCRIPTS/registries.sh"

# ---------------------------------------------------------------------------------------------- 4. base images
# shellcheck source=eng/env/base-images.sh
source "$ENV_SCRIPTS/base-images.sh"

# ---------------------------------------------------------------------------------------------- 5. tiny base image
# shellcheck source=eng/env/tiny.sh
source "$ENV_SCRIPTS/tiny.sh"

# ---------------------------------------------------------------------------------------------- 6. TLS engine
# shellcheck source=eng/env/tls-engine.sh
source "$ENV_SCRIPTS/tls-engine.sh"

# ---------------------------------------------------------------------------------------------- 6b. engine 28
# shellcheck source=eng/env/docker28.sh
source "$ENV_SCRIPTS/docker28.sh"

# ---------------------------------------------------------------------------------------------- 6c. arm64 tiny image, two-platform index
# shellcheck source=eng/env/tiny-arm64.sh
source "$ENV_SCRIPTS/tiny-arm64.sh"

# ---------------------------------------------------------------------------------------------- 7. Podman 5
# shellcheck source=eng/env/podman5.sh
source "$ENV_SCRIPTS/podman5.sh"

# ---------------------------------------------------------------------------------------------- 7b. supply-chain tools
# shellcheck source=eng/env/supply-chain-tools.sh
source "$ENV_SCRIPTS/supply-chain-tools.sh"

# ---------------------------------------------------------------------------------------------- 8. env.sh
step "env.sh"
cat >"$STATE/env.sh.tmp" <<EOF
# Written by eng/env/up.sh: the services the integration tests use (the tests default to these values).
export CONTAINERIZE_TEST_BASE_REGISTRY=$REG
export CONTAINERIZE_TEST_REGISTRY=$REG
export CONTAINERIZE_TEST_AUTH_REGISTRY=127.0.0.1:$REG_AUTH_PORT
export CONTAINERIZE_TEST_AUTH_USER=$AUTH_USER
export CONTAINERIZE_TEST_AUTH_PASSWORD=$AUTH_PASSWORD
export CONTAINERIZE_TEST_TINY_BASE=$IMG_TINY
export CONTAINERIZE_TEST_MULTI_BASE=$IMG_TINY_MULTI
export CONTAINERIZE_TEST_TLS_HOST=$TLS_HOST
export CONTAINERIZE_TEST_TLS_CERTS=$TLS_CLIENT_DIR
export CONTAINERIZE_TEST_ENGINE28_HOST=$D28_HOST
export CONTAINERIZE_TEST_ENGINE28_TLS_HOST=$D28_TLS_HOST
export CONTAINERIZE_TEST_ENGINE28_REGISTRY=localhost:$REG2_OPEN_PORT
export CONTAINERIZE_TEST_ENGINE28_AUTH_REGISTRY=127.0.0.1:$REG2_AUTH_PORT
export CONTAINERIZE_TEST_PODMAN_RUNTIME_DIR=$PODMAN_XDG
export CONTAINERIZE_TEST_COSIGN=$COSIGN
export CONTAINERIZE_TEST_ORAS=$ORAS
export CONTAINERIZE_TEST_CYCLONEDX=$CYCLONEDX
EOF
mv "$STATE/env.sh.tmp" "$STATE/env.sh"

# ---------------------------------------------------------------------------------------------- summary
dpid=$(cat /var/run/docker.pid 2>/dev/null || echo '?')
echo "dockerd                 running (pid $dpid, unix:///var/run/docker.sock, no bridge): ${RESULT[dockerd]}"
for port in "$REG_OPEN_PORT" "$REG2_OPEN_PORT"; do
  echo "registry 127.0.0.1:$port    running (/v2/ $(http_code "http://127.0.0.1:$port/v2/"), open): ${RESULT[registry-$port]}"
done
for port in "$REG_AUTH_PORT" "$REG2_AUTH_PORT"; do
  echo "registry 127.0.0.1:$port    running (/v2/ $(http_code "http://127.0.0.1:$port/v2/"), $(http_code "http://127.0.0.1:$port/v2/" -u "$AUTH_USER:$AUTH_PASSWORD") as $AUTH_USER): ${RESULT[registry-$port]}"
done
for ref in "$IMG_RUNTIME_DEPS" "$IMG_NOAPPUID" "$IMG_RUNTIME" "$IMG_ASPNET" "$IMG_TINY" "$IMG_TINY_ARM64" "$IMG_TINY_MULTI"; do
  printf '%-50s %s\n' "$ref" "${RESULT[$ref]}"
done
echo "TLS engine              running (pid $TLS_PID, $TLS_HOST, client certificates $TLS_CLIENT_DIR): ${RESULT[dockerd-tls]}"
echo "engine 28               running (pid $D28_PID, containerd pid $D28_CTD_PID, $D28_HOST, $D28_TLS_HOST with the same client certificates): ${RESULT[d28]}; ${RESULT[d28-packages]}; ${RESULT[d28-images]}"
echo "Podman 5                running (pid $PODMAN_PID, unix://$PODMAN_SOCK): ${RESULT[podman]}; ${RESULT[podman-root]}"
echo "cosign, oras            $COSIGN, $ORAS: ${RESULT[sct-packages]}"
echo "CycloneDX tool          $CYCLONEDX: ${RESULT[sct-cyclonedx]}"
echo "env file                $STATE/env.sh"
say "done"
