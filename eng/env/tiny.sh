# shellcheck shell=bash
# shellcheck disable=SC2004,SC2034,SC2154 # as the others; RESULT (lib.sh) is associative: its keys are no arithmetic
# Sourced by eng/env/up.sh (section 5), not run by itself: the tiny base image $IMG_TINY (linux/amd64). Its
# linux/arm64/v8 twin and the two-platform index of the two come after engine 28, which makes the twin (tiny-arm64.sh,
# which uses tiny_rootfs and TINY_APPLETS).
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "tiny.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

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
    if [[ $id == sha256:* ]]; then docker rmi "$id" >/dev/null 2>&1 || true; fi
    die "docker import of the tiny root file system failed"
  fi
  [[ $id == sha256:* ]] || die "docker import printed no image id: $id"
  out=$(docker run --rm --network none "$id" sh -c 'echo ok; id; id app' 2>&1) || die "smoke test of the tiny image failed: $out"
  [[ $out == $'ok\nuid=0(root) gid=0(root) groups=0(root)\nuid=1654(app) gid=1654(app) groups=1654(app)' ]] ||
    die "unexpected output of the tiny image's smoke test: $out"
  docker tag "$id" "$ref"
}

ensure_image "$IMG_TINY" valid_tiny build_tiny
