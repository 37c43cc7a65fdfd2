# shellcheck shell=bash
# shellcheck disable=SC2004,SC2034,SC2154 # as the others; RESULT (lib.sh) is associative: its keys are no arithmetic
# Sourced by eng/env/up.sh (section 6c, after engine 28, which makes the image), not run by itself: it uses lib.sh's
# helpers, tiny.sh's tiny_rootfs and TINY_APPLETS, and docker28.sh's d28.
#
# The tiny image for linux/arm64 (variant v8), made without emulation, $IMG_TINY_ARM64, and $IMG_TINY_MULTI, a
# two-platform index of the amd64 $IMG_TINY and of it:
#   - Debian's busybox-static:arm64 is downloaded into $ARM64_DIR/deb (never installed, never run here: its applet
#     list comes from its own applet name table) and laid out as the amd64 tiny image is (tiny_rootfs).
#   - engine 28 imports that root file system: `docker import --platform linux/arm64/v8` with the containerd image
#     store keeps the platform, variant included (engine 20.10's ignores --platform: the image would say amd64; a
#     BuildKit build FROM scratch on 20.10 says arm64 but drops the variant and adds WorkingDir /), with the ENV and
#     CMD of the amd64 image; engine 28 pushes it, then forgets it (it cannot run it anyway).
#   - the index: `docker manifest create/annotate/push --insecure`, a Docker manifest list.
# The layer's content is reproducible (the same .deb gives the same diff_id), the config is not (it records the
# time of the import): the image is only rebuilt when the registry has none of the shape made here. What the
# registry serves is read back with skopeo and checked with jq.
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "tiny-arm64.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

ARM64_DIR=$STATE/tiny-arm64     # deb/: the busybox-static:arm64 package
ARM64_LOG=$LOGS/tiny-arm64.log
ARM64_PLATFORM=linux/arm64/v8
# The ENV and CMD of the amd64 tiny image (tiny.sh), in the order the arm64 image has always had them.
ARM64_CHANGES=(-c 'ENV PATH=/bin' -c 'ENV APP_UID=1654' -c 'CMD ["sh"]')

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

# build_tiny_arm64: $IMG_TINY_ARM64 in engine 28, imported from the tiny root file system of busybox-static:arm64;
# sets ARM64_IMPORTED to its image id (in the containerd image store, the digest of its manifest)
build_tiny_arm64() {
  local bb what applets root map out
  ensure_arm64_deb
  step "build $IMG_TINY_ARM64" "$ARM64_LOG"
  new_context
  dpkg-deb -x "$ARM64_DEB" "$CTX/deb" || die "dpkg-deb -x $ARM64_DEB failed"
  bb=$CTX/deb/bin/busybox
  [[ -f $bb ]] || bb=$CTX/deb/usr/bin/busybox
  [[ -f $bb ]] || die "$ARM64_DEB has no bin/busybox"
  what=$(file -b "$bb") || die "file $bb failed: $what"
  [[ $what == 'ELF 64-bit LSB '*', ARM aarch64,'* && $what == *', statically linked'* ]] ||
    die "$bb is not a statically linked 64-bit AArch64 executable: $what"
  # The arm64 binary cannot run here: its applet names come from its own applet name table, "[\0[[\0acpid\0...",
  # sorted as the binary looks them up.
  applets=$(LC_ALL=C grep -aoP '\[\x00\[\[\x00(?:[a-z0-9_.\[-]+\x00)+' "$bb" | tr '\0' '\n' | sed '/^$/d' || true)
  (($(wc -l <<<"$applets") >= 50)) || die "$bb: no busybox applet table found (names: ${applets//$'\n'/ })"
  LC_ALL=C sort -c <<<"$applets" 2>/dev/null || die "$bb: the applet names found are not sorted: ${applets//$'\n'/ }"
  root=$CTX/rootfs
  # shellcheck disable=SC2086 # one applet name a word
  tiny_rootfs "$root" "$bb" $applets
  # Reproducible layer: sorted names, numeric owners 0 except /home/app's 1654, mtime 0.
  map=$CTX/idmap
  echo '+1654 +1654' >"$map"
  say "engine 28: docker import --platform $ARM64_PLATFORM $IMG_TINY_ARM64 ($(wc -l <<<"$applets") applets, busybox ${ARM64_DEB##*/})"
  echo "=== $(date -Is) docker import --platform $ARM64_PLATFORM ${ARM64_CHANGES[*]} - $IMG_TINY_ARM64 (engine 28)" >>"$ARM64_LOG"
  if ! ARM64_IMPORTED=$(tar --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --owner-map="$map" \
    --group-map="$map" --mtime=@0 -C "$root" -c . |
    d28 import --platform "$ARM64_PLATFORM" "${ARM64_CHANGES[@]}" - "$IMG_TINY_ARM64" 2>>"$ARM64_LOG"); then
    die "engine 28 could not import the arm64 root file system as $IMG_TINY_ARM64"
  fi
  [[ $ARM64_IMPORTED == sha256:* ]] || die "docker import (engine 28) printed no image id: $ARM64_IMPORTED"
  out=$(d28 image inspect --format '{{.Os}}/{{.Architecture}}/{{.Variant}}' "$IMG_TINY_ARM64" 2>&1) ||
    die "docker image inspect $IMG_TINY_ARM64 (engine 28) failed: $out"
  if [[ $out != "$ARM64_PLATFORM" ]]; then
    d28 rmi "$IMG_TINY_ARM64" >>"$ARM64_LOG" 2>&1 || true
    die "engine 28 imported $IMG_TINY_ARM64 as $out, not $ARM64_PLATFORM"
  fi
}

# arm64_problems REF: what makes REF in the registry other than the arm64 tiny image made here (nothing: it is one)
arm64_problems() {
  local ref=$1 manifest config
  manifest=$(timeout 60 skopeo inspect --raw --tls-verify=false "docker://$ref" 2>&1) || { echo "skopeo inspect $ref: $manifest"; return 0; }
  config=$(timeout 60 skopeo inspect --raw --config --tls-verify=false "docker://$ref" 2>&1) || { echo "skopeo inspect --config $ref: $config"; return 0; }
  jq -nr --argjson m "$manifest" --argjson c "$config" --arg platform "$ARM64_PLATFORM" '[
    ($m.mediaType | select(IN("application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json") | not)
      | "the manifest is a \(.)"),
    ($m.layers | length | select(. != 1) | "\(.) layers, not 1"),
    ($c | "\(.os)/\(.architecture)" + (if .variant then "/\(.variant)" else "" end) | select(. != $platform) | "the platform is \(.), not \($platform)"),
    ($c.config.Env // [] | select(index(["PATH=/bin"]) == null or index(["APP_UID=1654"]) == null)
      | "Env is \(tojson), without PATH=/bin and APP_UID=1654"),
    ($c.config.Cmd | select(. != ["sh"]) | "Cmd is \(tojson), not [\"sh\"]"),
    ($c.config | select((.User // "") != "" or .Entrypoint != null or (.WorkingDir // "") != "")
      | "User \(.User // "" | tojson), Entrypoint \(.Entrypoint | tojson), WorkingDir \(.WorkingDir // "" | tojson): expected none")
  ] | join("; ")' 2>&1 || echo "(jq could not read what skopeo printed)"
}

# index_problems REF AMD64_DIGEST ARM64_DIGEST: what makes REF in the registry other than an index of exactly those two
# images, linux/amd64 and linux/arm64/v8 (nothing: it is one)
index_problems() {
  local ref=$1 raw
  raw=$(timeout 60 skopeo inspect --raw --tls-verify=false "docker://$ref" 2>&1) || { echo "skopeo inspect $ref: $raw"; return 0; }
  jq -nr --argjson i "$raw" --arg amd64 "$2" --arg arm64 "$3" '
    def platform: .platform | "\(.os)/\(.architecture)" + (if .variant then "/\(.variant)" else "" end);
    [
      ($i.mediaType | select(IN("application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.index.v1+json") | not)
        | "it is a \(.), not an index"),
      ([$i.manifests[]? | [platform, .digest]] | sort | select(. != [["linux/amd64", $amd64], ["linux/arm64/v8", $arm64]])
        | "it lists \(tojson), expected linux/amd64 \($amd64) and linux/arm64/v8 \($arm64)"),
      ($i.manifests[]? | select(.mediaType | IN("application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json") | not)
        | "its \(platform) entry is a \(.mediaType)")
    ] | join("; ")' 2>&1 || echo "(jq could not read what skopeo printed)"
}

step "image $IMG_TINY_ARM64" "$ARM64_LOG"
mkdir -p "$ARM64_DIR"
ARM64_DIGEST=$(registry_digest "$IMG_TINY_ARM64")
if [[ -n $ARM64_DIGEST && -z $(arm64_problems "$IMG_TINY_ARM64") ]]; then
  RESULT[$IMG_TINY_ARM64]="present ($ARM64_DIGEST)"
else
  build_tiny_arm64
  step "push $IMG_TINY_ARM64" "$ARM64_LOG"
  say "docker push $IMG_TINY_ARM64 (engine 28)"
  echo "=== $(date -Is) docker push $IMG_TINY_ARM64 (engine 28)" >>"$ARM64_LOG"
  DOCKER_HOST=$D28_HOST timeout 120 docker push "$IMG_TINY_ARM64" >>"$ARM64_LOG" 2>&1 || die "engine 28 could not push $IMG_TINY_ARM64 (or took more than 120 s)"
  # Engine 28 keeps nothing of it: the registry's copy is the image.
  d28 rmi "$IMG_TINY_ARM64" >>"$ARM64_LOG" 2>&1 || echo "up.sh: WARNING: could not remove $IMG_TINY_ARM64 from engine 28 (see $ARM64_LOG)" >&2
  # An independent look at what the registry now serves.
  problems=$(arm64_problems "$IMG_TINY_ARM64")
  [[ -z $problems ]] || die "what the registry serves as $IMG_TINY_ARM64: $problems"
  ARM64_DIGEST=$(registry_digest "$IMG_TINY_ARM64")
  [[ $ARM64_DIGEST == "$ARM64_IMPORTED" ]] || die "the registry's $IMG_TINY_ARM64 is '$ARM64_DIGEST', the image engine 28 imported $ARM64_IMPORTED"
  RESULT[$IMG_TINY_ARM64]="pushed ($ARM64_DIGEST)"
fi

step "index $IMG_TINY_MULTI" "$ARM64_LOG"
AMD64_DIGEST=$(registry_digest "$IMG_TINY")
[[ -n $AMD64_DIGEST ]] || die "the registry has no manifest for $IMG_TINY"
MULTI_DIGEST=$(registry_digest "$IMG_TINY_MULTI")
if [[ -n $MULTI_DIGEST && -z $(index_problems "$IMG_TINY_MULTI" "$AMD64_DIGEST" "$ARM64_DIGEST") ]]; then
  RESULT[$IMG_TINY_MULTI]="present ($MULTI_DIGEST)"
else
  # docker manifest (no experimental flag needed by CLI 20.10 and later) keeps its lists in the client
  # configuration folder: a private one, removed at exit.
  mcfg=$(mktemp -d "$STATE/docker-config.XXXXXX")
  TMP_DIRS+=("$mcfg")
  mdocker() { DOCKER_CONFIG=$mcfg timeout 120 docker "$@" >>"$ARM64_LOG" 2>&1; }
  amd64_ref=${IMG_TINY%:*}@$AMD64_DIGEST
  arm64_ref=${IMG_TINY_ARM64%:*}@$ARM64_DIGEST
  say "docker manifest create/push $IMG_TINY_MULTI (linux/amd64 $AMD64_DIGEST, linux/arm64/v8 $ARM64_DIGEST)"
  echo "=== $(date -Is) docker manifest create $IMG_TINY_MULTI $amd64_ref $arm64_ref" >>"$ARM64_LOG"
  mdocker manifest create --insecure "$IMG_TINY_MULTI" "$amd64_ref" "$arm64_ref" || die "docker manifest create $IMG_TINY_MULTI failed"
  mdocker manifest annotate --os linux --arch amd64 "$IMG_TINY_MULTI" "$amd64_ref" || die "docker manifest annotate (amd64) failed"
  mdocker manifest annotate --os linux --arch arm64 --variant v8 "$IMG_TINY_MULTI" "$arm64_ref" || die "docker manifest annotate (arm64) failed"
  mdocker manifest push --insecure --purge "$IMG_TINY_MULTI" || die "docker manifest push $IMG_TINY_MULTI failed"
  problems=$(index_problems "$IMG_TINY_MULTI" "$AMD64_DIGEST" "$ARM64_DIGEST")
  [[ -z $problems ]] || die "what the registry serves as $IMG_TINY_MULTI: $problems"
  MULTI_DIGEST=$(registry_digest "$IMG_TINY_MULTI")
  [[ -n $MULTI_DIGEST ]] || die "after the push, the registry has no manifest for $IMG_TINY_MULTI"
  timeout 60 skopeo inspect --raw --tls-verify=false "docker://$IMG_TINY_MULTI" 2>>"$ARM64_LOG" |
    jq -r --arg digest "$MULTI_DIGEST" '(.manifests[] | "  \(.platform.os)/\(.platform.architecture)\(.platform.variant // "" | if . == "" then "" else "/" + . end) \(.digest) (\(.mediaType))"),
      "  index \($digest) (\(.mediaType))"' >>"$ARM64_LOG" 2>&1 || true
  RESULT[$IMG_TINY_MULTI]="pushed ($MULTI_DIGEST)"
fi
say "tiny arm64: ${RESULT[$IMG_TINY_ARM64]}; two-platform index: ${RESULT[$IMG_TINY_MULTI]}"
