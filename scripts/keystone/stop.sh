#!/bin/bash
# stop.sh DIR -- stop the uwsgi that start.sh started for DIR.
#
# usage: scripts/keystone/stop.sh /tmp/ks
#
# Uses ONLY the PID in DIR/run/uwsgi.pid (never a process name), after
# checking that this PID is still a uwsgi started with that pidfile (a
# stale pidfile whose PID was reused is ignored). Sends SIGTERM to the
# master (started with --die-on-term), waits until the master and its
# worker processes are gone; after KS_STOP_TIMEOUT (default 15 s) it sends
# SIGKILL to those same PIDs. Exit 0 when nothing of it is left running
# (also when it was not running).
set -euo pipefail
DIR=${1:?usage: stop.sh DIR}
TIMEOUT=${KS_STOP_TIMEOUT:-15}
PIDFILE="$DIR/run/uwsgi.pid"
log() { echo "[stop] $*" >&2; }

[ -s "$PIDFILE" ] || { log "no pidfile $PIDFILE: not running"; exit 0; }
PID=$(cat "$PIDFILE")
case "$PID" in ''|*[!0-9]*) log "bad pidfile content '$PID'"; rm -f "$PIDFILE"; exit 1 ;; esac
ours() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q -- "uwsgi.*$PIDFILE"; }
if ! kill -0 "$PID" 2>/dev/null || ! ours "$PID"; then
  log "PID $PID is not running (or is not our uwsgi): removing stale pidfile"
  rm -f "$PIDFILE"; exit 0
fi

# workers are the master's children; remember them to wait for them too
KIDS=$(pgrep -P "$PID" || true)
alive() { local p; for p in "$PID" $KIDS; do kill -0 "$p" 2>/dev/null && ours "$p" && return 0; done; return 1; }

kill -TERM "$PID" 2>/dev/null || true
end=$(( $(date +%s) + TIMEOUT ))
while alive && [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done
if alive; then
  log "still alive after ${TIMEOUT}s: SIGKILL $PID $KIDS"
  for p in "$PID" $KIDS; do
    if ours "$p"; then kill -KILL "$p" 2>/dev/null || true; fi
  done
  for _ in $(seq 1 50); do alive || break; sleep 0.1; done
fi
if alive; then log "could not stop $PID"; exit 1; fi
rm -f "$PIDFILE"
log "stopped $PID"
