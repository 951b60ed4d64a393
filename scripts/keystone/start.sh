#!/bin/bash
# start.sh DIR PORT [WORKERS] -- start the Keystone prepared by setup.sh.
#
# usage: PID=$(scripts/keystone/start.sh /tmp/ks 5000 2)
#        PID=$(KS_PORT_FILE=/tmp/ks.port scripts/keystone/start.sh /tmp/ks auto 2)
#        PORT=$(cat /tmp/ks.port)
#
# Runs Keystone's public WSGI app under uwsgi on 127.0.0.1:PORT, detached
# (setsid: own session, survives the calling shell), waits until every
# worker has loaded the app and GET /v3 answers 200, and prints ONLY the
# uwsgi master PID on stdout (all messages go to stderr). Stop it with
# stop.sh DIR (or kill PID).
#
# PORT: a number, or "auto" = a free loopback port chosen now (retried up
#   to 3 times if someone else grabs it first). The port used is always
#   written to DIR/run/port, and also to $KS_PORT_FILE when that is set.
# WORKERS (default 1): uwsgi processes. 2 doubles throughput on 2 cores,
#   but keystone's per-process memory cache can then serve stale
#   roles/projects after CRUD through another worker (tokens are never
#   cached, so rotation/revocation are seen at once by all workers).
# The catalog holds the port: if it differs from the last one, the
#   identity endpoints are re-pointed in the sqlite DB before start (ms;
#   `keystone-manage bootstrap` would do the same in ~3.5 s).
# Access log: DIR/log/uwsgi.log, truncated at every start; one line per
#   request, e.g. "POST /v3/auth/tokens => generated ..." (ksa_load.py counts
#   those). Keystone's own log: DIR/log/keystone.log.
#
# Env: KS_THREADS (default 1; >1 works but logs harmless sqlite "objects
#        created in a thread" NullPool errors)
#      KS_SOCKET (default http-socket = uwsgi closes the connection after
#        each response; http11-socket = keep-alive, but then an idle
#        keep-alive client pins a 1-thread worker and others wait ~4 s)
#      KS_START_TIMEOUT (default 60 s)   KS_PORT_FILE (see PORT)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
USAGE="usage: start.sh DIR PORT|auto [WORKERS]"
DIR=${1:?$USAGE}
PORT_ARG=${2:?$USAGE}
WORKERS=${3:-1}
THREADS=${KS_THREADS:-1}
TIMEOUT=${KS_START_TIMEOUT:-60}
SOCKET=${KS_SOCKET:-http-socket}
log() { echo "[start] $*" >&2; }

[ -d "$DIR" ] || { log "no directory $DIR; run setup.sh first"; exit 1; }
DIR=$(cd "$DIR" && pwd)
CONF="$DIR/keystone.conf"
PIDFILE="$DIR/run/uwsgi.pid"
ULOG="$DIR/log/uwsgi.log"
if [ ! -f "$CONF" ] || [ ! -f "$DIR/run/setup.done" ]; then
  log "$DIR is not set up (no keystone.conf or run/setup.done); run setup.sh first"; exit 1
fi
[ -x /usr/bin/uwsgi ] || { log "/usr/bin/uwsgi missing; run install.sh"; exit 1; }
case "$WORKERS" in ''|*[!0-9]*|0) log "WORKERS must be a positive number"; exit 2 ;; esac
case "$PORT_ARG" in auto) ;; ''|*[!0-9]*) log "PORT must be a number or 'auto'"; exit 2 ;; esac

if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null \
   && tr '\0' ' ' < "/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null | grep -q uwsgi; then
  log "already running with PID $(cat "$PIDFILE") (stop.sh $DIR first)"; exit 1
fi
rm -f "$PIDFILE"

port_free() {  # can we bind 127.0.0.1:$1 (as uwsgi will, with SO_REUSEADDR)?
  /usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
' "$1"
}

repoint_catalog() {  # identity endpoints -> http://127.0.0.1:$1/v3 (server is down)
  local port=$1
  [ "$(cat "$DIR/run/catalog_port" 2>/dev/null)" = "$port" ] && return 0
  local url="http://127.0.0.1:$port/v3"
  log "re-pointing catalog endpoints to $url"
  if ! /usr/bin/python3 - "$DIR/keystone.db" "$url" <<'PY'
import sqlite3, sys
db, url = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db, timeout=30)
with c:
    n = c.execute(
        "UPDATE endpoint SET url = ? WHERE region_id = 'RegionOne' AND "
        "url LIKE 'http://127.0.0.1:%/v3' AND service_id IN "
        "(SELECT id FROM service WHERE type = 'identity')", (url,)).rowcount
if n != 3:
    sys.exit('expected 3 identity endpoints, updated %d' % n)
PY
  then
    log "sqlite update failed; falling back to keystone-manage bootstrap (~4 s)"
    local pw
    # shellcheck disable=SC1091
    pw=$(. "$DIR/openrc"; echo "$OS_PASSWORD")
    keystone-manage --config-file "$CONF" bootstrap --bootstrap-password "$pw" \
      --bootstrap-region-id RegionOne --bootstrap-admin-url "$url" \
      --bootstrap-public-url "$url" --bootstrap-internal-url "$url" \
      >>"$DIR/log/manage.log" 2>&1 || { log "bootstrap failed; see $DIR/log/manage.log"; exit 1; }
  fi
  echo "$port" > "$DIR/run/catalog_port"
  sed -i "s#^export OS_AUTH_URL=.*#export OS_AUTH_URL=$url#" "$DIR/openrc"
}

# uwsgi in http-socket mode closes the connection after each response but
# does not say so; keep-alive clients (python requests, .NET
# SocketsHttpHandler) then reuse a closed socket under load and see
# "connection reset". Say it with a Connection: close header.
CLOSE_HDR=()
[ "$SOCKET" = http-socket ] && CLOSE_HDR=(--add-header "Connection: close")

# launch PORT -> 0 ready (sets PID), 1 failed, 3 address in use
launch() {
  local port=$1
  : > "$ULOG"
  OS_KEYSTONE_CONFIG_FILES="$CONF" setsid /usr/bin/uwsgi \
    --plugins python3 \
    "--$SOCKET" "127.0.0.1:$port" \
    --wsgi-file /usr/bin/keystone-wsgi-public \
    --master --processes "$WORKERS" --threads "$THREADS" \
    --lazy-apps --die-on-term --no-orphans --need-app \
    --buffer-size 65535 --listen 100 \
    "${CLOSE_HDR[@]}" \
    --pidfile "$PIDFILE" --logto "$ULOG" \
    </dev/null >/dev/null 2>&1 &
  PID=$!
  local deadline=$(( $(date +%s) + TIMEOUT )) ready
  while :; do
    if ! kill -0 "$PID" 2>/dev/null; then
      wait "$PID" 2>/dev/null || true
      rm -f "$PIDFILE"
      grep -q -i 'address already in use' "$ULOG" && return 3
      log "uwsgi exited; tail of $ULOG:"; tail -30 "$ULOG" >&2; return 1
    fi
    # ready = every worker has loaded the app AND /v3 answers 200
    ready=$(grep -c 'WSGI app 0 (mountpoint=.*) ready' "$ULOG" || true)
    if [ "$ready" -ge "$WORKERS" ] && \
       [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v3")" = 200 ]; then
      # the master wrote its own PID: trust it over $! (same PID unless
      # setsid had to fork because we were a process-group leader)
      [ -s "$PIDFILE" ] && PID=$(cat "$PIDFILE")
      return 0
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "not ready after ${TIMEOUT}s; stopping $PID; tail of $ULOG:"; tail -15 "$ULOG" >&2
      kill "$PID" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$PID" 2>/dev/null || true
      rm -f "$PIDFILE"
      return 1
    fi
    sleep 0.1
  done
}

T0=$(date +%s%N)
tries=1; [ "$PORT_ARG" = auto ] && tries=3
for attempt in $(seq 1 "$tries"); do
  if [ "$PORT_ARG" = auto ]; then PORT=$("$HERE/free-port.sh"); else PORT=$PORT_ARG; fi
  port_free "$PORT" || {
    [ "$PORT_ARG" = auto ] && continue
    log "port $PORT on 127.0.0.1 is already in use"; exit 1; }
  repoint_catalog "$PORT"
  rc=0; launch "$PORT" || rc=$?
  [ $rc -eq 0 ] && break
  if [ $rc -eq 3 ]; then
    log "port $PORT taken before uwsgi could bind it (attempt $attempt/$tries)"
    [ "$attempt" -lt "$tries" ] && continue
  fi
  exit 1
done
[ "${rc:-1}" -eq 0 ] || { log "could not start"; exit 1; }

echo "$PORT" > "$DIR/run/port"
[ -n "${KS_PORT_FILE:-}" ] && echo "$PORT" > "$KS_PORT_FILE"
T1=$(date +%s%N)
log "ready on http://127.0.0.1:$PORT/v3 in $(( (T1 - T0) / 1000000 )) ms (pid=$PID workers=$WORKERS threads=$THREADS)"
echo "$PID"
