#!/usr/bin/env bash
# Starts a private one-node SLURM cluster on localhost, as root and without systemd, for the slurm executor's
# tests (`deno task test:slurm`). Needs Debian's `slurm-wlm` (or slurmctld + slurmd + slurm-client) and `munge`.
#
#   eval "$(.ci/slurm_up.sh [DIR])"     # DIR defaults to $SLURM_CI_DIR, else /tmp/slurm-ci
#   ... sbatch / squeue / scontrol ...
#   .ci/slurm_down.sh [DIR]
#
# Everything lives under DIR: its own munge key, munged socket and log (DIR/munge), slurm.conf, the controller's
# state (DIR/state), slurmd's spool (DIR/spool), pid files and logs (DIR/log). Nothing in /etc, /run or /var is
# touched, and no system munged or slurm daemon is used or stopped. stdout carries only the line
# `export SLURM_CONF=DIR/slurm.conf`; progress and errors go to stderr.
#
# Idempotent: if this DIR's three daemons are already up and the node answers, it only prints the export line.
# Otherwise it stops whatever of this DIR's daemons is left (by their pid files, see slurm_down.sh), clears the
# controller state and spool (job ids restart at 1), and starts munged, slurmctld and slurmd afresh. It waits until
# `sinfo` shows the node idle, or fails (exit 1) after $SLURM_CI_TIMEOUT seconds (default 30), or as soon as a
# daemon dies, printing the daemons' logs and stopping what it started.
#
# Environment (all optional): SLURM_CI_DIR, SLURM_CI_TIMEOUT, SLURM_CI_CTLD_PORT (6817), SLURM_CI_SLURMD_PORT (6818)
# (change both when another cluster on this machine holds the default ports), SLURM_CI_MIN_JOB_AGE (3600),
# SLURM_CI_CRED_EXPIRE (10).
#
# Settings that are not obvious:
# - munged runs as root with its key, socket, pid and log under DIR/munge; slurm finds that socket through
#   `AuthInfo=socket=...` (read by auth/munge and cred/munge, hence by the daemons and by sbatch/squeue through
#   SLURM_CONF). Run as root against Debian's /var/log/munge (owned by munge) munged refuses: "Logfile is insecure:
#   invalid ownership". DIR/munge must be mode 0755 ("Socket is inaccessible: execute permissions for all required").
# - NodeName=localhost NodeAddr=127.0.0.1, SlurmctldHost=localhost, and `slurmd -N localhost`: the cluster does not
#   depend on the machine's hostname or on its resolution (CI hostnames change and are not always in /etc/hosts).
# - CPUs/Boards/Sockets/Cores/Threads/RealMemory come from `slurmd -C`; SlurmdParameters=config_overrides keeps the
#   node usable (not INVALID) if what slurmd later detects differs (e.g. memory in a container).
# - ProctrackType=proctrack/linuxproc, TaskPlugin=task/none, JobAcctGatherType=jobacct_gather/none: no cgroup
#   plugin, no cgroup.conf, nothing that needs systemd or a delegated cgroup tree.
# - SelectType=select/cons_tres with CR_Core: each array element takes one core, so elements run side by side;
#   memory is not a consumable resource, so elements do not reserve the whole node's memory.
# - AccountingStorageType=accounting_storage/none, JobCompType=jobcomp/none: no slurmdbd, hence no sacct; finished
#   jobs are visible only in the controller's memory, through `squeue -t all` and `scontrol show job`.
# - MinJobAge=3600: finished jobs (COMPLETED/FAILED/TIMEOUT/CANCELLED) stay in that memory for an hour (default 300 s).
# - AuthInfo cred_expire=10: a requeued job waits cred_expire seconds before it may start again (default 120 s).
# - SchedulerParameters=sched_interval=2,bf_interval=2: a job whose begin time passes (a requeued one) starts only at
#   the next periodic pass of the main or backfill scheduler (defaults 60 s and 30 s), as no event wakes them.
# - KillWait=5: on timeout or scancel, SIGKILL follows SIGTERM after 5 s (default 30 s).
# - SlurmUser=root, SlurmdUser=root: no slurm user or ownership juggling; jobs run as the submitting user (root here;
#   DisableRootJobs is NO by default).
# - ReturnToService=2: a node that was DOWN (e.g. slurmd restarted) becomes usable again when it registers.
# - MpiDefault=none. slurmd still loads every MPI plugin at start and logs "mpi/pmix_v4: ... can not load PMIx
#   library": harmless, as no job uses PMIx.
# - MailProg=/bin/true: no mail program is needed.
set -euo pipefail

DIR="${1:-${SLURM_CI_DIR:-/tmp/slurm-ci}}"
TIMEOUT="${SLURM_CI_TIMEOUT:-30}"
CTLD_PORT="${SLURM_CI_CTLD_PORT:-6817}"
SLURMD_PORT="${SLURM_CI_SLURMD_PORT:-6818}"
MIN_JOB_AGE="${SLURM_CI_MIN_JOB_AGE:-3600}"
CRED_EXPIRE="${SLURM_CI_CRED_EXPIRE:-10}"
NODE=localhost
HERE="$(cd "$(dirname "$0")" && pwd)"

say() { echo "slurm_up: $*" >&2; }
CLEANUP=0 # set once this run starts daemons: on failure they are stopped again (their logs stay in DIR/log)
die() {
  say "error: $*"
  ((CLEANUP)) && "$HERE/slurm_down.sh" "$DIR" >&2
  exit 1
}

[[ "$(id -u)" == 0 ]] || die "must run as root (the daemons run as root here)"
for cmd in munged munge unmunge slurmctld slurmd sinfo scontrol; do
  command -v "$cmd" >/dev/null || die "'$cmd' not found: apt-get install -y slurm-wlm munge"
done

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
[[ "$DIR" != / ]] || die "DIR must not be /"
CONF="$DIR/slurm.conf"
SOCKET="$DIR/munge/munge.socket"
export SLURM_CONF="$CONF"
start_s=$(date +%s.%N)

# is_ours NAME: NAME's pid file under DIR names a live process whose command line mentions this DIR.
is_ours() {
  local pid cmd
  pid="$(cat "$DIR/log/$1.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1 # empty for a zombie
  [[ "$cmd" == *"$DIR/"* ]]
}

node_state() { timeout 5 sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | awk 'NR == 1'; }

if is_ours munged && is_ours slurmctld && is_ours slurmd && [[ "$(node_state)" =~ ^(idle|mixed|allocated)$ ]]; then
  say "already up in $DIR (node $(node_state))"
  echo "export SLURM_CONF=$CONF"
  exit 0
fi

# Something is missing or not answering: stop what is left of this DIR's cluster, then start from scratch.
"$HERE/slurm_down.sh" "$DIR" >&2
rm -rf "$DIR/state" "$DIR/spool" "$DIR/log"
mkdir -p "$DIR/munge" "$DIR/state" "$DIR/spool" "$DIR/log"
chmod 0755 "$DIR/munge"

# --- munge: a private key and daemon -------------------------------------------------------------------------------
if [[ ! -s "$DIR/munge/munge.key" ]]; then
  # mungekey ships with munge >= 0.5.14; dd is the fallback for older ones
  mungekey --create --keyfile="$DIR/munge/munge.key" 2>/dev/null ||
    dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
fi
chown root:root "$DIR/munge/munge.key"
chmod 0600 "$DIR/munge/munge.key"
rm -f "$SOCKET" "$SOCKET.lock"
CLEANUP=1
munged --socket="$SOCKET" --key-file="$DIR/munge/munge.key" --pid-file="$DIR/log/munged.pid" \
  --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed" \
  </dev/null >>"$DIR/log/munged.out" 2>&1 ||
  die "munged did not start: $(cat "$DIR/log/munged.out")"$'\n'"$(tail -n 20 "$DIR/munge/munged.log" 2>/dev/null)"
for _ in $(seq 50); do
  munge -S "$SOCKET" -n 2>/dev/null | unmunge -S "$SOCKET" >/dev/null 2>&1 && break
  sleep 0.1
done
munge -S "$SOCKET" -n | unmunge -S "$SOCKET" >/dev/null || die "munged does not answer on $SOCKET"

# --- slurm.conf --------------------------------------------------------------------------------------------------
# `slurmd -C` prints e.g. "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1
# RealMemory=24105"; keep everything but its NodeName.
hw="$(env -u SLURM_CONF slurmd -C | awk 'NR == 1 {
  for (i = 1; i <= NF; i++) if ($i ~ /^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=/) printf "%s ", $i
}')"
[[ "$hw" == *CPUs=* ]] || die "could not read the node's hardware from 'slurmd -C'"
cat >"$CONF" <<EOF
# Written by .ci/slurm_up.sh: a one-node CI cluster; see the comments at the top of that script.
ClusterName=ci
SlurmctldHost=$NODE
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CryptoType=crypto/munge
AuthInfo=socket=$SOCKET,cred_expire=$CRED_EXPIRE
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/log/slurmctld.pid
SlurmdPidFile=$DIR/log/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
MinJobAge=$MIN_JOB_AGE
KillWait=5
InactiveLimit=0
MailProg=/bin/true
NodeName=$NODE NodeAddr=127.0.0.1 ${hw}State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF

# --- daemons -----------------------------------------------------------------------------------------------------
# Both daemonise and write their pid files; stdio goes to files so that a caller reading our stdout
# (`eval "$(...)"`, a Deno.Command pipe) does not wait on the daemons.
slurmctld -f "$CONF" </dev/null >>"$DIR/log/slurmctld.out" 2>&1 || die "slurmctld failed: $(cat "$DIR/log/slurmctld.out")"
slurmd -f "$CONF" -N "$NODE" </dev/null >>"$DIR/log/slurmd.out" 2>&1 || die "slurmd failed: $(cat "$DIR/log/slurmd.out")"

show_logs() {
  local f
  for f in "$DIR"/log/*.log "$DIR"/log/*.out "$DIR/munge/munged.log"; do
    [[ -s "$f" ]] && { echo "----- $f (last 30 lines)"; tail -n 30 "$f"; }
  done >&2
  return 0
}

state=""
deadline=$(($(date +%s) + TIMEOUT))
while (($(date +%s) < deadline)); do
  state="$(node_state || true)"
  [[ "$state" == idle ]] && break
  for d in slurmctld slurmd; do
    # a daemon that wrote its pid file and then died will not come back: fail now rather than at the deadline
    if [[ -s "$DIR/log/$d.pid" ]] && ! is_ours "$d"; then
      show_logs
      die "$d exited during startup (logs above)"
    fi
  done
  sleep 0.2
done
if [[ "$state" != idle ]]; then
  show_logs
  die "node '$NODE' not idle after ${TIMEOUT}s (sinfo state: '${state:-no answer}'; logs above)"
fi
if ! { is_ours munged && is_ours slurmctld && is_ours slurmd; }; then
  show_logs
  die "a daemon's pid file is missing or stale"
fi

say "up in $(awk -v a="$start_s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s: node $NODE idle, SLURM_CONF=$CONF"
echo "export SLURM_CONF=$CONF"
