# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # what up.sh and the scripts sourced before it set; later ones read what it sets
# Sourced by eng/env/up.sh (section 7), not run by itself: it uses lib.sh's helpers (step, say, die, is_proc,
# stop_pid, put_file, debian_mirror, new_context, pull_tiny), the RESULT array and log folder.
#
# Podman 5 (Debian trixie's) and its Docker-compatible API on $STATE/xdg/podman/podman.sock, that is
# $XDG_RUNTIME_DIR/podman/podman.sock for XDG_RUNTIME_DIR=$STATE/xdg (where the code under test looks for it).
# trixie's podman, conmon and crun need glibc 2.38 and libraries Debian 12 lacks, so they run in a root of their own:
#   - $P5_ROOT: debootstrap --variant=minbase trixie, then apt-get install podman runc inside it (once).
#   - the service runs chrooted there, in a private mount namespace where the root is bind-mounted onto itself
#     (without it, unpacking a layer fails: "remount /, flags: 0x44000: invalid argument"), with the machine's
#     /proc, /sys and /dev, a fresh tmpfs on /run and on /dev/shm (Podman's run-time state and locks start clean on
#     every start, as after a reboot), and $STATE/xdg/podman bind-mounted on /run/podman: the service listens on
#     Podman's own rootful default, unix:///run/podman/podman.sock, which outside is $PODMAN_SOCK.
#   - overlay storage (kernel overlayfs on the machine's ext4, in /var/lib/containers/storage of the root).
#   - $P5_ROOT/etc/containers/containers.conf:
#       runtime runc (crun: "cgroups in hybrid mode not supported"), cgroup_manager cgroupfs (no systemd),
#       events_logger file (no journald);
#       netns "none": a container without --network gets lo only (like the engines' --bridge=none); --network host
#       works. Builds' RUN steps use the machine's network whatever the network mode (seen with Podman 5.4 as 4.3).
#       Netavark (a dependency of trixie's podman) is shadowed by a stub in /usr/local/libexec/podman, the first of
#       Podman's helper_binaries_dir: anything that would create a bridge network (--network bridge, a new network)
#       fails instead of adding a bridge, firewall rules or turning on ip_forward.
#       default_ulimits: as root Podman gives containers nofile 1048576 and nproc 4194304, which runc cannot set
#       without CAP_SYS_RESOURCE (not in this machine's bounding set: "error setting rlimit type 7: operation not
#       permitted"): containers get this machine's hard nofile and at most 32768 processes.
#   - registries.conf.d: the local registries speak plain HTTP (Podman treats localhost:5000 as HTTPS otherwise).
# Never run the podman CLI outside the service's mount namespace: it would see another /run and reset the state.
# The checks below use the API (the libpod one where the compatible one lacks a view).
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "podman5.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

P5_SUITE=trixie
P5_DIR=$STATE/podman5
P5_ROOT=$P5_DIR/root
P5_PACKAGES=(podman runc)
PODMAN_XDG=$STATE/xdg
PODMAN_SOCK=$PODMAN_XDG/podman/podman.sock
PODMAN_PIDFILE=$STATE/podman.pid
PODMAN_LOG=$LOGS/podman.log
P5_BOOTSTRAP_LOG=$LOGS/podman5-root.log
P5_LIBPOD=http://d/v5.0.0/libpod

pdocker() { DOCKER_HOST=unix://$PODMAN_SOCK docker "$@"; }
podman_ping() { curl --noproxy '*' -s -m 5 --unix-socket "$PODMAN_SOCK" http://d/_ping 2>/dev/null || true; }
podman_api() { curl --noproxy '*' -s -m 30 --unix-socket "$PODMAN_SOCK" "$@" 2>/dev/null; }
# is_p5 PID: PID is a podman process chrooted into $P5_ROOT (the service below, not Debian 12's podman)
is_p5() { is_proc "$1" podman && [[ $(readlink "/proc/$1/root" 2>/dev/null) == "$P5_ROOT" ]]; }
p5_service_pid() {
  local p
  for p in $(pids_named podman); do is_p5 "$p" && { echo "$p"; return 0; }; done
  return 0
}

# p5_unmount_under DIR: unmount whatever is mounted below DIR (leftovers of an interrupted debootstrap)
p5_unmount_under() {
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r)
}

# p5_root: the trixie root with podman and runc in $P5_ROOT (once)
p5_root() {
  local mirror partial=$P5_DIR/root.partial
  step "Podman 5: trixie root" "$P5_BOOTSTRAP_LOG"
  mirror=$(debian_mirror)
  if [[ -e $partial ]]; then
    p5_unmount_under "$partial"
    rm -rf --one-file-system "$partial"
  fi
  p5_unmount_under "$P5_ROOT"
  rm -rf --one-file-system "$P5_ROOT"
  mkdir -p "$P5_DIR"
  say "debootstrap --variant=minbase $P5_SUITE from $mirror (about 40 s; log: $P5_BOOTSTRAP_LOG)"
  echo "=== $(date -Is) debootstrap $P5_SUITE $mirror" >>"$P5_BOOTSTRAP_LOG"
  debootstrap --variant=minbase "$P5_SUITE" "$partial" "$mirror" >>"$P5_BOOTSTRAP_LOG" 2>&1 || die "debootstrap $P5_SUITE failed"
  cp /etc/resolv.conf "$partial/etc/resolv.conf"
  # No service may start from a package's postinst inside the root.
  printf '#!/bin/sh\nexit 101\n' >"$partial/usr/sbin/policy-rc.d"
  chmod 755 "$partial/usr/sbin/policy-rc.d"
  say "apt-get install ${P5_PACKAGES[*]} in the $P5_SUITE root (log: $P5_BOOTSTRAP_LOG)"
  echo "=== $(date -Is) chroot apt-get install ${P5_PACKAGES[*]}" >>"$P5_BOOTSTRAP_LOG"
  timeout 600 chroot "$partial" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${P5_PACKAGES[@]}" >>"$P5_BOOTSTRAP_LOG" 2>&1 ||
    die "apt-get install ${P5_PACKAGES[*]} in the $P5_SUITE root failed"
  chroot "$partial" apt-get clean >>"$P5_BOOTSTRAP_LOG" 2>&1 || true
  # crun would be chosen for "crun | runc" without runc; it refuses this machine's hybrid cgroups.
  [[ -x $partial/usr/bin/podman && -x $partial/usr/sbin/runc ]] || die "the $P5_SUITE root lacks podman or runc after apt-get install"
  # shellcheck disable=SC2016 # dpkg-query's format, not the shell's
  chroot "$partial" dpkg-query -W -f='${Package} ${Version}\n' podman runc conmon netavark golang-github-containers-common \
    >"$partial/.versions" 2>>"$P5_BOOTSTRAP_LOG" || true
  touch "$partial/.containerize-complete"
  mv "$partial" "$P5_ROOT"
  RESULT[podman-root]="made ($(tr '\n' ' ' <"$P5_ROOT/.versions" | sed 's/ $//'))"
  say "Podman 5 root: ${RESULT[podman-root]}, $(du -sh --one-file-system "$P5_ROOT" | cut -f1)"
}

# ---------------------------------------------------------------------------------------------- Podman 4.3 leftovers
# An older up.sh ran Debian 12's Podman 4.3 on the same socket with vfs storage in $STATE/podman.
step "Podman 4.3 leftovers" "$PODMAN_LOG"
if [[ -f $PODMAN_PIDFILE ]] && is_proc "$(cat "$PODMAN_PIDFILE")" podman && ! is_p5 "$(cat "$PODMAN_PIDFILE")"; then
  stop_pid "Podman 4.3's service (replaced by Podman 5)" "$(cat "$PODMAN_PIDFILE")" podman 20
  rm -f "$PODMAN_PIDFILE" "$PODMAN_SOCK"
fi
if [[ -d $STATE/podman ]]; then
  say "removing Podman 4.3's storage and configuration ($STATE/podman)"
  p5_unmount_under "$STATE/podman"
  rm -rf --one-file-system "$STATE/podman"
fi

# ---------------------------------------------------------------------------------------------- root, configuration
if [[ -f $P5_ROOT/.containerize-complete && -x $P5_ROOT/usr/bin/podman ]]; then
  RESULT[podman-root]="present ($(tr '\n' ' ' <"$P5_ROOT/.versions" | sed 's/ $//'))"
else
  p="$(p5_service_pid)"
  [[ -z $p ]] || stop_pid "Podman 5's service (its root is rebuilt)" "$p" podman 20
  p5_root
fi

step "Podman 5 configuration" "$PODMAN_LOG"
mkdir -p "$PODMAN_XDG/podman" "$P5_ROOT/etc/containers/registries.conf.d" "$P5_ROOT/usr/local/libexec/podman"
chmod 700 "$PODMAN_XDG"
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
[[ $nofile =~ ^[0-9]+$ ]] || nofile=1048576
[[ $nproc =~ ^[0-9]+$ ]] && ((nproc < 32768)) || nproc=32768
P5_CONF_CHANGED=
put_file "$P5_ROOT/etc/containers/containers.conf" "# Written by eng/env/up.sh (podman5.sh, where the reasons are).
[containers]
netns = \"none\"
default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]

[engine]
runtime = \"runc\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\"" && P5_CONF_CHANGED=1
put_file "$P5_ROOT/etc/containers/storage.conf" "# Written by eng/env/up.sh (podman5.sh).
[storage]
driver = \"overlay\"
graphroot = \"/var/lib/containers/storage\"
runroot = \"/run/containers/storage\"" && P5_CONF_CHANGED=1
put_file "$P5_ROOT/etc/containers/registries.conf.d/50-containerize.conf" "# Written by eng/env/up.sh: short names are not looked up anywhere; the local registries speak plain HTTP.
unqualified-search-registries = []

[[registry]]
location = \"localhost:$REG_OPEN_PORT\"
insecure = true

[[registry]]
location = \"127.0.0.1:$REG_OPEN_PORT\"
insecure = true

[[registry]]
location = \"localhost:$REG_AUTH_PORT\"
insecure = true

[[registry]]
location = \"127.0.0.1:$REG_AUTH_PORT\"
insecure = true" && P5_CONF_CHANGED=1
put_file "$P5_ROOT/usr/local/libexec/podman/netavark" '#!/bin/sh
# Written by eng/env/up.sh (podman5.sh): no container networks in this test environment (no bridge, no firewall
# rules, no ip_forward). Shadows /usr/lib/podman/netavark.
echo "netavark is disabled in this test environment (containers get --network none or host): netavark $*" >&2
exit 1' && P5_CONF_CHANGED=1
chmod 755 "$P5_ROOT/usr/local/libexec/podman/netavark"

# ---------------------------------------------------------------------------------------------- service
start_podman() {
  local pid
  rm -f "$PODMAN_PIDFILE" "$PODMAN_SOCK"
  say "starting Podman 5's API service on unix://$PODMAN_SOCK (log: $PODMAN_LOG)"
  echo "=== $(date -Is) up.sh starts podman system service (root $P5_ROOT)" >>"$PODMAN_LOG"
  # A simple command, and every step of it execs the next: $! is podman's pid.
  # shellcheck disable=SC2016 # $1 and $2 are the inner shell's
  setsid unshare -m --propagation private sh -c '
    set -e
    mount --bind "$1" "$1"
    mount --bind /proc "$1/proc"
    mount --rbind /sys "$1/sys"
    mount --rbind /dev "$1/dev"
    mount -t tmpfs -o mode=1777,nosuid,nodev shm "$1/dev/shm"
    mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$1/run"
    mkdir "$1/run/podman" "$1/run/lock"
    mount --bind "$2" "$1/run/podman"
    exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
      PODMAN_IGNORE_CGROUPSV1_WARNING=1 chroot "$1" podman system service --time=0 unix:///run/podman/podman.sock' \
    sh "$P5_ROOT" "$PODMAN_XDG/podman" >>"$PODMAN_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PODMAN_PIDFILE"
  for _ in $(seq 120); do
    [[ $(podman_ping) == OK ]] && break
    started "$pid" || die "Podman's service (pid $pid) exited during start-up"
    sleep 0.25
  done
  [[ $(podman_ping) == OK ]] || die "Podman's service (pid $pid) did not answer on $PODMAN_SOCK within 30 s"
  is_p5 "$pid" || die "pid $pid answers on $PODMAN_SOCK but is not podman chrooted into $P5_ROOT"
  RESULT[podman]="started"
}

step "Podman service" "$PODMAN_LOG"
if [[ $(podman_ping) == OK ]]; then
  ppid_=$(p5_service_pid)
  [[ -n $ppid_ ]] || die "something answers on $PODMAN_SOCK, but no podman chrooted into $P5_ROOT serves it"
  [[ -f $PODMAN_PIDFILE && $(cat "$PODMAN_PIDFILE") == "$ppid_" ]] || echo "$ppid_" >"$PODMAN_PIDFILE"
  if [[ -n $P5_CONF_CHANGED ]]; then
    stop_pid "Podman's service (new configuration)" "$ppid_" podman 20
    start_podman
    RESULT[podman]="restarted (new configuration)"
  else
    RESULT[podman]="already running"
  fi
elif ppid_=$(p5_service_pid) && [[ -n $ppid_ ]]; then
  say "Podman's service (pid $ppid_) runs but does not answer; restarting it"
  stop_pid "Podman's service" "$ppid_" podman 20
  start_podman
else
  start_podman
fi
PODMAN_PID=$(cat "$PODMAN_PIDFILE" 2>/dev/null || echo '?')
if [[ ${RESULT[podman]} != already* ]]; then
  out=$(podman_api http://d/version) || die "GET /version on $PODMAN_SOCK failed"
  PODMAN_VERSION=$(jq -r .Version <<<"$out" 2>/dev/null || true)
  [[ $PODMAN_VERSION == 5.* ]] || die "the service on $PODMAN_SOCK is Podman '$PODMAN_VERSION', not 5.x"
  drv=$(pdocker info --format '{{.Driver}}' 2>&1) || die "'docker info' through $PODMAN_SOCK failed: $drv"
  [[ $drv == overlay ]] || die "Podman 5 uses the storage driver '$drv', not overlay"
  RESULT[podman]="${RESULT[podman]}; Podman $PODMAN_VERSION, $drv storage"
  # The limits the containers get must be within the service's own, or runc fails to start every container.
  lim=$(awk '/^Max open files/ { f = $5 } /^Max processes/ { p = $4 } END { print f, p }' "/proc/$PODMAN_PID/limits")
  read -r hard_nofile hard_nproc <<<"$lim"
  # shellcheck disable=SC2015 # both must hold, or die
  [[ $hard_nofile == unlimited || $hard_nofile -ge $nofile ]] && [[ $hard_nproc == unlimited || $hard_nproc -ge $nproc ]] ||
    die "Podman's service runs with hard limits nofile $hard_nofile, nproc $hard_nproc, below the default_ulimits in its containers.conf (nofile $nofile, nproc $nproc)"
  # A test hides the default engine by mounting a tmpfs over /var/run (a symlink to /run, so /run is what gets
  # covered) in a private mount namespace; the Podman socket under $STATE stays reachable there.
  # shellcheck disable=SC2016 # $1 is the inner sh's
  out=$(unshare -m sh -c 'mount -t tmpfs none /var/run && test ! -e /var/run/docker.sock && test ! -e /run/docker.sock && curl --noproxy "*" -s -m 5 --unix-socket "$1" http://d/_ping' sh "$PODMAN_SOCK" 2>&1) ||
    die "in a mount namespace with a tmpfs over /var/run, the Podman socket does not answer: $out"
  [[ $out == OK ]] || die "in a mount namespace with a tmpfs over /var/run, the Podman socket answers '$out'"
  [[ -S /var/run/docker.sock ]] || die "the main engine's socket is gone after the unshare check"
fi

step "Podman: $IMG_TINY" "$PODMAN_LOG"
pull_tiny pdocker "$PODMAN_LOG" "Podman 5"
RESULT[podman-tiny]=$TINY_PULL
# p5_containers: every container in Podman's storage, its own and those of builds (libpod API, external=true)
p5_containers() {
  podman_api "$P5_LIBPOD/containers/json?all=true&external=true" |
    jq -r '[.[].Id] | sort | .[]'
}
if [[ ${RESULT[podman]} != already* || ${RESULT[podman-tiny]} != present ]]; then
  # A container and a build through the Docker-compatible API, leaving nothing behind.
  step "Podman: smoke test" "$PODMAN_LOG"
  out=$(pdocker run --rm "$IMG_TINY" sh -c 'echo ok; id -u; ip -o link | wc -l; ulimit -n' 2>&1) || die "Podman cannot run $IMG_TINY: $out"
  [[ $out == $'ok\n0\n1\n'"$nofile" ]] || die "Podman ran $IMG_TINY with unexpected output (expected ok, uid 0, only lo, nofile $nofile): $out"
  images_before=$(pdocker images -a -q --no-trunc | sort)
  ctrs_before=$(p5_containers) || die "the libpod API on $PODMAN_SOCK does not list containers"
  new_context
  printf 'FROM %s\nRUN echo hi\n' "$IMG_TINY" >"$CTX/Dockerfile"
  echo "=== $(date -Is) docker build (Podman)" >>"$PODMAN_LOG"
  DOCKER_BUILDKIT=0 pdocker build --iidfile "$CTX.iid" "$CTX" >>"$PODMAN_LOG" 2>&1 || die "a two-line docker build through Podman failed"
  id=$(cat "$CTX.iid")
  [[ $id == sha256:* ]] || die "the build through Podman gave no image id"
  pdocker rmi "$id" >>"$PODMAN_LOG" 2>&1 || die "could not remove the test build's image $id from Podman"
  [[ $(pdocker images -a -q --no-trunc | sort) == "$images_before" ]] || die "Podman keeps images after the test build was removed"
  [[ $(p5_containers) == "$ctrs_before" ]] || die "Podman keeps build containers after the test build"
fi
say "Podman: ${RESULT[podman]}; root ${RESULT[podman-root]}; tiny image ${RESULT[podman-tiny]}"
