# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # what up.sh and the scripts sourced before it set; later ones read what it sets
# Sourced by eng/env/up.sh (section 6), not run by itself: the TLS certificates (also engine 28's, docker28.sh) and
# the TLS engine, which gets the tiny image of section 5 (tiny.sh).
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "tls-engine.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

# A second Docker engine that only listens on tcp://127.0.0.1:2376 and requires a client certificate. It has its
# own data root, exec root, pid file, daemon.json and containerd: dockerd 20.10 starts a managed containerd when
# /run/containerd/containerd.sock does not exist, with its socket and state in <exec-root>/containerd and its
# root in <data-root>/containerd/daemon, and runc state in <exec-root>/runtime-runc, so nothing is shared with
# the main engine (whose are under /var/run/docker and /var/lib/docker).
TLS_PORT=2376
TLS_HOST=tcp://127.0.0.1:$TLS_PORT
TLS_DIR=$STATE/tls
TLS_CA_DIR=$TLS_DIR/ca          # ca.pem, ca-key.pem
TLS_SERVER_DIR=$TLS_DIR/server  # server-cert.pem, server-key.pem
TLS_CLIENT_DIR=$TLS_DIR/client  # exactly ca.pem, cert.pem, key.pem: a DOCKER_CERT_PATH
TLS_ENGINE_DIR=$STATE/engine-tls
TLS_PIDFILE=$STATE/dockerd-tls.pid
TLS_LOG=$LOGS/dockerd-tls.log
TLS_CERT_LOG=$LOGS/tls-certs.log

tls_docker() { DOCKER_HOST=$TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS_CLIENT_DIR docker "$@"; }
# tls_ping: the engine's answer to /_ping with the client certificate ("OK"), empty when none
tls_ping() {
  curl --noproxy '*' -s -m 5 --cacert "$TLS_CLIENT_DIR/ca.pem" --cert "$TLS_CLIENT_DIR/cert.pem" \
    --key "$TLS_CLIENT_DIR/key.pem" "https://127.0.0.1:$TLS_PORT/_ping" 2>/dev/null || true
}

# cert_matches CERT KEY: the key is the certificate's
cert_matches() {
  local a b
  a=$(openssl x509 -noout -pubkey -in "$1" 2>/dev/null) || return 1
  b=$(openssl pkey -pubout -in "$2" 2>/dev/null) || return 1
  [[ -n $a && $a == "$b" ]]
}

certs_valid() {
  local f
  for f in "$TLS_CA_DIR/ca.pem" "$TLS_CA_DIR/ca-key.pem" "$TLS_SERVER_DIR/server-cert.pem" \
    "$TLS_SERVER_DIR/server-key.pem" "$TLS_CLIENT_DIR/ca.pem" "$TLS_CLIENT_DIR/cert.pem" "$TLS_CLIENT_DIR/key.pem"; do
    [[ -s $f ]] || return 1
  done
  # shellcheck disable=SC2012 # exactly these three names, none of them unusual
  [[ $(cd "$TLS_CLIENT_DIR" && ls -A | sort | tr '\n' ' ') == "ca.pem cert.pem key.pem " ]] || return 1
  cmp -s "$TLS_CA_DIR/ca.pem" "$TLS_CLIENT_DIR/ca.pem" || return 1
  openssl verify -CAfile "$TLS_CA_DIR/ca.pem" -purpose sslserver "$TLS_SERVER_DIR/server-cert.pem" >/dev/null 2>&1 || return 1
  openssl verify -CAfile "$TLS_CA_DIR/ca.pem" -purpose sslclient "$TLS_CLIENT_DIR/cert.pem" >/dev/null 2>&1 || return 1
  for f in "$TLS_CA_DIR/ca.pem" "$TLS_SERVER_DIR/server-cert.pem" "$TLS_CLIENT_DIR/cert.pem"; do
    openssl x509 -noout -checkend $((30 * 86400)) -in "$f" >/dev/null 2>&1 || return 1
  done
  cert_matches "$TLS_SERVER_DIR/server-cert.pem" "$TLS_SERVER_DIR/server-key.pem" &&
    cert_matches "$TLS_CLIENT_DIR/cert.pem" "$TLS_CLIENT_DIR/key.pem"
}

# make_certs: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate (10 years each)
make_certs() {
  local p=$TLS_DIR.partial
  rm -rf "$p"
  mkdir -p "$p/ca" "$p/server" "$p/client"
  echo "=== $(date -Is) up.sh makes the TLS certificates" >>"$TLS_CERT_LOG"
  (
    set -e
    cd "$p"
    umask 077
    key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"; }
    serial() { echo "0x$(openssl rand -hex 16)"; }
    key ca/ca-key.pem
    openssl req -new -key ca/ca-key.pem -subj '/CN=Containerize test CA' -out ca/ca.csr
    printf '%s\n' 'basicConstraints=critical,CA:TRUE' 'keyUsage=critical,keyCertSign,cRLSign' \
      'subjectKeyIdentifier=hash' >ca/ca.ext
    openssl x509 -req -sha256 -days 3650 -in ca/ca.csr -signkey ca/ca-key.pem -extfile ca/ca.ext \
      -set_serial "$(serial)" -out ca/ca.pem
    # issue DIR CERT KEY CN EXT...: a certificate signed by the CA
    issue() {
      local dir=$1 cert=$2 k=$3 cn=$4
      shift 4
      key "$dir/$k"
      openssl req -new -key "$dir/$k" -subj "/CN=$cn" -out "$dir/req.csr"
      printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'subjectKeyIdentifier=hash' \
        'authorityKeyIdentifier=keyid,issuer' "$@" >"$dir/req.ext"
      openssl x509 -req -sha256 -days 3650 -in "$dir/req.csr" -CA ca/ca.pem -CAkey ca/ca-key.pem \
        -extfile "$dir/req.ext" -set_serial "$(serial)" -out "$dir/$cert"
      rm -f "$dir/req.csr" "$dir/req.ext"
    }
    issue server server-cert.pem server-key.pem 'Containerize test engine' \
      'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' \
      'subjectAltName=IP:127.0.0.1,DNS:localhost'
    issue client cert.pem key.pem 'Containerize test client' \
      'keyUsage=critical,digitalSignature' 'extendedKeyUsage=clientAuth'
    rm -f ca/ca.csr ca/ca.ext
    cp ca/ca.pem client/ca.pem
    chmod 644 ca/ca.pem server/server-cert.pem client/ca.pem client/cert.pem
    chmod 600 ca/ca-key.pem server/server-key.pem client/key.pem
    chmod 755 . ca server client
  ) >>"$TLS_CERT_LOG" 2>&1 || die "openssl failed to make the certificates"
  rm -rf "$TLS_DIR"
  mv "$p" "$TLS_DIR"
}
step "TLS certificates" "$TLS_CERT_LOG"
CERTS_NEW=
if certs_valid; then
  RESULT[tls-certs]="present"
else
  say "making the TLS certificates in $TLS_DIR (log: $TLS_CERT_LOG)"
  make_certs
  certs_valid || die "the certificates just made in $TLS_DIR do not verify"
  CERTS_NEW=1
  RESULT[tls-certs]="made"
fi

# tls_engine_pid: the TLS engine's pid when it runs (see pid_in)
tls_engine_pid() { pid_in "$TLS_PIDFILE" dockerd "--pidfile=$TLS_PIDFILE"; }

start_tls_engine() {
  local pid code cpid_file=$TLS_ENGINE_DIR/exec/containerd/containerd.pid
  code=$(http_code "http://127.0.0.1:$TLS_PORT/_ping")
  [[ $code == 000 ]] || die "something on 127.0.0.1:$TLS_PORT answers plain HTTP with $code and does not accept the client certificate in $TLS_CLIENT_DIR; stop it and re-run"
  rm -f "$TLS_PIDFILE"
  # An exec root left by an engine that no longer runs (a machine restart) must not block the start.
  pid_in "$cpid_file" containerd "$TLS_ENGINE_DIR/exec/containerd/containerd.toml" >/dev/null || rm -f "$cpid_file"
  mkdir -p "$TLS_ENGINE_DIR/data" "$TLS_ENGINE_DIR/exec"
  # Its own (empty) daemon.json: /etc/docker/daemon.json is the main engine's.
  [[ -f $TLS_ENGINE_DIR/daemon.json ]] || echo '{}' >"$TLS_ENGINE_DIR/daemon.json"
  say "starting the TLS engine on $TLS_HOST (log: $TLS_LOG)"
  echo "=== $(date -Is) up.sh starts dockerd (TLS)" >>"$TLS_LOG"
  setsid dockerd --config-file="$TLS_ENGINE_DIR/daemon.json" \
    --data-root="$TLS_ENGINE_DIR/data" --exec-root="$TLS_ENGINE_DIR/exec" --pidfile="$TLS_PIDFILE" \
    --host="$TLS_HOST" --tlsverify --tlscacert="$TLS_CA_DIR/ca.pem" \
    --tlscert="$TLS_SERVER_DIR/server-cert.pem" --tlskey="$TLS_SERVER_DIR/server-key.pem" \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    >>"$TLS_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  for _ in $(seq 120); do
    [[ $(tls_ping) == OK ]] && break
    started "$pid" || die "the TLS engine (pid $pid) exited during start-up"
    sleep 0.5
  done
  [[ $(tls_ping) == OK ]] || die "the TLS engine (pid $pid) did not answer on $TLS_HOST within 60 s"
  RESULT[dockerd-tls]="started"
}

step "TLS engine" "$TLS_LOG"
if [[ $(tls_ping) == OK ]]; then
  if [[ -n $CERTS_NEW ]]; then
    tpid=$(tls_engine_pid) ||
      die "an engine answers on $TLS_HOST but was not started by up.sh ($TLS_PIDFILE); stop it so that it restarts with the new certificates"
    stop_pid "the TLS engine (new certificates)" "$tpid" dockerd 30
    start_tls_engine
    RESULT[dockerd-tls]="restarted (new certificates)"
  else
    RESULT[dockerd-tls]="already running"
  fi
elif tpid=$(tls_engine_pid); then
  if [[ -n $CERTS_NEW ]]; then
    stop_pid "the TLS engine (new certificates)" "$tpid" dockerd 30
    start_tls_engine
  else
    say "the TLS engine (pid $tpid) runs but does not answer yet; waiting"
    for _ in $(seq 120); do [[ $(tls_ping) == OK ]] && break; sleep 0.5; done
    [[ $(tls_ping) == OK ]] || die "the TLS engine (pid $tpid) runs but does not answer on $TLS_HOST after 60 s; stop it (eng/env/down.sh) and re-run"
    RESULT[dockerd-tls]="already running (was starting)"
  fi
else
  start_tls_engine
fi
TLS_PID=$(cat "$TLS_PIDFILE" 2>/dev/null || echo '?')
if [[ ${RESULT[dockerd-tls]} != already* ]]; then
  # What a client sees: the docker CLI with DOCKER_CERT_PATH, and a plain-HTTP request turned away.
  out=$(tls_docker info --format '{{.ServerVersion}} {{.Driver}} {{.DockerRootDir}}' 2>&1) ||
    die "'docker info' with DOCKER_HOST=$TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$TLS_CLIENT_DIR failed: $out"
  [[ $out == *" $TLS_ENGINE_DIR/data" ]] || die "the engine on $TLS_HOST is not the one up.sh started (docker info: $out)"
  code=$(http_code "http://127.0.0.1:$TLS_PORT/_ping")
  [[ $code == 400 ]] || die "a plain HTTP request to 127.0.0.1:$TLS_PORT got $code (expected 400: client sent HTTP to an HTTPS server)"
  code=$(curl --noproxy '*' -s -o /dev/null -m 5 -w '%{http_code}' --cacert "$TLS_CLIENT_DIR/ca.pem" \
    "https://127.0.0.1:$TLS_PORT/_ping" 2>/dev/null || true)
  [[ $code == 000 ]] || die "the TLS engine answered $code to a request without a client certificate"
  cpids=$(pgrep -P "$TLS_PID" -x containerd || true)
  [[ -n $cpids ]] || die "the TLS engine (pid $TLS_PID) runs no containerd of its own"
  grep -qF "$TLS_ENGINE_DIR/exec/containerd/" "/proc/$cpids/cmdline" ||
    die "the TLS engine's containerd (pid $cpids) does not use $TLS_ENGINE_DIR/exec/containerd"
  RESULT[dockerd-tls]="${RESULT[dockerd-tls]}; engine $out, own containerd (pid $cpids)"
  docker info >/dev/null 2>&1 || die "the main engine stopped answering after the TLS engine started"
fi

step "TLS engine: $IMG_TINY" "$TLS_LOG"
TINY_ID=$(docker image inspect --format '{{.Id}}' "$IMG_TINY" 2>/dev/null) || die "$IMG_TINY is not in the main engine"
pull_tiny tls_docker "$TLS_LOG" "the TLS engine"
RESULT[tls-tiny]=$TINY_PULL
if [[ $TINY_PULL == pulled ]]; then
  out=$(tls_docker run --rm --network none "$IMG_TINY" sh -c 'echo ok' 2>&1) || die "the TLS engine cannot run $IMG_TINY: $out"
  [[ $out == ok ]] || die "the TLS engine ran $IMG_TINY with unexpected output: $out"
fi
say "TLS engine: ${RESULT[dockerd-tls]}; certificates ${RESULT[tls-certs]}; tiny image ${RESULT[tls-tiny]}"

