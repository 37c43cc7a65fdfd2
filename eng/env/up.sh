#!/usr/bin/env bash
# Installs and starts what the integration tests need, on a Debian 12 machine, as root:
#   - a Docker engine (dockerd, no bridge, no iptables) on the default socket /var/run/docker.sock
#   - a plain registry on 127.0.0.1:5000 and an htpasswd-protected one on 127.0.0.1:5001, and the same pair on 5002
#     and 5003 for the engine-28 test pass, which eng/test.sh runs beside the engine-20.10 pass (the passes push
#     images of the same names)
#   - stand-ins for the .NET base images, pushed to localhost:5000:
#       dotnet/runtime-deps:10.0, dotnet/runtime-deps:10.0-noappuid, dotnet/runtime:10.0, dotnet/aspnet:10.0
#   - a tiny base image (static busybox, user app 1654), localhost:5000/ctz-test/tiny:1 (linux/amd64), the same
#     for linux/arm64/v8 without emulation, localhost:5000/ctz-test/tiny:1-arm64 (Debian's busybox-static:arm64,
#     downloaded, not installed; an OCI layout written by hand, copied by skopeo), and a two-platform index of
#     the two, localhost:5000/ctz-test/tiny-multi:1 (adds arm64 to dpkg's foreign architectures)
#   - a second Docker engine on tcp://127.0.0.1:2376 that requires TLS client certificates (its own data root,
#     exec root and containerd; certificates in $CONTAINERIZE_ENV_DIR/tls, the client's in tls/client)
#   - Docker Engine 28 (Debian sid's dockerd and containerd, downloaded and unpacked, not installed) with the
#     containerd image store, on unix:///run/containerize-docker28/docker.sock and, with the same TLS certificates
#     as the engine on 2376, on tcp://127.0.0.1:2377; the .NET stand-ins and the tiny image pulled into it
#     (eng/env/docker28.sh)
#   - Podman 5 (Debian trixie's, in a debootstrap root of its own, overlay storage) and its Docker-compatible API
#     on $CONTAINERIZE_ENV_DIR/xdg/podman/podman.sock (eng/env/podman5.sh)
#   - $CONTAINERIZE_ENV_DIR/env.sh with the CONTAINERIZE_TEST_* variables the tests read
#
# Idempotent: every step whose result already exists is skipped, so a second run takes seconds.
# The network is never used except for Debian's package mirror (apt-get and debootstrap, for bookworm, trixie and
# sid) and loopback.
#
# Environment:
#   CONTAINERIZE_ENV_DIR   state folder (default /var/lib/containerize-env): logs, pid files, registry
#                          storage, the debootstrap root file system, certificates, the TLS engine's storage,
#                          engine 28's binaries and storage (docker28/), Podman 5's root and storage (podman5/),
#                          the arm64 busybox package and OCI layout (tiny-arm64/), env.sh
set -Eeuo pipefail

ENV_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${CONTAINERIZE_ENV_DIR:-/var/lib/containerize-env}
LOGS=$STATE/logs
ROOTFS=$STATE/rootfs
SUITE=bookworm
DOTNET_CHANNEL=10.0
REG_OPEN_PORT=5000
REG_AUTH_PORT=5001
REG2_OPEN_PORT=5002
REG2_AUTH_PORT=5003
AUTH_USER=ctzuser
AUTH_PASSWORD=ctz-Secret-pw1
REG=localhost:$REG_OPEN_PORT
APT_PACKAGES=(docker.io docker-registry apache2-utils skopeo debootstrap curl busybox-static openssl)
DEBOOTSTRAP_INCLUDE=ca-certificates,libicu72,libssl3,zlib1g,libstdc++6,tzdata
IMG_RUNTIME_DEPS=$REG/dotnet/runtime-deps:$DOTNET_CHANNEL
IMG_NOAPPUID=$REG/dotnet/runtime-deps:$DOTNET_CHANNEL-noappuid
IMG_RUNTIME=$REG/dotnet/runtime:$DOTNET_CHANNEL
IMG_ASPNET=$REG/dotnet/aspnet:$DOTNET_CHANNEL
IMG_TINY=$REG/ctz-test/tiny:1
BASE_PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Always the engine on the default socket, whatever the caller's environment says.
export DOCKER_HOST=unix:///var/run/docker.sock
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH || true
# The legacy builder, as Docker.DotNet's POST /build uses (the CLI here has no buildx plugin anyway).
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive

START_NS=$(date +%s%N)
STEP=start
STEP_LOG=
TMP_DIRS=()
declare -A RESULT=()

# ---------------------------------------------------------------------------------------------- helpers
elapsed() { echo $(( ($(date +%s%N) - START_NS) / 1000000 )); }
say() { local ms; ms=$(elapsed); printf '[%3d.%01ds] %s\n' $((ms / 1000)) $(((ms % 1000) / 100)) "$*"; }
step() { STEP=$1; STEP_LOG=${2:-}; }

show_log_tail() {
  local log=${1:-$STEP_LOG}
  if [[ -n $log && -s $log ]]; then
    echo "----- last 40 lines of $log -----" >&2
    tail -n 40 "$log" >&2
    echo "-----" >&2
  fi
}

die() {
  trap - ERR
  echo "up.sh: FAILED in step '$STEP': $*" >&2
  show_log_tail
  exit 1
}

on_err() {
  local rc=$? line=$1
  trap - ERR
  echo "up.sh: FAILED in step '$STEP' ($line, exit code $rc)" >&2
  show_log_tail
  exit "$rc"
}
trap 'on_err "${BASH_SOURCE[0]##*/} line $LINENO"' ERR

cleanup() {
  local d
  for d in "${TMP_DIRS[@]+"${TMP_DIRS[@]}"}"; do rm -rf --one-file-system "$d" 2>/dev/null || true; done
}
trap cleanup EXIT

# is_proc PID NAME: PID is alive and its command name is NAME
is_proc() { [[ $1 =~ ^[0-9]+$ ]] && [[ -r /proc/$1/comm ]] && [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]; }

# started PID: true while a process this script just started in the background has not exited. Not is_proc: until
# the child has exec'd (bash forks, then setsid execs the program) its name is still bash's or setsid's.
started() { local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) && [[ ${stat##*) } != Z* ]]; }

# pids_named NAME: pids of all processes whose command name is NAME
pids_named() {
  local f
  for f in /proc/[0-9]*/comm; do
    [[ $(cat "$f" 2>/dev/null) == "$1" ]] && { f=${f#/proc/}; echo "${f%/comm}"; }
  done
  return 0
}

# main_dockerd_pids: pids of the dockerd processes other than the TLS engine and engine 28 (both have --exec-root)
main_dockerd_pids() {
  local p
  for p in $(pids_named dockerd); do
    tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -q '^--exec-root' || echo "$p"
  done
  return 0
}

# put_file PATH CONTENT: write PATH only when its content changes; returns 0 when it changed
put_file() {
  if [[ -f $1 && $(cat "$1") == "$2" ]]; then return 1; fi
  printf '%s\n' "$2" >"$1.tmp"
  mv "$1.tmp" "$1"
}

# http_code URL [curl args...]: the HTTP status, 000 when nothing answers
http_code() {
  local url=$1; shift
  curl --noproxy '*' -s -o /dev/null -m 5 -w '%{http_code}' "$@" "$url" 2>/dev/null || true
}

pkg_installed() {
  local s
  s=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)
  [[ $s == "install ok installed" ]]
}

# The Debian mirror this machine's apt uses for $SUITE (deb822 *.sources and one-line *.list files).
debian_mirror() {
  local uri="" f
  local -a files=()
  for f in /etc/apt/sources.list.d/*.sources; do [[ -f $f ]] && files+=("$f"); done
  if ((${#files[@]})); then
    uri=$(for f in "${files[@]}"; do cat "$f"; printf '\n\n'; done | awk -v suite="$SUITE" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uris = ""; suites = ""; types = ""; enabled = "yes"
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t]*#/) continue
          if (match(line, /^URIs:[ \t]*/)) uris = substr(line, RLENGTH + 1)
          else if (match(line, /^Suites:[ \t]*/)) suites = substr(line, RLENGTH + 1)
          else if (match(line, /^Types:[ \t]*/)) types = substr(line, RLENGTH + 1)
          else if (match(line, /^Enabled:[ \t]*/)) enabled = tolower(substr(line, RLENGTH + 1))
        }
        if (enabled != "no" && (" " types " ") ~ / deb / && (" " suites " ") ~ (" " suite " ")) {
          split(uris, a, /[ \t]+/); print a[1]; exit
        }
      }')
  fi
  if [[ -z $uri ]]; then
    files=()
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [[ -f $f ]] && files+=("$f"); done
    if ((${#files[@]})); then
      uri=$(cat "${files[@]}" | awk -v suite="$SUITE" '
        $1 == "deb" {
          i = 2
          if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
          if ($(i + 1) == suite) { print $i; exit }
        }')
    fi
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

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
step "apt packages" "$LOGS/apt.log"
missing=()
for p in "${APT_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
  say "installing packages: ${missing[*]} (log: $LOGS/apt.log)"
  # No service may start from a package's postinst (the docker-registry package's would listen on
  # every interface, docker.io's would create a bridge): /usr/sbin/policy-rc.d answering 101 forbids it.
  own_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  {
    apt-get update &&
      apt-get install -y --no-install-recommends "${missing[@]}" pigz
  } >>"$LOGS/apt.log" 2>&1 || { [[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d; die "apt-get failed"; }
  [[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d
  for p in "${missing[@]}"; do pkg_installed "$p" || die "package $p is still not installed"; done
  RESULT[packages]="installed ${missing[*]}"
else
  RESULT[packages]="all present"
fi
for c in dockerd docker docker-registry htpasswd skopeo debootstrap curl busybox openssl unshare chroot dpkg-deb python3; do
  command -v "$c" >/dev/null || die "command $c not found after installing packages"
done
say "packages: ${RESULT[packages]}"

# ---------------------------------------------------------------------------------------------- 2. engine
step "docker engine" "$LOGS/dockerd.log"
DOCKERD_PIDFILE=$STATE/dockerd.pid
if docker info >/dev/null 2>&1; then
  RESULT[dockerd]="already running"
else
  running=$(main_dockerd_pids)
  if [[ -n $running ]]; then
    # A dockerd exists but does not answer (yet): give it a bounded while before giving up.
    say "a dockerd (pid $(echo $running)) runs but does not answer yet; waiting"
    for _ in $(seq 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || die "dockerd (pid $(echo $running)) runs but 'docker info' fails after 60 s; stop it (eng/env/down.sh or kill that pid) and re-run"
    RESULT[dockerd]="already running (was starting)"
  else
    # Leftovers of an engine that no longer runs (a machine restart) must not block the start.
    rm -f /var/run/docker.pid /var/run/docker.sock "$DOCKERD_PIDFILE"
    cpid_file=/var/run/docker/containerd/containerd.pid
    if [[ -f $cpid_file ]] && ! is_proc "$(cat "$cpid_file" 2>/dev/null)" containerd; then rm -f "$cpid_file"; fi
    ip link delete docker0 2>/dev/null || true
    say "starting dockerd (log: $LOGS/dockerd.log)"
    echo "=== $(date -Is) up.sh starts dockerd" >>"$LOGS/dockerd.log"
    setsid dockerd --host=unix:///var/run/docker.sock \
      --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
      >>"$LOGS/dockerd.log" 2>&1 </dev/null 9>&- &
    dpid=$!
    echo "$dpid" >"$DOCKERD_PIDFILE"
    ok=
    for _ in $(seq 120); do
      if docker info >/dev/null 2>&1; then ok=1; break; fi
      started "$dpid" || die "dockerd (pid $dpid) exited during start-up"
      sleep 0.5
    done
    [[ -n $ok ]] || die "dockerd (pid $dpid) did not answer within 60 s"
    RESULT[dockerd]="started"
  fi
fi
# The pid dockerd itself recorded is authoritative (e.g. after setsid forked).
if [[ -f /var/run/docker.pid ]] && is_proc "$(cat /var/run/docker.pid)" dockerd && [[ ${RESULT[dockerd]} == started ]]; then
  cp /var/run/docker.pid "$DOCKERD_PIDFILE"
fi
versions=$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}}), client {{.Client.Version}}' 2>&1) ||
  die "the docker CLI ($(command -v docker)) cannot talk to the engine: $versions"
RESULT[dockerd]="${RESULT[dockerd]}; engine $versions"
nets=$(docker network ls --format '{{.Driver}}' 2>/dev/null || true)
if grep -qx bridge <<<"$nets"; then
  echo "up.sh: WARNING: the running engine has a bridge network; up.sh starts it with --bridge=none" >&2
fi
say "dockerd: ${RESULT[dockerd]}"

# ---------------------------------------------------------------------------------------------- 3. registries
# ensure_registry PORT EXPECTED_CODE AUTH(0|1)
ensure_registry() {
  local port=$1 expect=$2 auth=$3
  local dir=$STATE/registry-$port pidfile=$STATE/registry-$port.pid log=$LOGS/registry-$port.log
  local url=http://127.0.0.1:$port/v2/ code pid
  step "registry $port" "$log"
  code=$(http_code "$url")
  if [[ $code == "$expect" ]]; then
    RESULT[registry-$port]="already running"
    return 0
  fi
  if [[ $code != 000 ]]; then
    die "something on 127.0.0.1:$port answers $code to /v2/ (expected $expect or nothing)"
  fi
  if [[ -f $pidfile ]] && is_proc "$(cat "$pidfile")" docker-registry; then
    pid=$(cat "$pidfile")
    say "registry $port (pid $pid) does not answer; restarting it"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do is_proc "$pid" docker-registry || break; sleep 0.2; done
  fi
  rm -f "$pidfile"
  mkdir -p "$dir/storage"
  {
    echo "version: 0.1"
    echo "log: {level: info, fields: {service: registry-$port}}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $dir/storage}"
    echo "  delete: {enabled: true}"
    echo "  cache: {blobdescriptor: inmemory}"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: containerize-test-registry-$port"
    if ((auth)); then
      echo "auth:"
      echo "  htpasswd: {realm: containerize-test, path: $dir/htpasswd}"
    fi
  } >"$dir/config.yml.tmp"
  mv "$dir/config.yml.tmp" "$dir/config.yml"
  if ((auth)); then
    if ! htpasswd -vb "$dir/htpasswd" "$AUTH_USER" "$AUTH_PASSWORD" >/dev/null 2>&1; then
      htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" >"$dir/htpasswd.tmp"
      mv "$dir/htpasswd.tmp" "$dir/htpasswd"
    fi
  fi
  say "starting registry on 127.0.0.1:$port (log: $log)"
  echo "=== $(date -Is) up.sh starts the registry" >>"$log"
  setsid docker-registry serve "$dir/config.yml" >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pidfile"
  for _ in $(seq 150); do
    code=$(http_code "$url")
    [[ $code == "$expect" ]] && break
    started "$pid" || die "the registry on port $port (pid $pid) exited during start-up"
    sleep 0.2
  done
  [[ $code == "$expect" ]] || die "the registry on port $port answers $code to /v2/ after 30 s (expected $expect)"
  RESULT[registry-$port]="started"
}

for port in "$REG_OPEN_PORT" "$REG2_OPEN_PORT"; do ensure_registry "$port" 200 0; done
for port in "$REG_AUTH_PORT" "$REG2_AUTH_PORT"; do
  ensure_registry "$port" 401 1
  step "registry $port credentials" "$LOGS/registry-$port.log"
  code=$(http_code "http://127.0.0.1:$port/v2/" -u "$AUTH_USER:$AUTH_PASSWORD")
  [[ $code == 200 ]] || die "the registry on $port answers $code (not 200) with $AUTH_USER's credentials; is it one that up.sh did not start?"
done
say "registries $REG_OPEN_PORT, $REG_AUTH_PORT, $REG2_OPEN_PORT, $REG2_AUTH_PORT: ${RESULT[registry-$REG_OPEN_PORT]}, ${RESULT[registry-$REG_AUTH_PORT]}, ${RESULT[registry-$REG2_OPEN_PORT]}, ${RESULT[registry-$REG2_AUTH_PORT]}"

# ---------------------------------------------------------------------------------------------- 4. base images
IMG_LOG=$LOGS/images.log

DOTNET_EXE=$(command -v dotnet || true)
[[ -n $DOTNET_EXE ]] || { step "dotnet"; die "no dotnet on PATH: the runtime stand-ins copy the machine's own .NET runtime"; }
DOTNET_ROOT_DIR=$(dirname "$(readlink -f "$DOTNET_EXE")")
latest_version() { # latest_version FRAMEWORK: the newest $DOTNET_CHANNEL.x folder of that shared framework
  local d=$DOTNET_ROOT_DIR/shared/$1
  [[ -d $d ]] || return 0
  { (cd "$d" && ls -1d "$DOTNET_CHANNEL".* 2>/dev/null) || true; } | sort -V | tail -n 1
}
NETCORE_VER=$(latest_version Microsoft.NETCore.App)
ASPNET_VER=$(latest_version Microsoft.AspNetCore.App)
step "dotnet"
[[ -n $NETCORE_VER ]] || die "no Microsoft.NETCore.App $DOTNET_CHANNEL.x under $DOTNET_ROOT_DIR/shared"
[[ -n $ASPNET_VER ]] || die "no Microsoft.AspNetCore.App $DOTNET_CHANNEL.x under $DOTNET_ROOT_DIR/shared"

img_env() { docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null || true; }
img_env_get() { img_env "$1" | sed -n "s/^$2=//p"; }
img_layers() { docker image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1" 2>/dev/null || true; }
# extends PARENT CHILD: CHILD's layers are PARENT's plus at least one more
extends() {
  local p c
  p=$(img_layers "$1")
  c=$(img_layers "$2")
  [[ -n $p && ${#c} -gt ${#p} && ${c:0:${#p}} == "$p" ]]
}

# registry_digest REF: the digest of REF's manifest in the local registry, empty if it has none
registry_digest() {
  local ref=$1 rest name tag
  rest=${ref#"$REG"/}
  name=${rest%:*}
  tag=${rest##*:}
  curl --noproxy '*' -s -m 10 -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
    -H 'Accept: application/vnd.oci.image.index.v1+json' \
    "http://127.0.0.1:$REG_OPEN_PORT/v2/$name/manifests/$tag" 2>/dev/null |
    tr -d '\r' | awk 'NR == 1 && $2 != "200" { exit } tolower($1) == "docker-content-digest:" { print $2 }' || true
}

# Validators: does the image in the engine have the shape (and the machine's .NET versions) we want?
valid_runtime_deps() {
  [[ $(img_env_get "$1" APP_UID) == 1654 && $(img_env_get "$1" ASPNETCORE_HTTP_PORTS) == 8080 ]]
}
valid_noappuid() {
  local env
  env=$(img_env "$1")
  [[ -n $env ]] && ! grep -q '^APP_UID=' <<<"$env" && grep -qx 'ASPNETCORE_HTTP_PORTS=8080' <<<"$env"
}
valid_runtime() {
  valid_runtime_deps "$1" && [[ $(img_env_get "$1" DOTNET_VERSION) == "$NETCORE_VER" ]] && extends "$IMG_RUNTIME_DEPS" "$1"
}
valid_aspnet() {
  valid_runtime_deps "$1" && [[ $(img_env_get "$1" DOTNET_VERSION) == "$NETCORE_VER" ]] &&
    [[ $(img_env_get "$1" ASPNET_VERSION) == "$ASPNET_VER" ]] && extends "$IMG_RUNTIME" "$1"
}

ensure_rootfs() {
  [[ -f $ROOTFS/.containerize-complete ]] && return 0
  step "debootstrap rootfs" "$LOGS/debootstrap.log"
  local mirror partial=$STATE/rootfs.partial m
  mirror=$(debian_mirror)
  # Remove a half-built tree from an interrupted run (unmount whatever debootstrap left mounted in it).
  if [[ -e $partial ]]; then
    while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v p="$partial/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
    rm -rf --one-file-system "$partial"
  fi
  rm -rf --one-file-system "$ROOTFS"
  say "debootstrap --variant=minbase $SUITE from $mirror (about a minute; log: $LOGS/debootstrap.log)"
  echo "=== $(date -Is) debootstrap $SUITE $mirror" >>"$LOGS/debootstrap.log"
  debootstrap --variant=minbase --include="$DEBOOTSTRAP_INCLUDE" "$SUITE" "$partial" "$mirror" \
    >>"$LOGS/debootstrap.log" 2>&1 || die "debootstrap failed"
  # The shape of the .NET images: user and group app, 1654, with a home folder.
  chroot "$partial" groupadd --gid=1654 app >>"$LOGS/debootstrap.log" 2>&1
  chroot "$partial" useradd --no-log-init --uid=1654 --gid=1654 --create-home app >>"$LOGS/debootstrap.log" 2>&1
  # What a slim image leaves out anyway.
  rm -rf "$partial"/usr/share/doc/* "$partial"/usr/share/man/* "$partial"/usr/share/info/* \
    "$partial"/var/cache/apt/*.bin "$partial"/var/lib/apt/lists/* "$partial"/var/log/*.log \
    "$partial"/var/cache/debconf/*-old "$partial"/var/lib/dpkg/*-old
  : >"$partial/etc/hostname"
  touch "$partial/.containerize-complete"
  mv "$partial" "$ROOTFS"
  say "rootfs ready: $(du -sh --one-file-system "$ROOTFS" | cut -f1)"
}

# import_rootfs REF [ENV...]: the rootfs as a one-layer image with those ENV, tagged REF only when complete
import_rootfs() {
  local ref=$1 id c
  shift
  ensure_rootfs
  step "import $ref" "$IMG_LOG"
  local -a changes=(-c "ENV PATH=$BASE_PATH_ENV")
  for c in "$@"; do changes+=(-c "ENV $c"); done
  changes+=(-c 'CMD ["bash"]')
  if ! id=$(tar --numeric-owner --sort=name --exclude=./.containerize-complete -C "$ROOTFS" -c . |
    docker import "${changes[@]}" - 2>>"$IMG_LOG"); then
    [[ $id == sha256:* ]] && docker rmi "$id" >/dev/null 2>&1 || true
    die "docker import of $ROOTFS failed"
  fi
  [[ $id == sha256:* ]] || die "docker import printed no image id: $id"
  local out
  out=$(docker run --rm --network none "$id" id app 2>&1) || die "smoke test of the imported image failed: $out"
  [[ $out == "uid=1654(app) gid=1654(app) groups=1654(app)" ]] || die "unexpected user app in the image: $out"
  docker tag "$id" "$ref"
}

build_runtime_deps() {
  import_rootfs "$1" APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true
}
build_noappuid() {
  import_rootfs "$1" ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true
}

# docker_build REF CONTEXT SMOKE_GREP: build with no network, smoke-test, and tag REF only then
docker_build() {
  local ref=$1 ctx=$2 expect=$3 id out
  step "build $ref" "$IMG_LOG"
  echo "=== $(date -Is) docker build $ref" >>"$IMG_LOG"
  docker build --network none --force-rm --iidfile "$ctx.iid" "$ctx" >>"$IMG_LOG" 2>&1 || die "docker build of $ref failed"
  id=$(cat "$ctx.iid")
  [[ $id == sha256:* ]] || die "docker build of $ref gave no image id"
  out=$(docker run --rm --network none "$id" dotnet --list-runtimes 2>&1) || die "smoke test of $ref failed: $out"
  grep -qF "$expect" <<<"$out" || die "smoke test of $ref: 'dotnet --list-runtimes' lacks '$expect': $out"
  docker tag "$id" "$ref"
}

# new_context: a fresh build context folder in $CTX (removed when the script exits)
new_context() {
  CTX=$(mktemp -d "$STATE/build.XXXXXX")
  TMP_DIRS+=("$CTX" "$CTX.iid")
}

build_runtime() {
  local ref=$1 ctx f
  new_context
  ctx=$CTX
  mkdir -p "$ctx/dotnet/shared/Microsoft.NETCore.App"
  cp -a "$DOTNET_ROOT_DIR/dotnet" "$DOTNET_ROOT_DIR/host" "$ctx/dotnet/"
  for f in LICENSE.txt ThirdPartyNotices.txt; do
    [[ -f $DOTNET_ROOT_DIR/$f ]] && cp -a "$DOTNET_ROOT_DIR/$f" "$ctx/dotnet/"
  done
  cp -a "$DOTNET_ROOT_DIR/shared/Microsoft.NETCore.App/$NETCORE_VER" "$ctx/dotnet/shared/Microsoft.NETCore.App/"
  cat >"$ctx/Dockerfile" <<EOF
FROM $IMG_RUNTIME_DEPS
ENV DOTNET_VERSION=$NETCORE_VER
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
EOF
  docker_build "$ref" "$ctx" "Microsoft.NETCore.App $NETCORE_VER"
}

build_aspnet() {
  local ref=$1 ctx
  new_context
  ctx=$CTX
  mkdir -p "$ctx/shared/Microsoft.AspNetCore.App"
  cp -a "$DOTNET_ROOT_DIR/shared/Microsoft.AspNetCore.App/$ASPNET_VER" "$ctx/shared/Microsoft.AspNetCore.App/"
  cat >"$ctx/Dockerfile" <<EOF
FROM $IMG_RUNTIME
ENV ASPNET_VERSION=$ASPNET_VER
COPY shared /usr/share/dotnet/shared
EOF
  docker_build "$ref" "$ctx" "Microsoft.AspNetCore.App $ASPNET_VER"
}

# ensure_image REF VALIDATOR BUILDER: REF valid in the engine and the same in the registry, doing as
# little as needed: nothing, a push, a pull, or a build (then a push).
ensure_image() {
  local ref=$1 valid=$2 build=$3 digest repo repodigests
  step "image $ref" "$IMG_LOG"
  repo=${ref%:*}
  digest=$(registry_digest "$ref")
  if docker image inspect "$ref" >/dev/null 2>&1 && "$valid" "$ref"; then
    repodigests=$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$ref" 2>/dev/null || true)
    if [[ -n $digest ]] && grep -qxF "$repo@$digest" <<<"$repodigests"; then
      RESULT[$ref]="present ($digest)"
      return 0
    fi
  elif [[ -n $digest ]]; then
    say "pulling $ref from the local registry"
    docker pull "$ref" >>"$IMG_LOG" 2>&1 || die "docker pull $ref failed"
    if "$valid" "$ref"; then
      RESULT[$ref]="pulled ($digest)"
      return 0
    fi
    say "$ref in the registry is stale; rebuilding it"
    "$build" "$ref"
  else
    say "building $ref"
    "$build" "$ref"
  fi
  step "image $ref" "$IMG_LOG"
  "$valid" "$ref" || die "the image built for $ref does not have the expected configuration"
  say "pushing $ref"
  echo "=== $(date -Is) docker push $ref" >>"$IMG_LOG"
  docker push "$ref" >>"$IMG_LOG" 2>&1 || die "docker push $ref failed"
  digest=$(registry_digest "$ref")
  [[ -n $digest ]] || die "after the push, the registry has no manifest for $ref"
  RESULT[$ref]="pushed ($digest)"
}

ensure_image "$IMG_RUNTIME_DEPS" valid_runtime_deps build_runtime_deps
ensure_image "$IMG_NOAPPUID" valid_noappuid build_noappuid
ensure_image "$IMG_RUNTIME" valid_runtime build_runtime
ensure_image "$IMG_ASPNET" valid_aspnet build_aspnet

# ---------------------------------------------------------------------------------------------- 5. tiny base image
# A few MB (a static busybox, user app 1654) for tests through engines with slow storage (Podman's vfs copies
# every layer in full for each container and build step).
# (Debian 12's busybox 1.35 wget segfaults when given -T SECONDS: use "timeout SECONDS wget ..." instead.)
TINY_APPLETS=(sh echo cat ls id sleep wget true)

valid_tiny() {
  [[ $(img_env_get "$1" APP_UID) == 1654 && $(img_env_get "$1" PATH) == /bin ]]
}

# tiny_rootfs ROOT BUSYBOX APPLET...: the tiny image's root file system in ROOT (a new folder): BUSYBOX as
# /bin/busybox with a link for each applet, users root and app (1654, group app 1654), /tmp, /root, /home/app.
tiny_rootfs() {
  local root=$1 bb=$2 a
  shift 2
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/home/app"
  cp "$bb" "$root/bin/busybox"
  chmod 755 "$root/bin/busybox"
  for a in "$@"; do
    [[ $a == busybox || $a == */* || -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"
  done
  for a in "${TINY_APPLETS[@]}"; do [[ -L $root/bin/$a ]] || die "$bb has no applet '$a'"; done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'app:x:1654:1654:app:/home/app:/bin/sh' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'app:x:1654:' >"$root/etc/group"
  chmod 755 "$root" "$root/bin" "$root/etc" "$root/home"
  chmod 644 "$root/etc/passwd" "$root/etc/group"
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  chown 1654:1654 "$root/home/app"
}

build_tiny() {
  local ref=$1 bb root applets id out
  step "build $ref" "$IMG_LOG"
  bb=$(readlink -f "$(command -v busybox)")
  # busybox-static's binary runs in an image without any library; the dynamic busybox package's would not.
  if ldd "$bb" >/dev/null 2>&1; then die "$bb is dynamically linked (the busybox package?); the tiny image needs busybox-static's"; fi
  applets=$("$bb" --list) || die "$bb --list failed"
  new_context
  root=$CTX/rootfs
  # shellcheck disable=SC2086 # one applet name a word
  tiny_rootfs "$root" "$bb" $applets
  echo "=== $(date -Is) docker import $ref" >>"$IMG_LOG"
  if ! id=$(tar --numeric-owner --sort=name --mtime='2024-01-01 00:00:00Z' -C "$root" -c . |
    docker import -c 'ENV APP_UID=1654' -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - 2>>"$IMG_LOG"); then
    [[ $id == sha256:* ]] && docker rmi "$id" >/dev/null 2>&1 || true
    die "docker import of the tiny root file system failed"
  fi
  [[ $id == sha256:* ]] || die "docker import printed no image id: $id"
  out=$(docker run --rm --network none "$id" sh -c 'echo ok; id; id app' 2>&1) || die "smoke test of the tiny image failed: $out"
  [[ $out == $'ok\nuid=0(root) gid=0(root) groups=0(root)\nuid=1654(app) gid=1654(app) groups=1654(app)' ]] ||
    die "unexpected output of the tiny image's smoke test: $out"
  docker tag "$id" "$ref"
}

ensure_image "$IMG_TINY" valid_tiny build_tiny

# ---------------------------------------------------------------------------------------------- 5b. arm64 tiny image, two-platform index
# The tiny image for linux/arm64 (variant v8), made without emulation: Debian's busybox-static:arm64 is downloaded
# (never installed, never run here) and the image is an OCI image layout written by hand, then copied to the
# registry by skopeo (engine 20.10's `docker import --platform linux/arm64` ignores the platform: the image would
# say amd64). Then tiny-multi:1, a two-platform index of the amd64 tiny:1 and the arm64 tiny:1-arm64.
# Reproducible: the same .deb gives the same layer, config and manifest, so the same digests.
IMG_TINY_ARM64=$REG/ctz-test/tiny:1-arm64
IMG_TINY_MULTI=$REG/ctz-test/tiny-multi:1
ARM64_DIR=$STATE/tiny-arm64     # deb/: the busybox-static:arm64 package; oci/: the image layout (ref name "1")
ARM64_LOG=$LOGS/tiny-arm64.log
REG_URL=http://127.0.0.1:$REG_OPEN_PORT

# tiny_py COMMAND ARGS...: the JSON, ELF and registry work of this section (python3, loopback only)
TINY_PY=$(cat <<'PY'
import hashlib, json, os, struct, sys, urllib.error, urllib.request

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
IMAGE_TYPES = (OCI_MANIFEST, DOCKER_MANIFEST)
LIST_TYPES = (OCI_INDEX, DOCKER_LIST)
ARM64_CONFIG = {"architecture": "arm64", "variant": "v8", "os": "linux",
                "config": {"Env": ["PATH=/bin", "APP_UID=1654"], "Cmd": ["sh"]}}


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def canonical(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url, accept=None):
    """The body of url, None on 404."""
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with OPENER.open(req, timeout=10) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return None
        fail(f"GET {url}: HTTP {e.code}")
    except OSError as e:
        fail(f"GET {url}: {e}")


def get_manifest(reg, repo, ref, types):
    body = get(f"{reg}/v2/{repo}/manifests/{ref}", ", ".join(types))
    if body is None:
        fail(f"{repo}:{ref}: no such manifest in {reg}")
    doc = json.loads(body)
    if doc.get("mediaType") not in types:
        fail(f"{repo}:{ref}: media type {doc.get('mediaType')}, expected one of {', '.join(types)}")
    return doc, sha256(body)


def check_arm64_config(cfg, what):
    for k in ("architecture", "variant", "os"):
        if cfg.get(k) != ARM64_CONFIG[k]:
            fail(f"{what}: {k} is {cfg.get(k)!r}, expected {ARM64_CONFIG[k]!r}")
    env = (cfg.get("config") or {}).get("Env") or []
    for e in ARM64_CONFIG["config"]["Env"]:
        if e not in env:
            fail(f"{what}: Env lacks {e} ({env})")


def platform_of(m):
    p = m.get("platform") or {}
    s = f"{p.get('os')}/{p.get('architecture')}"
    return s + (f"/{p['variant']}" if p.get("variant") else "")


def check_index(doc, amd64, arm64, what):
    if doc.get("mediaType") not in LIST_TYPES:
        fail(f"{what}: media type {doc.get('mediaType')}, not an index")
    got = sorted((platform_of(m), m.get("digest"), m.get("mediaType")) for m in doc.get("manifests") or [])
    plats = [(p, d) for p, d, _ in got]
    want = [("linux/amd64", amd64), ("linux/arm64/v8", arm64)]
    if plats != want:
        fail(f"{what}: lists {plats}, expected {want}")
    for p, d, t in got:
        if t not in IMAGE_TYPES:
            fail(f"{what}: the {p} entry has media type {t}")
    return got


cmd, args = sys.argv[1], sys.argv[2:]

if cmd == "elf-arm64":  # FILE: a static (no interpreter) 64-bit little-endian AArch64 executable
    path = args[0]
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        fail(f"{path}: not a 64-bit little-endian ELF file")
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    if e_machine != 183:
        fail(f"{path}: ELF machine {e_machine}, not AArch64 (183)")
    e_phoff, = struct.unpack_from("<Q", data, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    for i in range(e_phnum):
        if struct.unpack_from("<I", data, e_phoff + i * e_phentsize)[0] == 3:
            fail(f"{path}: dynamically linked (has a PT_INTERP program header)")

elif cmd == "applets":  # FILE: busybox's applet names, from its applet_names table ("[\0[[\0acpid\0...")
    path = args[0]
    with open(path, "rb") as f:
        data = f.read()
    start = data.find(b"[\0[[\0")
    if start < 0:
        fail(f"{path}: no busybox applet table found")
    names, pos = [], start
    while True:
        end = data.index(b"\0", pos)
        name = data[pos:end].decode("ascii", "replace")
        if not name or not all(c.isalnum() or c in "[-_." for c in name) or (names and name <= names[-1]):
            break
        names.append(name)
        pos = end + 1
    if len(names) < 50:
        fail(f"{path}: only {len(names)} applet names found ({' '.join(names)})")
    print("\n".join(names))

elif cmd == "layout":  # DIR LAYER_TAR LAYER_TAR_GZ REF_NAME: an OCI image layout in DIR; prints the manifest digest
    out, tar, tgz, refname = args
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs)

    def put_blob(data):
        d = sha256(data)
        with open(os.path.join(blobs, d[7:]), "wb") as f:
            f.write(data)
        return {"digest": d, "size": len(data)}

    cfg = dict(ARM64_CONFIG)
    cfg["rootfs"] = {"type": "layers", "diff_ids": [file_sha256(tar)]}
    cfg_desc = put_blob(canonical(cfg))
    layer_digest = file_sha256(tgz)
    layer_desc = {"digest": layer_digest, "size": os.path.getsize(tgz)}
    os.replace(tgz, os.path.join(blobs, layer_digest[7:]))
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, **cfg_desc},
                "layers": [{"mediaType": OCI_LAYER, **layer_desc}]}
    man_desc = put_blob(canonical(manifest))
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX,
             "manifests": [{"mediaType": OCI_MANIFEST, **man_desc,
                            "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"},
                            "annotations": {"org.opencontainers.image.ref.name": refname}}]}
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(canonical({"imageLayoutVersion": "1.0.0"}))
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(canonical(index))
    print(man_desc["digest"])

elif cmd == "layout-check":  # DIR REF_NAME: every blob the ref needs is there and whole; prints the manifest digest
    out, refname = args
    blob = lambda d: os.path.join(out, "blobs", "sha256", d.split(":", 1)[1])
    try:
        with open(os.path.join(out, "index.json"), "rb") as f:
            index = json.load(f)
        m = [m for m in index["manifests"] if (m.get("annotations") or {}).get("org.opencontainers.image.ref.name") == refname]
        if len(m) != 1:
            fail(f"{out}: {len(m)} manifests named {refname}")
        descs = [m[0]]
        with open(blob(m[0]["digest"]), "rb") as f:
            manifest = json.load(f)
        descs += [manifest["config"]] + manifest["layers"]
        for d in descs:
            if file_sha256(blob(d["digest"])) != d["digest"] or os.path.getsize(blob(d["digest"])) != d["size"]:
                fail(f"{out}: blob {d['digest']} is damaged")
        with open(blob(manifest["config"]["digest"]), "rb") as f:
            check_arm64_config(json.load(f), out)
    except (OSError, KeyError, ValueError) as e:
        fail(f"{out}: not a complete image layout: {e}")
    print(m[0]["digest"])

elif cmd == "arm64-digest":  # REGISTRY_URL REPO TAG: the manifest digest if the image is linux/arm64/v8 as made here
    reg, repo, tag = args
    doc, digest = get_manifest(reg, repo, tag, IMAGE_TYPES)
    body = get(f"{reg}/v2/{repo}/blobs/{doc['config']['digest']}")
    if body is None:
        fail(f"{repo}:{tag}: the config blob {doc['config']['digest']} is missing")
    check_arm64_config(json.loads(body), f"{repo}:{tag}")
    print(digest)

elif cmd == "check-config":  # WHAT < a config (skopeo inspect --config)
    check_arm64_config(json.load(sys.stdin), args[0])

elif cmd == "index-digest":  # REGISTRY_URL REPO TAG AMD64_DIGEST ARM64_DIGEST: the index's digest if it lists exactly those
    reg, repo, tag, amd64, arm64 = args
    doc, digest = get_manifest(reg, repo, tag, LIST_TYPES)
    check_index(doc, amd64, arm64, f"{repo}:{tag}")
    print(digest)

elif cmd == "check-index":  # WHAT AMD64_DIGEST ARM64_DIGEST < an index (skopeo inspect --raw); prints its entries
    what, amd64, arm64 = args
    raw = sys.stdin.buffer.read()
    doc = json.loads(raw)
    for p, d, t in check_index(doc, amd64, arm64, what):
        print(f"  {p:16} {d} ({t})")
    print(f"  index {sha256(raw)} ({doc.get('mediaType')})")

else:
    fail(f"tiny_py: unknown command {cmd}")
PY
)
tiny_py() { python3 -c "$TINY_PY" "$@"; }

# The busybox-static:arm64 package in $ARM64_DIR/deb (ARM64_DEB): downloaded once, kept.
arm64_candidate() { apt-cache policy busybox-static:arm64 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'; }
ensure_arm64_deb() {
  local dl cand
  ARM64_DEB=$( { find "$ARM64_DIR/deb" -maxdepth 1 -name 'busybox-static_*_arm64.deb' 2>/dev/null || true; } | sort | tail -n 1)
  if [[ -n $ARM64_DEB && $(dpkg-deb -f "$ARM64_DEB" Architecture 2>/dev/null) == arm64 ]]; then return 0; fi
  step "download busybox-static:arm64" "$ARM64_LOG"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
  fi
  cand=$(arm64_candidate)
  if [[ -z $cand ]]; then
    say "apt-get update for the arm64 package lists (log: $ARM64_LOG)"
    echo "=== $(date -Is) apt-get update" >>"$ARM64_LOG"
    timeout 300 apt-get update >>"$ARM64_LOG" 2>&1 || die "apt-get update failed or took more than 300 s"
    cand=$(arm64_candidate)
    [[ -n $cand ]] || die "apt knows no busybox-static:arm64 after apt-get update (does the mirror $(debian_mirror) carry arm64?)"
  fi
  dl=$ARM64_DIR/deb.partial
  rm -rf "$dl"
  mkdir -p "$dl"
  # apt's download sandbox user writes into the folder (as root without it, apt warns and downloads anyway).
  chown _apt "$dl" 2>/dev/null || true
  say "apt-get download busybox-static:arm64=$cand"
  echo "=== $(date -Is) apt-get download busybox-static:arm64=$cand" >>"$ARM64_LOG"
  (cd "$dl" && timeout 120 apt-get download "busybox-static:arm64=$cand") >>"$ARM64_LOG" 2>&1 ||
    die "apt-get download busybox-static:arm64=$cand failed or took more than 120 s"
  chown -R root:root "$dl"
  ARM64_DEB=$(find "$dl" -maxdepth 1 -name 'busybox-static_*_arm64.deb' | head -n 1)
  [[ -n $ARM64_DEB ]] || die "apt-get download left no busybox-static_*_arm64.deb in $dl"
  [[ $(dpkg-deb -f "$ARM64_DEB" Package 2>/dev/null) == busybox-static && $(dpkg-deb -f "$ARM64_DEB" Architecture 2>/dev/null) == arm64 ]] ||
    die "$ARM64_DEB is not busybox-static for arm64"
  rm -rf "$ARM64_DIR/deb"
  mv "$dl" "$ARM64_DIR/deb"
  ARM64_DEB=$ARM64_DIR/deb/${ARM64_DEB##*/}
}

# The OCI image layout $ARM64_DIR/oci (ref name "1"): a one-layer linux/arm64/v8 image of the tiny root file system.
build_tiny_arm64_layout() {
  local bb root applets digest partial=$ARM64_DIR/oci.partial map out
  ensure_arm64_deb
  step "build the arm64 OCI layout" "$ARM64_LOG"
  new_context
  dpkg-deb -x "$ARM64_DEB" "$CTX/deb" || die "dpkg-deb -x $ARM64_DEB failed"
  bb=$CTX/deb/bin/busybox
  [[ -f $bb ]] || bb=$CTX/deb/usr/bin/busybox
  [[ -f $bb ]] || die "$ARM64_DEB has no bin/busybox"
  out=$(tiny_py elf-arm64 "$bb" 2>&1) || die "$out"
  # The arm64 binary cannot run here: its applet list comes from its own applet name table.
  applets=$(tiny_py applets "$bb" 2>&1) || die "$applets"
  root=$CTX/rootfs
  # shellcheck disable=SC2086 # one applet name a word
  tiny_rootfs "$root" "$bb" $applets
  # Reproducible layer: sorted names, numeric owners 0 except /home/app's 1654, mtime 0, gzip without name/time.
  map=$CTX/idmap
  echo '+1654 +1654' >"$map"
  tar --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --owner-map="$map" --group-map="$map" \
    --mtime=@0 -C "$root" -cf "$CTX/layer.tar" . || die "tar of the arm64 root file system failed"
  gzip -n <"$CTX/layer.tar" >"$CTX/layer.tar.gz"
  rm -rf "$partial"
  digest=$(tiny_py layout "$partial" "$CTX/layer.tar" "$CTX/layer.tar.gz" 1 2>&1) || die "writing the OCI layout failed: $digest"
  rm -rf "$ARM64_DIR/oci"
  mv "$partial" "$ARM64_DIR/oci"
  say "arm64 OCI layout $ARM64_DIR/oci: manifest $digest ($(wc -w <<<"$applets") applets, busybox ${ARM64_DEB##*/})"
}

step "image $IMG_TINY_ARM64" "$ARM64_LOG"
mkdir -p "$ARM64_DIR"
if ARM64_DIGEST=$(tiny_py arm64-digest "$REG_URL" ctz-test/tiny 1-arm64 2>/dev/null); then
  RESULT[$IMG_TINY_ARM64]="present ($ARM64_DIGEST)"
else
  if ! layout_digest=$(tiny_py layout-check "$ARM64_DIR/oci" 1 2>/dev/null); then
    build_tiny_arm64_layout
    layout_digest=$(tiny_py layout-check "$ARM64_DIR/oci" 1 2>&1) || die "the layout just written does not check: $layout_digest"
  fi
  step "push $IMG_TINY_ARM64" "$ARM64_LOG"
  say "skopeo copy oci:$ARM64_DIR/oci:1 docker://$IMG_TINY_ARM64"
  echo "=== $(date -Is) skopeo copy oci:$ARM64_DIR/oci:1 docker://$IMG_TINY_ARM64" >>"$ARM64_LOG"
  timeout 120 skopeo copy --dest-tls-verify=false "oci:$ARM64_DIR/oci:1" "docker://$IMG_TINY_ARM64" >>"$ARM64_LOG" 2>&1 ||
    die "skopeo copy to $IMG_TINY_ARM64 failed or took more than 120 s"
  # An independent look at what the registry now serves.
  arch=$(timeout 60 skopeo inspect --tls-verify=false --format '{{.Os}}/{{.Architecture}}' "docker://$IMG_TINY_ARM64" 2>>"$ARM64_LOG") ||
    die "skopeo inspect $IMG_TINY_ARM64 failed"
  [[ $arch == linux/arm64 ]] || die "skopeo inspect says $IMG_TINY_ARM64 is $arch, not linux/arm64"
  out=$(timeout 60 skopeo inspect --tls-verify=false --config "docker://$IMG_TINY_ARM64" 2>>"$ARM64_LOG" |
    tiny_py check-config "$IMG_TINY_ARM64" 2>&1) || die "the config skopeo reads back: $out"
  ARM64_DIGEST=$(tiny_py arm64-digest "$REG_URL" ctz-test/tiny 1-arm64 2>&1) || die "after the copy: $ARM64_DIGEST"
  [[ $ARM64_DIGEST == "$layout_digest" ]] || die "the registry's $IMG_TINY_ARM64 is $ARM64_DIGEST, the layout's manifest $layout_digest"
  RESULT[$IMG_TINY_ARM64]="pushed ($ARM64_DIGEST)"
fi

step "index $IMG_TINY_MULTI" "$ARM64_LOG"
AMD64_DIGEST=$(registry_digest "$IMG_TINY")
[[ -n $AMD64_DIGEST ]] || die "the registry has no manifest for $IMG_TINY"
if MULTI_DIGEST=$(tiny_py index-digest "$REG_URL" ctz-test/tiny-multi 1 "$AMD64_DIGEST" "$ARM64_DIGEST" 2>/dev/null); then
  RESULT[$IMG_TINY_MULTI]="present ($MULTI_DIGEST)"
else
  # docker manifest (no experimental flag needed by CLI 20.10 and later) keeps its lists in the client
  # configuration folder: a private one, removed at exit.
  mcfg=$(mktemp -d "$STATE/docker-config.XXXXXX")
  TMP_DIRS+=("$mcfg")
  mdocker() { DOCKER_CONFIG=$mcfg timeout 120 docker "$@" >>"$ARM64_LOG" 2>&1; }
  amd64_ref=$REG/ctz-test/tiny@$AMD64_DIGEST
  arm64_ref=$REG/ctz-test/tiny@$ARM64_DIGEST
  say "docker manifest create/push $IMG_TINY_MULTI (linux/amd64 $AMD64_DIGEST, linux/arm64/v8 $ARM64_DIGEST)"
  echo "=== $(date -Is) docker manifest create $IMG_TINY_MULTI $amd64_ref $arm64_ref" >>"$ARM64_LOG"
  mdocker manifest create --insecure "$IMG_TINY_MULTI" "$amd64_ref" "$arm64_ref" || die "docker manifest create $IMG_TINY_MULTI failed"
  mdocker manifest annotate --os linux --arch amd64 "$IMG_TINY_MULTI" "$amd64_ref" || die "docker manifest annotate (amd64) failed"
  mdocker manifest annotate --os linux --arch arm64 --variant v8 "$IMG_TINY_MULTI" "$arm64_ref" || die "docker manifest annotate (arm64) failed"
  mdocker manifest push --insecure --purge "$IMG_TINY_MULTI" || die "docker manifest push $IMG_TINY_MULTI failed"
  MULTI_DIGEST=$(tiny_py index-digest "$REG_URL" ctz-test/tiny-multi 1 "$AMD64_DIGEST" "$ARM64_DIGEST" 2>&1) || die "after the push: $MULTI_DIGEST"
  out=$(timeout 60 skopeo inspect --raw --tls-verify=false "docker://$IMG_TINY_MULTI" 2>>"$ARM64_LOG" |
    tiny_py check-index "$IMG_TINY_MULTI" "$AMD64_DIGEST" "$ARM64_DIGEST" 2>&1) || die "the index skopeo reads back: $out"
  printf '%s\n' "$out" >>"$ARM64_LOG"
  RESULT[$IMG_TINY_MULTI]="pushed ($MULTI_DIGEST)"
fi
say "tiny arm64: ${RESULT[$IMG_TINY_ARM64]}; two-platform index: ${RESULT[$IMG_TINY_MULTI]}"

# ---------------------------------------------------------------------------------------------- 6. TLS engine
# A second Docker engine that only listens on tcp://127.0.0.1:2376 and requires a client certificate. It has its
# own data root, exec root, pid file, daemon.json and containerd: dockerd 20.10 starts a managed containerd when
# /run/containerd/containerd.sock does not exist, with its socket and state in <exec-root>/containerd and its
# root in <data-root>/containerd/daemon, and runc state in <exec-root>/runtime-runc, so nothing is shared with
# the main engine (whose are under /var/run/docker and /var/lib/docker).
TLS_PORT=2376
TLS_HOST=tcp://127.0.0.1:$TLS_PORT
TLS_DIR=$STATE/tls
TLS_CA_DIR=$TLS_DIR/ca          # ca.pem, ca-key.pem
TLS_SERVER_DIR=$TLS_DIR/server  # server-cert.pem, server-key.pem
TLS_CLIENT_DIR=$TLS_DIR/client  # exactly ca.pem, cert.pem, key.pem: a DOCKER_CERT_PATH
TLS_ENGINE_DIR=$STATE/engine-tls
TLS_PIDFILE=$STATE/dockerd-tls.pid
TLS_LOG=$LOGS/dockerd-tls.log
TLS_CERT_LOG=$LOGS/tls-certs.log

tls_docker() { DOCKER_HOST=$TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS_CLIENT_DIR docker "$@"; }
# tls_ping: the engine's answer to /_ping with the client certificate ("OK"), empty when none
tls_ping() {
  curl --noproxy '*' -s -m 5 --cacert "$TLS_CLIENT_DIR/ca.pem" --cert "$TLS_CLIENT_DIR/cert.pem" \
    --key "$TLS_CLIENT_DIR/key.pem" "https://127.0.0.1:$TLS_PORT/_ping" 2>/dev/null || true
}

# cert_matches CERT KEY: the key is the certificate's
cert_matches() {
  local a b
  a=$(openssl x509 -noout -pubkey -in "$1" 2>/dev/null) || return 1
  b=$(openssl pkey -pubout -in "$2" 2>/dev/null) || return 1
  [[ -n $a && $a == "$b" ]]
}

certs_valid() {
  local f
  for f in "$TLS_CA_DIR/ca.pem" "$TLS_CA_DIR/ca-key.pem" "$TLS_SERVER_DIR/server-cert.pem" \
    "$TLS_SERVER_DIR/server-key.pem" "$TLS_CLIENT_DIR/ca.pem" "$TLS_CLIENT_DIR/cert.pem" "$TLS_CLIENT_DIR/key.pem"; do
    [[ -s $f ]] || return 1
  done
  [[ $(cd "$TLS_CLIENT_DIR" && ls -A | sort | tr '\n' ' ') == "ca.pem cert.pem key.pem " ]] || return 1
  cmp -s "$TLS_CA_DIR/ca.pem" "$TLS_CLIENT_DIR/ca.pem" || return 1
  openssl verify -CAfile "$TLS_CA_DIR/ca.pem" -purpose sslserver "$TLS_SERVER_DIR/server-cert.pem" >/dev/null 2>&1 || return 1
  openssl verify -CAfile "$TLS_CA_DIR/ca.pem" -purpose sslclient "$TLS_CLIENT_DIR/cert.pem" >/dev/null 2>&1 || return 1
  for f in "$TLS_CA_DIR/ca.pem" "$TLS_SERVER_DIR/server-cert.pem" "$TLS_CLIENT_DIR/cert.pem"; do
    openssl x509 -noout -checkend $((30 * 86400)) -in "$f" >/dev/null 2>&1 || return 1
  done
  cert_matches "$TLS_SERVER_DIR/server-cert.pem" "$TLS_SERVER_DIR/server-key.pem" &&
    cert_matches "$TLS_CLIENT_DIR/cert.pem" "$TLS_CLIENT_DIR/key.pem"
}

# make_certs: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate (10 years each)
make_certs() {
  local p=$TLS_DIR.partial
  rm -rf "$p"
  mkdir -p "$p/ca" "$p/server" "$p/client"
  echo "=== $(date -Is) up.sh makes the TLS certificates" >>"$TLS_CERT_LOG"
  (
    set -e
    cd "$p"
    umask 077
    key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"; }
    serial() { echo "0x$(openssl rand -hex 16)"; }
    key ca/ca-key.pem
    openssl req -new -key ca/ca-key.pem -subj '/CN=Containerize test CA' -out ca/ca.csr
    printf '%s\n' 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
      'subjectKeyIdentifier=hash' >ca/ca.ext
    openssl x509 -req -sha256 -days 3650 -in ca/ca.csr -signkey ca/ca-key.pem -extfile ca/ca.ext \
      -set_serial "$(serial)" -out ca/ca.pem
    # issue DIR CERT KEY CN EXT...: a certificate signed by the CA
    issue() {
      local dir=$1 cert=$2 k=$3 cn=$4
      shift 4
      key "$dir/$k"
      openssl req -new -key "$dir/$k" -subj "/CN=$cn" -out "$dir/req.csr"
      printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'subjectKeyIdentifier=hash' \
        'authorityKeyIdentifier=keyid,issuer' "$@" >"$dir/req.ext"
      openssl x509 -req -sha256 -days 3650 -in "$dir/req.csr" -CA ca/ca.pem -CAkey ca/ca-key.pem \
        -extfile "$dir/req.ext" -set_serial "$(serial)" -out "$dir/$cert"
      rm -f "$dir/req.csr" "$dir/req.ext"
    }
    issue server server-cert.pem server-key.pem 'Containerize test engine' \
      'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' \
      'subjectAltName=IP:127.0.0.1,DNS:localhost'
    issue client cert.pem key.pem 'Containerize test client' \
      'keyUsage=critical,digitalSignature' 'extendedKeyUsage=clientAuth'
    rm -f ca/ca.csr ca/ca.ext
    cp ca/ca.pem client/ca.pem
    chmod 644 ca/ca.pem server/server-cert.pem client/ca.pem client/cert.pem
    chmod 600 ca/ca-key.pem server/server-key.pem client/key.pem
    chmod 755 . ca server client
  ) >>"$TLS_CERT_LOG" 2>&1 || die "openssl failed to make the certificates"
  rm -rf "$TLS_DIR"
  mv "$p" "$TLS_DIR"
}

# stop_pid LABEL PID NAME SECONDS: SIGTERM, a bounded wait, then SIGKILL
stop_pid() {
  local label=$1 pid=$2 name=$3 secs=$4
  is_proc "$pid" "$name" || return 0
  say "stopping $label (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((secs * 5))); do is_proc "$pid" "$name" || return 0; sleep 0.2; done
  echo "up.sh: $label (pid $pid) still runs after ${secs}s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
}

step "TLS certificates" "$TLS_CERT_LOG"
CERTS_NEW=
if certs_valid; then
  RESULT[tls-certs]="present"
else
  say "making the TLS certificates in $TLS_DIR (log: $TLS_CERT_LOG)"
  make_certs
  certs_valid || die "the certificates just made in $TLS_DIR do not verify"
  CERTS_NEW=1
  RESULT[tls-certs]="made"
fi

start_tls_engine() {
  local pid code cpid_file=$TLS_ENGINE_DIR/exec/containerd/containerd.pid
  code=$(http_code "http://127.0.0.1:$TLS_PORT/_ping")
  [[ $code == 000 ]] || die "something on 127.0.0.1:$TLS_PORT answers plain HTTP with $code and does not accept the client certificate in $TLS_CLIENT_DIR; stop it and re-run"
  rm -f "$TLS_PIDFILE"
  # An exec root left by an engine that no longer runs (a machine restart) must not block the start.
  if [[ -f $cpid_file ]] && ! is_proc "$(cat "$cpid_file" 2>/dev/null)" containerd; then rm -f "$cpid_file"; fi
  mkdir -p "$TLS_ENGINE_DIR/data" "$TLS_ENGINE_DIR/exec"
  # Its own (empty) daemon.json: /etc/docker/daemon.json is the main engine's.
  [[ -f $TLS_ENGINE_DIR/daemon.json ]] || echo '{}' >"$TLS_ENGINE_DIR/daemon.json"
  say "starting the TLS engine on $TLS_HOST (log: $TLS_LOG)"
  echo "=== $(date -Is) up.sh starts dockerd (TLS)" >>"$TLS_LOG"
  setsid dockerd --config-file="$TLS_ENGINE_DIR/daemon.json" \
    --data-root="$TLS_ENGINE_DIR/data" --exec-root="$TLS_ENGINE_DIR/exec" --pidfile="$TLS_PIDFILE" \
    --host="$TLS_HOST" --tlsverify --tlscacert="$TLS_CA_DIR/ca.pem" \
    --tlscert="$TLS_SERVER_DIR/server-cert.pem" --tlskey="$TLS_SERVER_DIR/server-key.pem" \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    >>"$TLS_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  for _ in $(seq 120); do
    [[ $(tls_ping) == OK ]] && break
    started "$pid" || die "the TLS engine (pid $pid) exited during start-up"
    sleep 0.5
  done
  [[ $(tls_ping) == OK ]] || die "the TLS engine (pid $pid) did not answer on $TLS_HOST within 60 s"
  RESULT[dockerd-tls]="started"
}

step "TLS engine" "$TLS_LOG"
if [[ $(tls_ping) == OK ]]; then
  if [[ -n $CERTS_NEW ]]; then
    [[ -f $TLS_PIDFILE ]] && is_proc "$(cat "$TLS_PIDFILE")" dockerd ||
      die "an engine answers on $TLS_HOST but was not started by up.sh ($TLS_PIDFILE); stop it so that it restarts with the new certificates"
    stop_pid "the TLS engine (new certificates)" "$(cat "$TLS_PIDFILE")" dockerd 30
    start_tls_engine
    RESULT[dockerd-tls]="restarted (new certificates)"
  else
    RESULT[dockerd-tls]="already running"
  fi
elif [[ -f $TLS_PIDFILE ]] && is_proc "$(cat "$TLS_PIDFILE")" dockerd; then
  tpid=$(cat "$TLS_PIDFILE")
  if [[ -n $CERTS_NEW ]]; then
    stop_pid "the TLS engine (new certificates)" "$tpid" dockerd 30
    start_tls_engine
  else
    say "the TLS engine (pid $tpid) runs but does not answer yet; waiting"
    for _ in $(seq 120); do [[ $(tls_ping) == OK ]] && break; sleep 0.5; done
    [[ $(tls_ping) == OK ]] || die "the TLS engine (pid $tpid) runs but does not answer on $TLS_HOST after 60 s; stop it (eng/env/down.sh) and re-run"
    RESULT[dockerd-tls]="already running (was starting)"
  fi
else
  start_tls_engine
fi
TLS_PID=$(cat "$TLS_PIDFILE" 2>/dev/null || echo '?')
if [[ ${RESULT[dockerd-tls]} != already* ]]; then
  # What a client sees: the docker CLI with DOCKER_CERT_PATH, and a plain-HTTP request turned away.
  out=$(tls_docker info --format '{{.ServerVersion}} {{.Driver}} {{.DockerRootDir}}' 2>&1) ||
    die "'docker info' with DOCKER_HOST=$TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS_CLIENT_DIR failed: $out"
  [[ $out == *" $TLS_ENGINE_DIR/data" ]] || die "the engine on $TLS_HOST is not the one up.sh started (docker info: $out)"
  code=$(http_code "http://127.0.0.1:$TLS_PORT/_ping")
  [[ $code == 400 ]] || die "a plain HTTP request to 127.0.0.1:$TLS_PORT got $code (expected 400: client sent HTTP to an HTTPS server)"
  code=$(curl --noproxy '*' -s -o /dev/null -m 5 -w '%{http_code}' --cacert "$TLS_CLIENT_DIR/ca.pem" \
    "https://127.0.0.1:$TLS_PORT/_ping" 2>/dev/null || true)
  [[ $code == 000 ]] || die "the TLS engine answered $code to a request without a client certificate"
  cpids=$(pgrep -P "$TLS_PID" -x containerd || true)
  [[ -n $cpids ]] || die "the TLS engine (pid $TLS_PID) runs no containerd of its own"
  grep -qF "$TLS_ENGINE_DIR/exec/containerd/" "/proc/$cpids/cmdline" ||
    die "the TLS engine's containerd (pid $cpids) does not use $TLS_ENGINE_DIR/exec/containerd"
  RESULT[dockerd-tls]="${RESULT[dockerd-tls]}; engine $out, own containerd (pid $cpids)"
  docker info >/dev/null 2>&1 || die "the main engine stopped answering after the TLS engine started"
fi

# pull_tiny CLIENT LOG WHAT: makes the engine the docker CLI function CLIENT talks to hold $IMG_TINY as the main engine
# has it ($TINY_ID), pulled from the local registry (engines treat 127.0.0.1/8 registries as plain HTTP) when it does
# not; the image the tag named before (a rebuilt tiny image) is removed. Sets TINY_PULL to "present" or "pulled".
pull_tiny() {
  local client=$1 log=$2 what=$3 old_id
  old_id=$("$client" image inspect --format '{{.Id}}' "$IMG_TINY" 2>/dev/null || true)
  if [[ $old_id == "$TINY_ID" ]]; then
    TINY_PULL="present"
    return
  fi
  say "pulling $IMG_TINY into $what"
  echo "=== $(date -Is) docker pull $IMG_TINY ($what)" >>"$log"
  "$client" pull "$IMG_TINY" >>"$log" 2>&1 || die "$what could not pull $IMG_TINY"
  [[ $("$client" image inspect --format '{{.Id}}' "$IMG_TINY" 2>/dev/null || true) == "$TINY_ID" ]] ||
    die "the $IMG_TINY of $what is not the main engine's ($TINY_ID)"
  [[ -z $old_id ]] || "$client" rmi "$old_id" >>"$log" 2>&1 || true
  TINY_PULL="pulled"
}

step "TLS engine: $IMG_TINY" "$TLS_LOG"
TINY_ID=$(docker image inspect --format '{{.Id}}' "$IMG_TINY" 2>/dev/null) || die "$IMG_TINY is not in the main engine"
pull_tiny tls_docker "$TLS_LOG" "the TLS engine"
RESULT[tls-tiny]=$TINY_PULL
if [[ $TINY_PULL == pulled ]]; then
  out=$(tls_docker run --rm --network none "$IMG_TINY" sh -c 'echo ok' 2>&1) || die "the TLS engine cannot run $IMG_TINY: $out"
  [[ $out == ok ]] || die "the TLS engine ran $IMG_TINY with unexpected output: $out"
fi
say "TLS engine: ${RESULT[dockerd-tls]}; certificates ${RESULT[tls-certs]}; tiny image ${RESULT[tls-tiny]}"

# ---------------------------------------------------------------------------------------------- 6b. engine 28
# shellcheck source=eng/env/docker28.sh
source "$ENV_SCRIPTS/docker28.sh"

# ---------------------------------------------------------------------------------------------- 7. Podman 5
# shellcheck source=eng/env/podman5.sh
source "$ENV_SCRIPTS/podman5.sh"

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
echo "env file                $STATE/env.sh"
say "done"
