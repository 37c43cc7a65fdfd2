# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # what up.sh and the scripts sourced before it set; later ones read what it sets
# Sourced by eng/env/up.sh (section 4), not run by itself: stand-ins for the .NET base images, pushed to $REG:
# dotnet/runtime-deps:10.0 and :10.0-noappuid (a debootstrap root file system of bookworm, user app 1654, imported),
# dotnet/runtime:10.0 (plus the machine's own .NET runtime) and dotnet/aspnet:10.0 (plus ASP.NET Core), each
# checked against the machine's .NET versions and rebuilt when it no longer matches.
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "base-images.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

ROOTFS=$STATE/rootfs
DEBOOTSTRAP_INCLUDE=ca-certificates,libicu72,libssl3,zlib1g,libstdc++6,tzdata

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
    if [[ $id == sha256:* ]]; then docker rmi "$id" >/dev/null 2>&1 || true; fi
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

ensure_image "$IMG_RUNTIME_DEPS" valid_runtime_deps build_runtime_deps
ensure_image "$IMG_NOAPPUID" valid_noappuid build_noappuid
ensure_image "$IMG_RUNTIME" valid_runtime build_runtime
ensure_image "$IMG_ASPNET" valid_aspnet build_aspnet
