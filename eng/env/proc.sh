# shellcheck shell=bash
# Sourced by eng/env/lib.sh (for up.sh and its component scripts) and by eng/env/down.sh, not run by itself: how
# these scripts recognise the processes they started.
#
# A pid file outlives its process: after a machine or container restart the state folder is still there, and the
# numbers in its pid files belong to whatever got them since — often another process of the same name that up.sh
# itself just started (the four registries, the three dockerds, their containerds are started in a fixed order, so
# a fresh pid namespace hands out the same numbers again). A name alone therefore never proves a process is ours:
# pid_in also asks for one argument of its command line that only that instance has (its configuration file, its
# --pidfile=...).
[[ ${BASH_SOURCE[0]} != "$0" ]] || { echo "proc.sh: sourced by eng/env/lib.sh or down.sh, not run by itself" >&2; exit 2; }

# is_proc PID NAME: PID is alive and its command name is NAME
is_proc() { [[ $1 =~ ^[0-9]+$ ]] && [[ -r /proc/$1/comm ]] && [[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]; }

# has_arg PID ARG: one argument of PID's command line is exactly ARG
has_arg() { tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF -- "$2"; }

# pid_in PIDFILE NAME ARG: prints the pid PIDFILE records when that process is alive, is named NAME and has ARG on
# its command line; fails (printing nothing) otherwise, a missing or stale pid file included
pid_in() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  is_proc "$pid" "$2" && has_arg "$pid" "$3" || return 1
  echo "$pid"
}

# started PID: true while a process this script just started in the background has not exited. Not is_proc: until
# the child has exec'd (bash forks, then setsid execs the program) its name is still bash's or setsid's.
started() { local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) && [[ ${stat##*) } != Z* ]]; }

# pids_named NAME: pids of all processes whose command name is NAME
pids_named() {
  local f
  for f in /proc/[0-9]*/comm; do
    [[ $(cat "$f" 2>/dev/null) == "$1" ]] && { f=${f#/proc/}; echo "${f%/comm}"; }
  done
  return 0
}
