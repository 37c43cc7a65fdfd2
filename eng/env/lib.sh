# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # settings from up.sh; what it sets, the scripts sourced after it read
# Sourced first by eng/env/up.sh, not run by itself: the helpers up.sh and the component scripts it sources share.
#   - progress and failure: say (a line with the time since the start), step (the step a failure names, and the log
#     whose tail it shows), die, the ERR trap (which names the script and line that failed), RESULT (what each step
#     found or did, for the summary); the temporary folders in TMP_DIRS are removed at exit
#   - processes: is_proc, has_arg, pid_in, started, pids_named (eng/env/proc.sh, which down.sh shares), stop_pid
#   - files, HTTP on loopback, apt: put_file, http_code, debian_mirror
#   - images: img_env, img_env_get, img_layers, extends, registry_digest, new_context, ensure_image, pull_tiny
# They use the settings up.sh defines before it sources this file (STATE, LOGS, REG, REG_OPEN_PORT, SUITE, IMG_TINY).
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "lib.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

# shellcheck source=eng/env/proc.sh
source "$(dirname "${BASH_SOURCE[0]}")/proc.sh"

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
  show_log_tail "$STEP_LOG"
  exit 1
}

on_err() {
  local rc=$? line=$1
  trap - ERR
  echo "up.sh: FAILED in step '$STEP' ($line, exit code $rc)" >&2
  show_log_tail "$STEP_LOG"
  exit "$rc"
}
trap 'on_err "${BASH_SOURCE[0]##*/} line $LINENO"' ERR

cleanup() {
  local d
  for d in "${TMP_DIRS[@]+"${TMP_DIRS[@]}"}"; do rm -rf --one-file-system "$d" 2>/dev/null || true; done
}
trap cleanup EXIT

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

# ---------------------------------------------------------------------------------------------- images
IMG_LOG=$LOGS/images.log

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

# new_context: a fresh build context folder in $CTX (removed when the script exits)
new_context() {
  CTX=$(mktemp -d "$STATE/build.XXXXXX")
  TMP_DIRS+=("$CTX" "$CTX.iid")
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

# ---------------------------------------------------------------------------------------------- engines
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

# sid_unpack DIR LOG PACKAGE...: Debian sid's packages downloaded with an apt source list and lists of their own (in
# DIR/apt; nothing is installed over the system) and unpacked with dpkg-deb -x into DIR/root.partial, with
# "package version" lines in its .versions. The caller checks what it needs there and moves it into place.
sid_unpack() {
  local dir=$1 log=$2 apt=$1/apt dl=$1/deb.partial partial=$1/root.partial mirror f
  shift 2
  local -a opts
  mirror=$(debian_mirror)
  rm -rf "$apt" "$dl" "$partial"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dl" "$partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" >"$apt/sources.list"
  opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$apt/lists"
    -o "Dir::Cache=$apt/cache")
  say "apt-get update for sid's package lists, own lists in $apt (log: $log)"
  echo "=== $(date -Is) apt-get update (sid, $mirror)" >>"$log"
  timeout 300 apt-get "${opts[@]}" update >>"$log" 2>&1 || die "apt-get update for sid failed or took more than 300 s"
  say "apt-get download $* (sid)"
  echo "=== $(date -Is) apt-get download $*" >>"$log"
  # apt's download sandbox user writes into the folder.
  chown _apt "$dl" 2>/dev/null || true
  (cd "$dl" && timeout 300 apt-get "${opts[@]}" download "$@") >>"$log" 2>&1 ||
    die "apt-get download $* (sid) failed or took more than 300 s"
  chown -R root:root "$dl"
  for f in "$dl"/*.deb; do
    [[ -f $f ]] || die "apt-get download left no .deb in $dl"
    dpkg-deb -x "$f" "$partial" || die "dpkg-deb -x $f failed"
    printf '%s %s\n' "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)" >>"$partial/.versions"
  done
}
