# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # what up.sh and the scripts sourced before it set; later ones read what it sets
# Sourced by eng/env/up.sh (section 6b), not run by itself: it uses lib.sh's helpers (step, say, die, is_proc,
# stop_pid, put_file, http_code, debian_mirror, registry_digest, new_context), the RESULT array and log folder, the
# TLS certificates of section 6 (tls-engine.sh) and the images of sections 4 and 5 (base-images.sh, tiny.sh).
#
# Docker Engine 28 with the containerd image store, beside the main engine 20.10:
#   - dockerd, containerd and tini-static from Debian sid, downloaded with an apt source list of their own (the
#     system's packages and apt lists are not touched) and unpacked with dpkg-deb -x into $D28_DIR/root. sid's runc
#     needs glibc 2.38 (Debian 12 has 2.36): it is not downloaded, and the PATH the daemons get leads to Debian 12's
#     /usr/sbin/runc. The binaries stay as downloaded until $D28_DIR/root is removed (then the newest sid ones come).
#   - containerd with its own configuration (version 3, own root, state and socket; the CRI, NRI and pod sandbox
#     plugins off), then dockerd --containerd on it with {"features":{"containerd-snapshotter":true}}, listening on
#     the plain unix socket $D28_SOCK and on tcp://127.0.0.1:2377 with TLS client certificates (the same CA, server
#     and client certificates as the TLS engine on 2376). No bridge, no iptables, no forwarding.
#   - the images the tests expect an engine to have, pulled from localhost:5000 (the containerd store gives each the
#     id of its manifest, which is the registry's digest: equal means present).
# The smoke tests (run, builds with and without BuildKit, pushes to both registries, the TLS port) run only when
# something was (re)started or pulled.
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "docker28.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

D28_DIR=$STATE/docker28                 # apt/ (sid lists, removed after use), deb/, root/, containerd/, data/, configs
D28_ROOT=$D28_DIR/root                  # the unpacked packages: usr/sbin/dockerd, usr/bin/containerd, ...
D28_RUN=/run/containerize-docker28      # docker.sock, exec/ (dockerd's exec root), containerd/ (state and socket)
D28_SOCK=$D28_RUN/docker.sock
D28_HOST=unix://$D28_SOCK
D28_TLS_PORT=2377
D28_TLS_HOST=tcp://127.0.0.1:$D28_TLS_PORT
D28_CTD_SOCK=$D28_RUN/containerd/containerd.sock
D28_PIDFILE=$STATE/docker28.pid                # written by dockerd (--pidfile)
D28_CTD_PIDFILE=$STATE/docker28-containerd.pid # written here
D28_LOG=$LOGS/docker28.log
D28_CTD_LOG=$LOGS/docker28-containerd.log
D28_APT_LOG=$LOGS/docker28-apt.log
D28_PACKAGES=(docker.io containerd tini-static)   # tini-static: docker-init (docker run --init)
# The daemons' PATH: the unpacked binaries first, then the system's (Debian 12's runc).
D28_PATH=$D28_ROOT/usr/sbin:$D28_ROOT/usr/bin:$BASE_PATH_ENV
D28_IMAGES=("$IMG_RUNTIME_DEPS" "$IMG_NOAPPUID" "$IMG_RUNTIME" "$IMG_ASPNET" "$IMG_TINY")

d28() { DOCKER_HOST=$D28_HOST docker "$@"; }
d28_tls() { DOCKER_HOST=$D28_TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS_CLIENT_DIR docker "$@"; }
d28_ping() { curl --noproxy '*' -s -m 5 --unix-socket "$D28_SOCK" http://d/_ping 2>/dev/null || true; }
d28_tls_ping() {
  curl --noproxy '*' -s -m 5 --cacert "$TLS_CLIENT_DIR/ca.pem" --cert "$TLS_CLIENT_DIR/cert.pem" \
    --key "$TLS_CLIENT_DIR/key.pem" "https://127.0.0.1:$D28_TLS_PORT/_ping" 2>/dev/null || true
}
d28_ctd_ok() { [[ -S $D28_CTD_SOCK ]] && timeout 5 "$D28_ROOT/usr/bin/ctr" --address "$D28_CTD_SOCK" version >/dev/null 2>&1; }
# d28_dockerd_pid, d28_ctd_pid: the pid of engine 28's dockerd or containerd when it runs (see pid_in)
d28_dockerd_pid() { pid_in "$D28_PIDFILE" dockerd "--pidfile=$D28_PIDFILE"; }
d28_ctd_pid() { pid_in "$D28_CTD_PIDFILE" containerd "$D28_DIR/containerd.toml"; }

# d28_fetch: sid's packages downloaded and unpacked into $D28_ROOT (once)
d28_fetch() {
  local dl=$D28_DIR/deb.partial partial=$D28_DIR/root.partial f v
  step "engine 28: sid packages" "$D28_APT_LOG"
  sid_unpack "$D28_DIR" "$D28_APT_LOG" "${D28_PACKAGES[@]}"
  for f in usr/sbin/dockerd usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/ctr usr/bin/docker-init; do
    [[ -x $partial/$f ]] || die "the sid packages have no $f"
  done
  [[ ! -e $partial/usr/sbin/runc && ! -e $partial/usr/bin/runc ]] || die "sid's runc got unpacked into $partial; it must not be on the daemons' PATH"
  v=$("$partial/usr/sbin/dockerd" --version 2>&1) || die "sid's dockerd does not run here: $v"
  echo "$v" >>"$D28_APT_LOG"
  v=$("$partial/usr/bin/containerd" --version 2>&1) || die "sid's containerd does not run here: $v"
  echo "$v" >>"$D28_APT_LOG"
  touch "$partial/.containerize-complete"
  rm -rf "$D28_ROOT" "$D28_DIR/deb"
  mv "$dl" "$D28_DIR/deb"
  mv "$partial" "$D28_ROOT"
  rm -rf "$D28_DIR/apt"
  RESULT[d28-packages]="downloaded ($(tr '\n' ' ' <"$D28_ROOT/.versions" | sed 's/ $//'))"
  say "engine 28: ${RESULT[d28-packages]}"
}

# d28_stop: dockerd 28, then its containerd (whatever is running of the two)
d28_stop() {
  local pid
  if pid=$(d28_dockerd_pid); then stop_pid "dockerd 28" "$pid" dockerd 30; fi
  if pid=$(d28_ctd_pid); then stop_pid "dockerd 28's containerd" "$pid" containerd 20; fi
  rm -f "$D28_PIDFILE" "$D28_CTD_PIDFILE"
  return 0
}

# d28_unmount_leftovers: mounts under $D28_RUN that a stopped dockerd 28 left (it leaves exec/netns/default)
d28_unmount_leftovers() {
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v p="$D28_RUN/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
}

d28_start_containerd() {
  local pid
  rm -f "$D28_CTD_PIDFILE" "$D28_CTD_SOCK" "$D28_CTD_SOCK.ttrpc"
  mkdir -p "$D28_RUN/containerd" "$D28_DIR/containerd"
  chmod 711 "$D28_RUN"
  say "starting containerd for engine 28 on $D28_CTD_SOCK (log: $D28_CTD_LOG)"
  echo "=== $(date -Is) up.sh starts containerd (engine 28)" >>"$D28_CTD_LOG"
  PATH=$D28_PATH setsid "$D28_ROOT/usr/bin/containerd" --config "$D28_DIR/containerd.toml" \
    >>"$D28_CTD_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$D28_CTD_PIDFILE"
  for _ in $(seq 120); do
    d28_ctd_ok && break
    started "$pid" || die "containerd for engine 28 (pid $pid) exited during start-up"
    sleep 0.25
  done
  d28_ctd_ok || die "containerd for engine 28 (pid $pid) did not answer on $D28_CTD_SOCK within 30 s"
}

d28_start_dockerd() {
  local pid code
  code=$(http_code "http://127.0.0.1:$D28_TLS_PORT/_ping")
  [[ $code == 000 ]] || die "something already listens on 127.0.0.1:$D28_TLS_PORT (answers plain HTTP with $code); stop it and re-run"
  rm -f "$D28_PIDFILE" "$D28_SOCK"
  d28_unmount_leftovers
  mkdir -p "$D28_DIR/data" "$D28_RUN/exec"
  say "starting dockerd 28 on $D28_HOST and $D28_TLS_HOST (log: $D28_LOG)"
  echo "=== $(date -Is) up.sh starts dockerd 28" >>"$D28_LOG"
  PATH=$D28_PATH setsid "$D28_ROOT/usr/sbin/dockerd" "${D28_ARGS[@]}" >>"$D28_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  for _ in $(seq 120); do
    [[ $(d28_ping) == OK && $(d28_tls_ping) == OK ]] && break
    started "$pid" || die "dockerd 28 (pid $pid) exited during start-up"
    sleep 0.5
  done
  [[ $(d28_ping) == OK ]] || die "dockerd 28 (pid $pid) did not answer on $D28_SOCK within 60 s"
  [[ $(d28_tls_ping) == OK ]] || die "dockerd 28 (pid $pid) did not answer on $D28_TLS_HOST with the client certificate within 60 s"
  d28_dockerd_pid >/dev/null || echo "$pid" >"$D28_PIDFILE"
}

# ---------------------------------------------------------------------------------------------- binaries, configs
step "engine 28" "$D28_LOG"
mkdir -p "$D28_DIR"
if [[ -f $D28_ROOT/.containerize-complete && -x $D28_ROOT/usr/sbin/dockerd ]]; then
  RESULT[d28-packages]="present ($(tr '\n' ' ' <"$D28_ROOT/.versions" | sed 's/ $//'))"
else
  # Daemons running from the old tree go first.
  d28_stop
  d28_fetch
fi

step "engine 28: configuration" "$D28_LOG"
D28_CONF_CHANGED=
put_file "$D28_DIR/containerd.toml" "# Written by eng/env/up.sh (docker28.sh): containerd for engine 28 only.
version = 3
root = \"$D28_DIR/containerd\"
state = \"$D28_RUN/containerd\"
disabled_plugins = [
  \"io.containerd.grpc.v1.cri\", \"io.containerd.cri.v1.runtime\", \"io.containerd.cri.v1.images\",
  \"io.containerd.podsandbox.controller.v1.podsandbox\", \"io.containerd.grpc.v1.sandbox-controllers\",
  \"io.containerd.nri.v1.nri\",
]

[grpc]
  address = \"$D28_CTD_SOCK\"

[ttrpc]
  address = \"$D28_CTD_SOCK.ttrpc\"

[debug]
  address = \"\"

[plugins.'io.containerd.internal.v1.opt']
  path = \"$D28_DIR/containerd/opt\"" && D28_CONF_CHANGED=1
put_file "$D28_DIR/daemon.json" '{"features":{"containerd-snapshotter":true}}' && D28_CONF_CHANGED=1
D28_ARGS=(--config-file="$D28_DIR/daemon.json" --containerd="$D28_CTD_SOCK"
  --data-root="$D28_DIR/data" --exec-root="$D28_RUN/exec" --pidfile="$D28_PIDFILE"
  --host="$D28_HOST" --host="$D28_TLS_HOST" --tlsverify --tlscacert="$TLS_CA_DIR/ca.pem"
  --tlscert="$TLS_SERVER_DIR/server-cert.pem" --tlskey="$TLS_SERVER_DIR/server-key.pem"
  --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false)
# The command line, kept so that a change to it restarts the engine.
put_file "$D28_DIR/dockerd.args" "$(printf '%s\n' "${D28_ARGS[@]}")" && D28_CONF_CHANGED=1

# ---------------------------------------------------------------------------------------------- containerd, dockerd
D28_STARTED=
step "engine 28: containerd" "$D28_CTD_LOG"
if [[ -n $D28_CONF_CHANGED || -n $CERTS_NEW ]] && { d28_dockerd_pid >/dev/null || d28_ctd_pid >/dev/null; }; then
  say "engine 28: new configuration or certificates; restarting it"
  d28_stop
fi
if d28_ctd_ok; then
  d28_ctd_pid >/dev/null ||
    die "something answers on $D28_CTD_SOCK but is not the containerd up.sh started ($D28_CTD_PIDFILE); stop it and re-run"
  RESULT[d28-containerd]="already running"
else
  if cpid_=$(d28_ctd_pid); then stop_pid "containerd for engine 28 (does not answer)" "$cpid_" containerd 20; fi
  # dockerd 28 would wait for a containerd that is gone: it restarts too.
  if dpid_=$(d28_dockerd_pid); then stop_pid "dockerd 28 (its containerd was gone)" "$dpid_" dockerd 30; fi
  d28_start_containerd
  RESULT[d28-containerd]="started"
  D28_STARTED=1
fi

step "engine 28: dockerd" "$D28_LOG"
if [[ $(d28_ping) == OK ]]; then
  d28_dockerd_pid >/dev/null ||
    die "an engine answers on $D28_SOCK but is not the dockerd up.sh started ($D28_PIDFILE); stop it and re-run"
  RESULT[d28]="already running"
  [[ $(d28_tls_ping) == OK ]] || die "dockerd 28 answers on $D28_SOCK but not on $D28_TLS_HOST with the client certificate"
else
  if dpid_=$(d28_dockerd_pid); then
    say "dockerd 28 (pid $dpid_) runs but does not answer yet; waiting"
    for _ in $(seq 60); do [[ $(d28_ping) == OK ]] && break; sleep 0.5; done
    [[ $(d28_ping) == OK ]] || stop_pid "dockerd 28 (does not answer)" "$dpid_" dockerd 30
  fi
  if [[ $(d28_ping) == OK ]]; then
    RESULT[d28]="already running (was starting)"
  else
    d28_start_dockerd
    RESULT[d28]="started"
    D28_STARTED=1
  fi
fi
D28_PID=$(cat "$D28_PIDFILE" 2>/dev/null || echo '?')
D28_CTD_PID=$(cat "$D28_CTD_PIDFILE" 2>/dev/null || echo '?')

if [[ -n $D28_STARTED ]]; then
  step "engine 28: checks" "$D28_LOG"
  out=$(d28 info --format '{{.ServerVersion}}|{{.Driver}}|{{json .DriverStatus}}|{{.DockerRootDir}}' 2>&1) ||
    die "'docker info' through $D28_HOST failed: $out"
  IFS='|' read -r v drv dstatus root_dir <<<"$out"
  [[ $v == 28.* ]] || die "the engine on $D28_HOST is $v, not 28.x"
  [[ $dstatus == *'"driver-type","io.containerd.snapshotter.v1"'* ]] ||
    die "the engine on $D28_HOST does not use the containerd image store (driver $drv, $dstatus)"
  [[ $root_dir == "$D28_DIR/data" ]] || die "the engine on $D28_HOST is not the one up.sh started (root $root_dir)"
  out=$(d28_tls version --format '{{.Server.Version}}' 2>&1) ||
    die "'docker version' with DOCKER_HOST=$D28_TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS_CLIENT_DIR failed: $out"
  [[ $out == "$v" ]] || die "the engine on $D28_TLS_HOST is $out, the one on $D28_SOCK $v"
  code=$(http_code "http://127.0.0.1:$D28_TLS_PORT/_ping")
  [[ $code == 400 ]] || die "a plain HTTP request to 127.0.0.1:$D28_TLS_PORT got $code (expected 400)"
  code=$(curl --noproxy '*' -s -o /dev/null -m 5 -w '%{http_code}' --cacert "$TLS_CLIENT_DIR/ca.pem" \
    "https://127.0.0.1:$D28_TLS_PORT/_ping" 2>/dev/null || true)
  [[ $code == 000 ]] || die "engine 28 answered $code on port $D28_TLS_PORT to a request without a client certificate"
  nets=$(d28 network ls --format '{{.Driver}}' 2>/dev/null || true)
  ! grep -qx bridge <<<"$nets" || die "engine 28 has a bridge network; it must run with --bridge=none"
  RESULT[d28]="${RESULT[d28]}; engine $v, driver $drv (io.containerd.snapshotter.v1), $(sed -n 's/^containerd //p' "$D28_ROOT/.versions")"
  docker info >/dev/null 2>&1 || die "the main engine stopped answering after engine 28 started"
fi

# ---------------------------------------------------------------------------------------------- images
# d28_pull REF: REF in engine 28 as the local registry has it; sets D28_PULLED when it pulled
D28_PULLED=
d28_pull() {
  local ref=$1 want have
  step "engine 28: $ref" "$D28_LOG"
  want=$(registry_digest "$ref")
  [[ -n $want ]] || die "the registry has no manifest for $ref"
  have=$(d28 image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
  if [[ $have == "$want" ]]; then
    RESULT[d28:$ref]="present"
    return 0
  fi
  say "pulling $ref into engine 28"
  echo "=== $(date -Is) docker pull $ref (engine 28)" >>"$D28_LOG"
  d28 pull "$ref" >>"$D28_LOG" 2>&1 || die "engine 28 could not pull $ref"
  [[ $(d28 image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true) == "$want" ]] ||
    die "engine 28's $ref is not the registry's $want"
  # The image the tag named before (a rebuilt image) is left dangling: removed.
  [[ -z $have ]] || d28 rmi "$have" >>"$D28_LOG" 2>&1 || true
  RESULT[d28:$ref]="pulled"
  D28_PULLED=1
}
for ref in "${D28_IMAGES[@]}"; do d28_pull "$ref"; done
pulled_=0
for ref in "${D28_IMAGES[@]}"; do [[ ${RESULT[d28:$ref]} == pulled ]] && pulled_=$((pulled_ + 1)); done
RESULT[d28-images]="${#D28_IMAGES[@]} images, $pulled_ pulled"

# ---------------------------------------------------------------------------------------------- smoke tests
# bk_docker: a docker CLI that builds with BuildKit: the one on PATH when it has the buildx plugin, else Debian 12's
# /usr/bin/docker (20.10, BuildKit's client built in)
bk_docker() {
  if docker buildx version >/dev/null 2>&1; then
    DOCKER_HOST=$D28_HOST DOCKER_BUILDKIT=1 docker "$@"
  else
    DOCKER_HOST=$D28_HOST DOCKER_BUILDKIT=1 /usr/bin/docker "$@"
  fi
}

if [[ -n $D28_STARTED || -n $D28_PULLED ]]; then
  step "engine 28: smoke test" "$D28_LOG"
  out=$(d28 run --rm --network none "$IMG_TINY" sh -c 'echo ok; ls /sys/class/net' 2>&1) || die "engine 28 cannot run $IMG_TINY: $out"
  [[ $out == $'ok\nlo' ]] || die "engine 28 ran $IMG_TINY with unexpected output (expected ok and only lo): $out"
  images_before=$(d28 images -a -q --no-trunc | sort)
  new_context
  # A RUN step that reaches the local registry on the machine's loopback: only the host network can.
  printf 'FROM %s\nRUN wget -q -O /dev/null http://127.0.0.1:%s/v2/ && echo reached-the-registry\n' "$IMG_TINY" "$REG_OPEN_PORT" >"$CTX/Dockerfile"
  for bk in 0 1; do
    echo "=== $(date -Is) docker build --network host, DOCKER_BUILDKIT=$bk (engine 28)" >>"$D28_LOG"
    rm -f "$CTX.iid"
    if ((bk)); then
      bk_docker build --network host --no-cache --progress plain --iidfile "$CTX.iid" "$CTX" >"$CTX.out" 2>&1 || { cat "$CTX.out" >>"$D28_LOG"; die "a BuildKit build with a RUN step (--network host) failed on engine 28"; }
    else
      DOCKER_BUILDKIT=0 d28 build --network host --no-cache --iidfile "$CTX.iid" "$CTX" >"$CTX.out" 2>&1 || { cat "$CTX.out" >>"$D28_LOG"; die "a legacy-builder build with a RUN step (--network host) failed on engine 28"; }
    fi
    cat "$CTX.out" >>"$D28_LOG"
    grep -q reached-the-registry "$CTX.out" || die "the RUN step of the build (DOCKER_BUILDKIT=$bk) did not reach 127.0.0.1:$REG_OPEN_PORT"
    id=$(cat "$CTX.iid")
    [[ $id == sha256:* ]] || die "the build on engine 28 (DOCKER_BUILDKIT=$bk) gave no image id"
    d28 rmi "$id" >>"$D28_LOG" 2>&1 || die "could not remove the test build's image $id from engine 28"
  done
  rm -f "$CTX.out"
  [[ $(d28 images -a -q --no-trunc | sort) == "$images_before" ]] || die "engine 28 keeps images after the test builds were removed"
  # Pushes to both registries (the one with credentials through a private client configuration).
  dcfg=$(mktemp -d "$STATE/docker-config.XXXXXX")
  TMP_DIRS+=("$dcfg")
  smoke=ctz-test/engine28-smoke:1
  printf '%s' "$AUTH_PASSWORD" | DOCKER_CONFIG=$dcfg d28 login -u "$AUTH_USER" --password-stdin "127.0.0.1:$REG_AUTH_PORT" >>"$D28_LOG" 2>&1 ||
    die "engine 28: docker login 127.0.0.1:$REG_AUTH_PORT failed"
  for dest in "$REG/$smoke" "127.0.0.1:$REG_AUTH_PORT/$smoke"; do
    echo "=== $(date -Is) docker push $dest (engine 28)" >>"$D28_LOG"
    d28 tag "$IMG_TINY" "$dest"
    DOCKER_CONFIG=$dcfg d28 push "$dest" >>"$D28_LOG" 2>&1 || die "engine 28 could not push $dest"
    d28 rmi "$dest" >>"$D28_LOG" 2>&1 || true
  done
  code=$(http_code "http://127.0.0.1:$REG_AUTH_PORT/v2/${smoke%:*}/manifests/1" -I -u "$AUTH_USER:$AUTH_PASSWORD" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json')
  [[ $code == 200 ]] || die "after engine 28's push, 127.0.0.1:$REG_AUTH_PORT answers $code for $smoke"
  [[ -n $(registry_digest "$REG/$smoke") ]] || die "after engine 28's push, $REG has no $smoke"
  RESULT[d28-smoke]="run, builds (legacy and BuildKit, RUN on the host network), pushes to :$REG_OPEN_PORT and :$REG_AUTH_PORT: ok"
else
  RESULT[d28-smoke]="skipped (nothing started or pulled)"
fi
say "engine 28: ${RESULT[d28]}; containerd ${RESULT[d28-containerd]}; ${RESULT[d28-images]}; smoke test ${RESULT[d28-smoke]}"
