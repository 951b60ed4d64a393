#!/bin/bash
# run-fleet.sh KS_DIR [RS_DIR] -- token POSTs of a fleet of processes, with
# and without the shared Redis tier, on a real Keystone with a key rotation.
#
# usage: benchmarks/run-fleet.sh /tmp/ks-fleet              # without the tier only
#        benchmarks/run-fleet.sh /tmp/ks-fleet /tmp/rs-fleet  # also with it (starts Redis there)
#
# For each P in FLEET_PROCESSES (default "1 2 4 8"): samples/SubcloudAudit
# --processes P --workers FLEET_WORKERS (16) --seconds FLEET_SECONDS (8),
# every fernet key replaced at half time. Keystone (2 uwsgi workers) and
# Redis are started on free loopback ports and always stopped. The POSTs
# printed are counted on each worker's wire; the script also prints the
# access-log count of the whole run as a cross-check.
set -euo pipefail
cd "$(dirname "$0")/.."
KS_DIR=${1:?usage: run-fleet.sh KS_DIR [RS_DIR]}
RS_DIR=${2:-}
PROCESSES=${FLEET_PROCESSES:-1 2 4 8}
WORKERS=${FLEET_WORKERS:-16}
SECONDS_EACH=${FLEET_SECONDS:-8}

scripts/keystone/ensure.sh "$KS_DIR" >&2
scripts/keystone/start.sh "$KS_DIR" auto 2 >/dev/null
trap 'scripts/keystone/stop.sh "$KS_DIR" >&2 || true; [ -n "$RS_DIR" ] && scripts/redis/stop.sh "$RS_DIR" >&2 || true' EXIT
if [ -n "$RS_DIR" ]; then
  scripts/redis/install.sh >&2
  scripts/redis/start.sh "$RS_DIR" auto >/dev/null
  # by environment, so the password is on no command line
  export KEYSTONE_AUTH_REDIS="127.0.0.1:$(cat "$RS_DIR/port"),password=$(cat "$RS_DIR/password")"
fi

dotnet build samples/SubcloudAudit -c Release -v q --nologo >&2
# shellcheck disable=SC1091
. "$KS_DIR/openrc"
for p in $PROCESSES; do
  before=$(grep -c 'POST /v3/auth/tokens' "$KS_DIR/log/uwsgi.log" || true)
  echo "== P=$p"
  dotnet samples/SubcloudAudit/bin/Release/net10.0/SubcloudAudit.dll --processes "$p" --workers "$WORKERS" \
    --seconds "$SECONDS_EACH" --keystone-dir "$KS_DIR" || echo "   (a run had failed calls: see above)"
  sleep 1  # uwsgi logs a request after its response
  after=$(grep -c 'POST /v3/auth/tokens' "$KS_DIR/log/uwsgi.log" || true)
  echo "   Keystone's access log: $((after - before)) token POSTs in this P=$p run (all rows)"
done
