#!/usr/bin/env bash
# Stops what eng/env/up.sh started: Podman 5's API service, engine 28 (dockerd and its containerd), the TLS engine,
# the two registries and dockerd, found by the pid files up.sh wrote in the state folder. Processes up.sh did not
# start are left alone. Images, registry storage, certificates, engine 28's binaries and storage, Podman 5's root and
# storage and the debootstrap root file system are kept, so the next up.sh is quick.
#
# Usage: down.sh [podman] [docker28] [tls-engine] [registries] [dockerd]   (no argument: all of them, in that order)
# Environment: CONTAINERIZE_ENV_DIR, the state folder (default /var/lib/containerize-env).
set -euo pipefail

STATE=${CONTAINERIZE_ENV_DIR:-/var/lib/containerize-env}

# shellcheck source=eng/env/proc.sh
source "$(dirname "${BASH_SOURCE[0]}")/proc.sh"

# stop LABEL PIDFILE NAME ARG TIMEOUT_SECONDS: the process PIDFILE records, when it is the one up.sh started (named
# NAME, with ARG on its command line: see pid_in); a pid file naming anything else is stale and removed
stop() {
  local label=$1 pidfile=$2 name=$3 arg=$4 timeout=$5 pid
  if [[ ! -f $pidfile ]]; then
    echo "$label: no pid file ($pidfile); not started by up.sh, nothing to stop"
    return 0
  fi
  if ! pid=$(pid_in "$pidfile" "$name" "$arg"); then
    echo "$label: not running (stale pid file removed)"
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq $((timeout * 5))); do
    is_proc "$pid" "$name" || break
    sleep 0.2
  done
  if is_proc "$pid" "$name"; then
    echo "$label: pid $pid still runs after ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
  echo "$label: stopped (pid $pid)"
}

want=("$@")
((${#want[@]})) || want=(podman docker28 tls-engine registries dockerd)
for w in "${want[@]}"; do
  case $w in
    podman | docker28 | tls-engine | registries | dockerd) ;;
    *) echo "down.sh: unknown service '$w' (podman, docker28, tls-engine, registries, dockerd)" >&2; exit 2 ;;
  esac
done
wanted() { local w; for w in "${want[@]}"; do [[ $w == "$1" ]] && return 0; done; return 1; }

# Podman's service takes a couple of seconds to shut down after SIGTERM; its mount namespace (a tmpfs on the root's
# /run, the bind mounts) goes with it.
wanted podman && stop "Podman 5 API service" "$STATE/podman.pid" podman unix:///run/podman/podman.sock 20
if wanted docker28; then
  # dockerd 28 first (it writes and removes its own pid file), then the containerd it uses (pid file by up.sh).
  stop "engine 28 (dockerd)" "$STATE/docker28.pid" dockerd "--pidfile=$STATE/docker28.pid" 30
  stop "engine 28's containerd" "$STATE/docker28-containerd.pid" containerd "$STATE/docker28/containerd.toml" 20
  # dockerd 28 leaves its exec root's netns/default mounted when it stops.
  if ! pid_in "$STATE/docker28.pid" dockerd "--pidfile=$STATE/docker28.pid" >/dev/null; then
    awk -v p=/run/containerize-docker28/ 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null || true; done
  fi
fi
# The TLS engine writes (and on exit removes) its own pid file; it stops its own containerd.
wanted tls-engine && stop "TLS engine tcp://127.0.0.1:2376" "$STATE/dockerd-tls.pid" dockerd "--pidfile=$STATE/dockerd-tls.pid" 30
if wanted registries; then
  for port in 5003 5002 5001 5000; do
    stop "registry 127.0.0.1:$port" "$STATE/registry-$port.pid" docker-registry "$STATE/registry-$port/config.yml" 10
  done
fi
wanted dockerd && stop "dockerd" "$STATE/dockerd.pid" dockerd --host=unix:///var/run/docker.sock 30
exit 0
