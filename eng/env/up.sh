#!/usr/bin/env bash
# Installs and starts what the integration tests need, on a Debian 12 machine, as root:
#   - a Docker engine (dockerd, no bridge, no iptables) on the default socket /var/run/docker.sock
#   - a plain registry on 127.0.0.1:5000 and an htpasswd-protected one on 127.0.0.1:5001
#   - stand-ins for the .NET base images, pushed to localhost:5000:
#       dotnet/runtime-deps:10.0, dotnet/runtime-deps:10.0-noappuid, dotnet/runtime:10.0, dotnet/aspnet:10.0
#   - $CONTAINERIZE_ENV_DIR/env.sh with the CONTAINERIZE_TEST_* variables the tests read
#
# Idempotent: every step whose result already exists is skipped, so a second run takes seconds.
# The network is never used except for Debian's package mirror (apt-get and debootstrap) and loopback.
#
# Environment:
#   CONTAINERIZE_ENV_DIR   state folder (default /var/lib/containerize-env): logs, pid files, registry
#                          storage, the debootstrap root file system, env.sh
set -Eeuo pipefail

STATE=${CONTAINERIZE_ENV_DIR:-/var/lib/containerize-env}
LOGS=$STATE/logs
ROOTFS=$STATE/rootfs
SUITE=bookworm
DOTNET_CHANNEL=10.0
REG_OPEN_PORT=5000
REG_AUTH_PORT=5001
AUTH_USER=ctzuser
AUTH_PASSWORD=ctz-Secret-pw1
REG=localhost:$REG_OPEN_PORT
APT_PACKAGES=(docker.io docker-registry apache2-utils skopeo debootstrap curl)
DEBOOTSTRAP_INCLUDE=ca-certificates,libicu72,libssl3,zlib1g,libstdc++6,tzdata
IMG_RUNTIME_DEPS=$REG/dotnet/runtime-deps:$DOTNET_CHANNEL
IMG_NOAPPUID=$REG/dotnet/runtime-deps:$DOTNET_CHANNEL-noappuid
IMG_RUNTIME=$REG/dotnet/runtime:$DOTNET_CHANNEL
IMG_ASPNET=$REG/dotnet/aspnet:$DOTNET_CHANNEL
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
  echo "up.sh: FAILED in step '$STEP' (line $line, exit code $rc)" >&2
  show_log_tail
  exit "$rc"
}
trap 'on_err $LINENO' ERR

cleanup() {
  local d
  for d in "${TMP_DIRS[@]+"${TMP_DIRS[@]}"}"; do rm -rf --one-file-system "$d" 2>/dev/null || true; done
}
trap cleanup EXIT

# is_proc PID NAME: PID is alive and its command name is NAME
is_proc() { [[ $1 =~ ^[0-9]+$ ]] && [[ -r /proc/$1/comm ]] && [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]; }

# pids_named NAME: pids of all processes whose command name is NAME
pids_named() {
  local f
  for f in /proc/[0-9]*/comm; do
    [[ $(cat "$f" 2>/dev/null) == "$1" ]] && { f=${f#/proc/}; echo "${f%/comm}"; }
  done
  return 0
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
for c in dockerd docker docker-registry htpasswd skopeo debootstrap curl; do
  command -v "$c" >/dev/null || die "command $c not found after installing packages"
done
say "packages: ${RESULT[packages]}"

# ---------------------------------------------------------------------------------------------- 2. engine
step "docker engine" "$LOGS/dockerd.log"
DOCKERD_PIDFILE=$STATE/dockerd.pid
if docker info >/dev/null 2>&1; then
  RESULT[dockerd]="already running"
else
  running=$(pids_named dockerd)
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
      is_proc "$dpid" dockerd || die "dockerd (pid $dpid) exited during start-up"
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
    is_proc "$pid" docker-registry || die "the registry on port $port (pid $pid) exited during start-up"
    sleep 0.2
  done
  [[ $code == "$expect" ]] || die "the registry on port $port answers $code to /v2/ after 30 s (expected $expect)"
  RESULT[registry-$port]="started"
}

ensure_registry "$REG_OPEN_PORT" 200 0
ensure_registry "$REG_AUTH_PORT" 401 1
step "registry $REG_AUTH_PORT credentials" "$LOGS/registry-$REG_AUTH_PORT.log"
code=$(http_code "http://127.0.0.1:$REG_AUTH_PORT/v2/" -u "$AUTH_USER:$AUTH_PASSWORD")
[[ $code == 200 ]] || die "the registry on $REG_AUTH_PORT answers $code (not 200) with $AUTH_USER's credentials; is it one that up.sh did not start?"
say "registry $REG_OPEN_PORT: ${RESULT[registry-$REG_OPEN_PORT]}; registry $REG_AUTH_PORT: ${RESULT[registry-$REG_AUTH_PORT]}"

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

# ---------------------------------------------------------------------------------------------- 5. env.sh
step "env.sh"
cat >"$STATE/env.sh.tmp" <<EOF
# Written by eng/env/up.sh: the services the integration tests use (the tests default to these values).
export CONTAINERIZE_TEST_BASE_REGISTRY=$REG
export CONTAINERIZE_TEST_REGISTRY=$REG
export CONTAINERIZE_TEST_AUTH_REGISTRY=127.0.0.1:$REG_AUTH_PORT
export CONTAINERIZE_TEST_AUTH_USER=$AUTH_USER
export CONTAINERIZE_TEST_AUTH_PASSWORD=$AUTH_PASSWORD
EOF
mv "$STATE/env.sh.tmp" "$STATE/env.sh"

# ---------------------------------------------------------------------------------------------- summary
dpid=$(cat /var/run/docker.pid 2>/dev/null || echo '?')
echo "dockerd                 running (pid $dpid, unix:///var/run/docker.sock, no bridge): ${RESULT[dockerd]}"
echo "registry 127.0.0.1:$REG_OPEN_PORT    running (/v2/ $(http_code "http://127.0.0.1:$REG_OPEN_PORT/v2/"), open): ${RESULT[registry-$REG_OPEN_PORT]}"
echo "registry 127.0.0.1:$REG_AUTH_PORT    running (/v2/ $(http_code "http://127.0.0.1:$REG_AUTH_PORT/v2/"), $(http_code "http://127.0.0.1:$REG_AUTH_PORT/v2/" -u "$AUTH_USER:$AUTH_PASSWORD") as $AUTH_USER): ${RESULT[registry-$REG_AUTH_PORT]}"
for ref in "$IMG_RUNTIME_DEPS" "$IMG_NOAPPUID" "$IMG_RUNTIME" "$IMG_ASPNET"; do
  printf '%-50s %s\n' "$ref" "${RESULT[$ref]}"
done
echo "env file                $STATE/env.sh"
say "done"
