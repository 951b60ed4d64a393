#!/bin/bash
# stop.sh DIR -- stop the redis-server that start.sh started for DIR.
#
# usage: scripts/redis/stop.sh /tmp/rs
#
# Uses ONLY the PID in DIR/redis.pid (never a process name), after checking
# that it is still a redis-server listening on the port in DIR/port (a stale
# pidfile whose PID was reused is ignored). SIGTERM (no snapshot is taken
# unless started with RS_PERSIST=1), waits, and SIGKILL after
# RS_STOP_TIMEOUT (default 10 s). Exit 0 when it is gone (also when it was
# not running). The system redis service, if any, is never touched.
set -euo pipefail
DIR=${1:?usage: stop.sh DIR}
TIMEOUT=${RS_STOP_TIMEOUT:-10}
PIDFILE="$DIR/redis.pid"
log() { echo "[redis-stop] $*" >&2; }

[ -s "$PIDFILE" ] || { log "no pidfile $PIDFILE: not running"; exit 0; }
PID=$(cat "$PIDFILE")
case "$PID" in ''|*[!0-9]*) log "bad pidfile content '$PID'"; rm -f "$PIDFILE"; exit 1 ;; esac
PORT=$(cat "$DIR/port" 2>/dev/null || echo '?')
# redis sets its title to "redis-server 127.0.0.1:PORT"
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -Eq "^(/usr/bin/)?redis-server 127\.0\.0\.1:$PORT( |$)"; }
if ! kill -0 "$PID" 2>/dev/null || ! ours "$PID"; then
  log "PID $PID is not running (or is not our redis-server on $PORT): removing stale pidfile"
  rm -f "$PIDFILE"; exit 0
fi

kill -TERM "$PID" 2>/dev/null || true
end=$(( $(date +%s) + TIMEOUT ))
while kill -0 "$PID" 2>/dev/null && ours "$PID" && [ "$(date +%s)" -lt "$end" ]; do sleep 0.05; done
if kill -0 "$PID" 2>/dev/null && ours "$PID"; then
  log "still alive after ${TIMEOUT}s: SIGKILL $PID"
  kill -KILL "$PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
fi
if kill -0 "$PID" 2>/dev/null && ours "$PID"; then log "could not stop $PID"; exit 1; fi
rm -f "$PIDFILE"
log "stopped $PID (port $PORT)"
