# shellcheck shell=bash
# shellcheck disable=SC2004,SC2034,SC2154 # as the others; RESULT (lib.sh) is associative: its keys are no arithmetic
# Sourced by eng/env/up.sh (section 5), not run by itself: the tiny base image $IMG_TINY (linux/amd64) and, for
# linux/arm64/v8, $IMG_TINY_ARM64 and the two-platform index $IMG_TINY_MULTI of the two.
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

