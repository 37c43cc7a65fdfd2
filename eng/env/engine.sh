# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # what up.sh and the scripts sourced before it set; later ones read what it sets
# Sourced by eng/env/up.sh (section 2), not run by itself: Docker Engine 20.10 (Debian 12's docker.io) on the default
# socket unix:///var/run/docker.sock, started when nothing answers there: no bridge, no iptables, no forwarding.
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "engine.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

# main_dockerd_pids: pids of the dockerd processes other than the TLS engine and engine 28 (both have --exec-root)
main_dockerd_pids() {
  local p
  for p in $(pids_named dockerd); do
    tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -q '^--exec-root' || echo "$p"
  done
  return 0
}

step "docker engine" "$LOGS/dockerd.log"
DOCKERD_PIDFILE=$STATE/dockerd.pid
if docker info >/dev/null 2>&1; then
  RESULT[dockerd]="already running"
else
  running=$(main_dockerd_pids)
  if [[ -n $running ]]; then
    # A dockerd exists but does not answer (yet): give it a bounded while before giving up.
    say "a dockerd (pid ${running//$'\n'/ }) runs but does not answer yet; waiting"
    for _ in $(seq 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || die "dockerd (pid ${running//$'\n'/ }) runs but 'docker info' fails after 60 s; stop it (eng/env/down.sh or kill that pid) and re-run"
    RESULT[dockerd]="already running (was starting)"
  else
    # Leftovers of an engine that no longer runs (a machine restart) must not block the start.
    rm -f /var/run/docker.pid /var/run/docker.sock "$DOCKERD_PIDFILE"
    cpid_file=/var/run/docker/containerd/containerd.pid
    pid_in "$cpid_file" containerd /var/run/docker/containerd/containerd.toml >/dev/null || rm -f "$cpid_file"
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
