#!/usr/bin/env bash
# Stops what eng/env/up.sh started: the two registries and dockerd, found by the pid files up.sh wrote in
# the state folder. Processes up.sh did not start are left alone. Images, registry storage and the
# debootstrap root file system are kept, so the next up.sh is quick.
#
# Environment: CONTAINERIZE_ENV_DIR, the state folder (default /var/lib/containerize-env).
set -euo pipefail

STATE=${CONTAINERIZE_ENV_DIR:-/var/lib/containerize-env}

is_proc() { [[ $1 =~ ^[0-9]+$ ]] && [[ -r /proc/$1/comm ]] && [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]; }

# stop LABEL PIDFILE NAME TIMEOUT_SECONDS
stop() {
  local label=$1 pidfile=$2 name=$3 timeout=$4 pid
  if [[ ! -f $pidfile ]]; then
    echo "$label: no pid file ($pidfile); not started by up.sh, nothing to stop"
    return 0
  fi
  pid=$(cat "$pidfile")
  if ! is_proc "$pid" "$name"; then
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

stop "registry 127.0.0.1:5001" "$STATE/registry-5001.pid" docker-registry 10
stop "registry 127.0.0.1:5000" "$STATE/registry-5000.pid" docker-registry 10
stop "dockerd" "$STATE/dockerd.pid" dockerd 30
