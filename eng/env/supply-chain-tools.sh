# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # what up.sh and the scripts sourced before it set; later ones read what it sets
# Sourced by eng/env/up.sh (section 7b, after the others), not run by itself: it uses lib.sh's helpers (step, say,
# die, debian_mirror), the RESULT array and log folder. It starts nothing (down.sh has nothing to stop for it).
#
# The tools the supply-chain tests check the product's signatures, attestations and SBOMs with:
#   - cosign 3.1 and oras 1.3: Debian sid's cosign and oras packages, downloaded with an apt source list of their own
#     (the system's packages and apt lists are not touched) and unpacked with dpkg-deb -x into $SCT_ROOT. Both are Go
#     programs linked against libc only (symbol versions up to GLIBC_2.34; Debian 12 has 2.36): no other package is
#     needed. They stay as downloaded until $SCT_ROOT is removed (then the newest sid ones come). sid's cosign reports
#     "GitVersion: devel" (the Debian build sets no version): the package versions are in $SCT_ROOT/.versions.
#   - the CycloneDX .NET tool 6.3.1 (NuGet package CycloneDX, a dotnet tool; runs on net8.0 to net10.0), installed with
#     `dotnet tool install --tool-path $SCT_DOTNET`, to compare the product's SBOMs with (it writes CycloneDX 1.7
#     by default). Used by tests/Containerize.Tests/Integration/SbomPeerTests.cs (CONTAINERIZE_TEST_CYCLONEDX): under
#     `unshare -n`, with --disable-package-restore --output-format Json --spec-version 1.6, on the projects it builds;
#     the expected differences depend on this version (docs/supply-chain.md, "Compared with the CycloneDX .NET tool").
#
# What these tools do here (checked on this machine, against the registries on 127.0.0.1:5000 and :5001; details,
# commands and the manifests they write: docs/supply-chain.md, "Tools the tests use", and docs/supply-chain-samples/):
#   - cosign signs and verifies with no network but loopback, given the flags that keep it off the Sigstore services:
#       COSIGN_PASSWORD=… cosign sign --key cosign.key --use-signing-config=false --tlog-upload=false -y IMAGE@DIGEST
#       cosign verify --key cosign.pub --insecure-ignore-tlog IMAGE@DIGEST
#       cosign attest --key cosign.key --use-signing-config=false --tlog-upload=false --type cyclonedx --predicate F …
#       cosign verify-attestation --key cosign.pub --insecure-ignore-tlog --type cyclonedx IMAGE@DIGEST
#     (seen under strace: connections to 127.0.0.1:5000 only, no DNS; and in a network namespace with nothing but lo).
#     `--tlog-upload=false` alone is refused in 3.1 (the TUF-provided signing config is the default); without
#     --insecure-ignore-tlog, verify fetches the TUF root from tuf-repo-cdn.sigstore.dev (a DNS lookup, then failure).
#     Run cosign with HTTPS_PROXY=http://127.0.0.1:9 so that a forgotten flag fails without leaving loopback (Go's
#     proxy settings never apply to localhost or 127.0.0.1, so the registries are still reached).
#   - cosign 3.1's default signature is a Sigstore bundle (v0.3, DSSE envelope) in an OCI 1.1 referrer manifest; on
#     this registry (Docker Distribution 2.8, no referrers API: GET /v2/<repo>/referrers/<digest> answers 404) it is
#     listed in an OCI index tagged sha256-<hex> (the referrers tag schema). The legacy sha256-<hex>.sig tag only
#     with the deprecated --new-bundle-format=false. localhost and 127.0.0.1 are plain HTTP to it without a flag.
#   - oras attach writes the same sha256-<hex> tag index (merging with cosign's entries, and cosign with its);
#     oras speaks plain HTTP to localhost by itself, to 127.0.0.1 only with --plain-http.
#   - cosign reads only its own "ENCRYPTED SIGSTORE PRIVATE KEY" PEM for --key; a PKCS#8 or SEC1 EC key has to go
#     through `cosign import-key-pair` first, which takes unencrypted PKCS#8 and SEC1 but not encrypted PKCS#8.
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "supply-chain-tools.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

SCT_DIR=$STATE/tools                     # apt/ (sid lists, removed after use), deb/, root/, dotnet/
SCT_ROOT=$SCT_DIR/root                   # the unpacked packages: usr/bin/cosign, usr/bin/oras
SCT_DOTNET=$SCT_DIR/dotnet               # the CycloneDX tool (dotnet-CycloneDX and its .store/)
SCT_LOG=$LOGS/supply-chain-tools.log
SCT_PACKAGES=(cosign oras)
CYCLONEDX_VERSION=6.3.1
COSIGN=$SCT_ROOT/usr/bin/cosign
ORAS=$SCT_ROOT/usr/bin/oras
CYCLONEDX=$SCT_DOTNET/dotnet-CycloneDX

# sct_pkg_version NAME: the Debian version of package NAME as recorded in $SCT_ROOT/.versions
sct_pkg_version() { awk -v p="$1" '$1 == p { print $2 }' "$SCT_ROOT/.versions" 2>/dev/null || true; }

# sct_fetch: sid's cosign and oras downloaded and unpacked into $SCT_ROOT (once)
sct_fetch() {
  local dl=$SCT_DIR/deb.partial partial=$SCT_DIR/root.partial f b v cv ov
  step "supply-chain tools: sid packages" "$SCT_LOG"
  sid_unpack "$SCT_DIR" "$SCT_LOG" "${SCT_PACKAGES[@]}"
  for b in cosign oras; do
    f=$partial/usr/bin/$b
    [[ -x $f ]] || die "the sid packages have no usr/bin/$b"
    # Seen: "ELF 64-bit LSB executable, x86-64, dynamically linked", libc.so.6 only.
    v=$(file -b "$f")
    echo "$b: $v" >>"$SCT_LOG"
    [[ $v == 'ELF 64-bit'* ]] || die "$f is not a 64-bit ELF executable: $v"
    v=$(ldd "$f" 2>&1) || true
    echo "$v" >>"$SCT_LOG"
    ! grep -q 'not found' <<<"$v" || die "$f needs a library Debian 12 lacks: $(grep 'not found' <<<"$v" | tr -s ' \t' ' ')"
  done
  # cosign's own version says "devel" in Debian's build: the package version tells which it is.
  cv=$(awk '$1 == "cosign" { print $2 }' "$partial/.versions")
  ov=$(awk '$1 == "oras" { print $2 }' "$partial/.versions")
  [[ $cv == 3.* ]] || die "sid's cosign is $cv, not 3.x: check the flags docs/supply-chain.md names before using it"
  [[ $ov == 1.* ]] || die "sid's oras is $ov, not 1.x: check the commands docs/supply-chain.md names before using it"
  v=$("$partial/usr/bin/cosign" version 2>&1) || die "sid's cosign does not run here: $v"
  echo "$v" >>"$SCT_LOG"
  v=$("$partial/usr/bin/oras" version 2>&1) || die "sid's oras does not run here: $v"
  echo "$v" >>"$SCT_LOG"
  [[ $(awk '$1 == "Version:" { print $2 }' <<<"$v") == "${ov%%-*}" ]] || die "sid's oras reports '$v', its package $ov"
  touch "$partial/.containerize-complete"
  rm -rf "$SCT_ROOT" "$SCT_DIR/deb"
  mv "$dl" "$SCT_DIR/deb"
  mv "$partial" "$SCT_ROOT"
  rm -rf "$SCT_DIR/apt"
  RESULT[sct-packages]="downloaded (cosign $cv, oras $ov)"
}

# sct_cyclonedx: the CycloneDX dotnet tool in $SCT_DOTNET (once)
sct_cyclonedx() {
  local partial=$SCT_DIR/dotnet.partial v
  step "supply-chain tools: CycloneDX $CYCLONEDX_VERSION" "$SCT_LOG"
  command -v dotnet >/dev/null || die "no dotnet command to install the CycloneDX tool with"
  rm -rf "$partial"
  mkdir -p "$partial"
  say "dotnet tool install CycloneDX $CYCLONEDX_VERSION into $SCT_DOTNET (log: $SCT_LOG)"
  echo "=== $(date -Is) dotnet tool install --tool-path $partial CycloneDX --version $CYCLONEDX_VERSION" >>"$SCT_LOG"
  # From the tools folder: no NuGet.config of the clone applies.
  (cd "$SCT_DIR" && DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 timeout 300 \
    dotnet tool install --tool-path "$partial" CycloneDX --version "$CYCLONEDX_VERSION") >>"$SCT_LOG" 2>&1 ||
    die "dotnet tool install CycloneDX $CYCLONEDX_VERSION failed or took more than 300 s"
  [[ -x $partial/dotnet-CycloneDX ]] || die "the CycloneDX tool installed no dotnet-CycloneDX in $partial"
  # The tool's launcher finds its assembly relative to itself (.store/): the folder can be moved.
  rm -rf "$SCT_DOTNET"
  mv "$partial" "$SCT_DOTNET"
  v=$(DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 "$CYCLONEDX" --version 2>&1) || die "dotnet-CycloneDX --version failed: $v"
  echo "$v" >>"$SCT_LOG"
  [[ $v == "$CYCLONEDX_VERSION"+* || $v == "$CYCLONEDX_VERSION" ]] || die "dotnet-CycloneDX reports '$v', not $CYCLONEDX_VERSION"
  touch "$SCT_DOTNET/.containerize-complete"
  RESULT[sct-cyclonedx]="installed ($v)"
}

# ---------------------------------------------------------------------------------------------- cosign, oras
step "supply-chain tools" "$SCT_LOG"
mkdir -p "$SCT_DIR"
if [[ -f $SCT_ROOT/.containerize-complete && -x $COSIGN && -x $ORAS ]]; then
  RESULT[sct-packages]="present (cosign $(sct_pkg_version cosign), oras $(sct_pkg_version oras))"
else
  sct_fetch
fi

# ---------------------------------------------------------------------------------------------- CycloneDX
if [[ -f $SCT_DOTNET/.containerize-complete && -x $CYCLONEDX && -d $SCT_DOTNET/.store/cyclonedx/$CYCLONEDX_VERSION ]]; then
  RESULT[sct-cyclonedx]="present ($CYCLONEDX_VERSION)"
else
  sct_cyclonedx
fi
say "supply-chain tools: ${RESULT[sct-packages]}; CycloneDX ${RESULT[sct-cyclonedx]}"
