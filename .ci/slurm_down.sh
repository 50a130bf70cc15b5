#!/usr/bin/env bash
# Stops the one-node CI cluster that .ci/slurm_up.sh started in DIR (argument, else $SLURM_CI_DIR, else
# /tmp/slurm-ci): cancels its jobs, then stops slurmd, slurmctld and munged, SIGTERM first, SIGKILL after 10 s.
#
# It only signals processes it can tie to DIR:
# - a daemon's pid from DIR/log/<daemon>.pid only if that process's command line mentions DIR (slurm_up.sh starts
#   the daemons with `-f DIR/slurm.conf` and munged with `--socket=DIR/munge/...`), so a stale pid file whose pid was
#   reused, or a system munged/slurm, is left alone;
# - after the daemons are gone, job processes that outlived them (only when slurmd died before its jobs, or a job
#   ignored SIGTERM): slurmstepd processes whose environment holds SLURM_CONF=DIR/slurm.conf (inherited from the
#   slurmd that slurm_up.sh started), and processes whose environment holds both that SLURM_CONF and a SLURM_JOB_ID
#   (slurmstepd sets both in every job's environment).
# A process that has exited but is not yet reaped (a zombie: PID 1 here may reap late) counts as gone.
# Safe to run when nothing is up. Leaves DIR in place (logs, munge key); slurm_up.sh clears the controller state and
# spool when it starts again.
set -uo pipefail

DIR="${1:-${SLURM_CI_DIR:-/tmp/slurm-ci}}"
say() { echo "slurm_down: $*" >&2; }
[[ -d "$DIR" ]] || {
  say "nothing to stop ($DIR does not exist)"
  exit 0
}
DIR="$(cd "$DIR" && pwd)"
CONF="$DIR/slurm.conf"

alive() { # alive PID: the process exists and is not a zombie (builtins only: this runs in polling loops)
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat="${stat##*) }" # the state letter follows "(comm) "
  [[ -n "$stat" && "${stat:0:1}" != Z ]]
}

ours_pid() { # ours_pid NAME: prints the pid from DIR/log/NAME.pid if that process is alive and mentions DIR
  local pid cmd
  pid="$(cat "$DIR/log/$1.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
  [[ "$cmd" == *"$DIR/"* ]] && echo "$pid"
}

stop_pids() { # stop_pids LABEL PID...: SIGTERM, wait up to 10 s, then SIGKILL
  local label="$1" pid alive end=$((SECONDS + 10))
  shift
  (($#)) || return 0
  say "stopping $label (pid $*)"
  kill -TERM "$@" 2>/dev/null
  while ((SECONDS < end)); do
    alive=()
    for pid in "$@"; do alive "$pid" && alive+=("$pid"); done
    ((${#alive[@]})) || return 0
    sleep 0.1
  done
  say "$label did not exit 10 s after SIGTERM; SIGKILL ${alive[*]}"
  kill -KILL "${alive[@]}" 2>/dev/null
  sleep 0.2
}

# 1. Cancel this cluster's jobs while the controller still answers, so that their steps end cleanly.
if ctld="$(ours_pid slurmctld)" && [[ -n "$ctld" ]]; then
  export SLURM_CONF="$CONF"
  jobs="$(timeout 5 squeue -h -o '%F' 2>/dev/null | sort -u | tr '\n' ' ')"
  if [[ -n "${jobs// /}" ]]; then
    say "cancelling jobs: $jobs"
    # shellcheck disable=SC2086
    timeout 5 scancel $jobs 2>/dev/null
    # wait for the steps to end (KillWait is 5 s; allow 10), unless slurmd is gone and they cannot report back
    end=$((SECONDS + 10))
    while ((SECONDS < end)); do
      ours_pid slurmd >/dev/null || break
      [[ -z "$(timeout 5 squeue -h -t PD,R,CG,S -o '%i' 2>/dev/null)" ]] && break
      sleep 0.1
    done
  fi
fi

# 2. The daemons, compute node first.
for d in slurmd slurmctld munged; do
  pid="$(ours_pid "$d")" && stop_pids "$d" "$pid"
  rm -f "$DIR/log/$d.pid"
done

# 3. Job steps and job processes that outlived slurmd.
steps=()
procs=()
# one grep over every environment (-z: NUL-separated entries); -s: processes we may not read or that just exited
while read -r f; do
  p="${f#/proc/}"
  p="${p%/environ}"
  [[ "$p" == "$$" || "$p" == "$PPID" ]] && continue
  read -r comm 2>/dev/null <"/proc/$p/comm" || continue
  if [[ "$comm" == slurmstepd ]]; then
    steps+=("$p")
  elif grep -qsz '^SLURM_JOB_ID=' "/proc/$p/environ"; then
    procs+=("$p")
  fi
done < <(grep -lszxF "SLURM_CONF=$CONF" /proc/[0-9]*/environ)
stop_pids "leftover job steps and job processes" "${steps[@]}" "${procs[@]}"
exit 0
