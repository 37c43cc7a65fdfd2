# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # what up.sh and the scripts sourced before it set; later ones read what it sets
# Sourced by eng/env/up.sh (section 1), not run by itself: the Debian packages the other sections use, installed with
# apt-get when missing (no service may start from a package's postinst), then the commands they provide checked.
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "packages.sh: sourced by eng/env/up.sh, not run by itself" >&2; exit 2; }

APT_PACKAGES=(docker.io docker-registry apache2-utils skopeo debootstrap curl busybox-static openssl jq file)

pkg_installed() {
  local s
  s=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)
  [[ $s == "install ok installed" ]]
}

step "apt packages" "$LOGS/apt.log"
missing=()
for p in "${APT_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
if ((${#missing[@]})); then
  say "installing packages: ${missing[*]} (log: $LOGS/apt.log)"
  # No service may start from a package's postinst (the docker-registry package's would listen on
  # every interface, docker.io's would create a bridge): /usr/sbin/policy-rc.d answering 101 forbids it.
  own_policy=
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  {
    apt-get update &&
      apt-get install -y --no-install-recommends "${missing[@]}" pigz
  } >>"$LOGS/apt.log" 2>&1 || { [[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d; die "apt-get failed"; }
  [[ -n $own_policy ]] && rm -f /usr/sbin/policy-rc.d
  for p in "${missing[@]}"; do pkg_installed "$p" || die "package $p is still not installed"; done
  RESULT[packages]="installed ${missing[*]}"
else
  RESULT[packages]="all present"
fi
for c in dockerd docker docker-registry htpasswd skopeo debootstrap curl busybox openssl unshare chroot dpkg-deb jq file; do
  command -v "$c" >/dev/null || die "command $c not found after installing packages"
done
say "packages: ${RESULT[packages]}"
