# shellcheck shell=bash
# shellcheck disable=SC2004,SC2034,SC2154 # as the others; RESULT (lib.sh) is associative: its keys are no arithmetic
# Sourced by eng/env/up.sh (section 3), not run by itself: the CNCF distribution registries on loopback, each with a
# configuration, storage and log of its own under $STATE: an open one on 127.0.0.1:5000 and one asking for
# $AUTH_USER's credentials (htpasswd) on 127.0.0.1:5001, and the same pair on 5002 and 5003 for the engine-28 pass.
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "registries.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

# ensure_registry PORT EXPECTED_CODE AUTH(0|1)
ensure_registry() {
  local port=$1 expect=$2 auth=$3
  local dir=$STATE/registry-$port pidfile=$STATE/registry-$port.pid log=$LOGS/registry-$port.log
  local url=http://127.0.0.1:$port/v2/ code pid
  step "registry $port" "$log"
  code=$(http_code "$url")
  if [[ $code == "$expect" ]]; then
    RESULT[registry-$port]="already running"
    return 0
  fi
  if [[ $code != 000 ]]; then
    die "something on 127.0.0.1:$port answers $code to /v2/ (expected $expect or nothing)"
  fi
  if pid=$(pid_in "$pidfile" docker-registry "$dir/config.yml"); then
    say "registry $port (pid $pid) does not answer; restarting it"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do is_proc "$pid" docker-registry || break; sleep 0.2; done
  fi
  rm -f "$pidfile"
  mkdir -p "$dir/storage"
  {
    echo "version: 0.1"
    echo "log: {level: info, fields: {service: registry-$port}}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $dir/storage}"
    echo "  delete: {enabled: true}"
    echo "  cache: {blobdescriptor: inmemory}"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: containerize-test-registry-$port"
    if ((auth)); then
      echo "auth:"
      echo "  htpasswd: {realm: containerize-test, path: $dir/htpasswd}"
    fi
  } >"$dir/config.yml.tmp"
  mv "$dir/config.yml.tmp" "$dir/config.yml"
  if ((auth)); then
    if ! htpasswd -vb "$dir/htpasswd" "$AUTH_USER" "$AUTH_PASSWORD" >/dev/null 2>&1; then
      htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" >"$dir/htpasswd.tmp"
      mv "$dir/htpasswd.tmp" "$dir/htpasswd"
    fi
  fi
  say "starting registry on 127.0.0.1:$port (log: $log)"
  echo "=== $(date -Is) up.sh starts the registry" >>"$log"
  setsid docker-registry serve "$dir/config.yml" >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$pidfile"
  for _ in $(seq 150); do
    code=$(http_code "$url")
    [[ $code == "$expect" ]] && break
    started "$pid" || die "the registry on port $port (pid $pid) exited during start-up"
    sleep 0.2
  done
  [[ $code == "$expect" ]] || die "the registry on port $port answers $code to /v2/ after 30 s (expected $expect)"
  RESULT[registry-$port]="started"
}

for port in "$REG_OPEN_PORT" "$REG2_OPEN_PORT"; do ensure_registry "$port" 200 0; done
for port in "$REG_AUTH_PORT" "$REG2_AUTH_PORT"; do
  ensure_registry "$port" 401 1
  step "registry $port credentials" "$LOGS/registry-$port.log"
  code=$(http_code "http://127.0.0.1:$port/v2/" -u "$AUTH_USER:$AUTH_PASSWORD")
  [[ $code == 200 ]] || die "the registry on $port answers $code (not 200) with $AUTH_USER's credentials; is it one that up.sh did not start?"
done
say "registries $REG_OPEN_PORT, $REG_AUTH_PORT, $REG2_OPEN_PORT, $REG2_AUTH_PORT: ${RESULT[registry-$REG_OPEN_PORT]}, ${RESULT[registry-$REG_AUTH_PORT]}, ${RESULT[registry-$REG2_OPEN_PORT]}, ${RESULT[registry-$REG2_AUTH_PORT]}"
