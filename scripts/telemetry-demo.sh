#!/bin/bash
# telemetry-demo.sh -- start a throw-away OpenStack Keystone on 127.0.0.1 (as
# scripts/demo.sh does), run samples/Telemetry against it, and stop the server.
#
# usage: scripts/telemetry-demo.sh
#
# The sample wires OpenTelemetry (OpenTelemetry.Extensions.Hosting and the
# console exporter) to the library's meter and activity source and calls the
# identity API through the IHttpClientFactory handler: 20 calls, a full fernet
# key replacement, 20 calls. The console shows one Keystone.Auth.TokenRequest
# activity per token POST (2) and, at exit, every instrument that was used.
#
# Env: KS_DEMO_DIR (default /tmp/keystone-auth-demo), shared with demo.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KS="$ROOT/scripts/keystone"
DIR=${KS_DEMO_DIR:-/tmp/keystone-auth-demo}
say() { printf '\n== %s\n' "$*" >&2; }

command -v dotnet >/dev/null 2>&1 || { echo "telemetry-demo: dotnet (the .NET SDK) is not on PATH" >&2; exit 1; }

say "Installing and setting up Keystone in $DIR (only what is missing)"
"$KS/ensure.sh" "$DIR"

say "Building samples/Telemetry"
dotnet build "$ROOT/samples/Telemetry" -c Release --nologo -v quiet -clp:NoSummary

cleanup() {
  local rc=$?
  say "Stopping Keystone"
  "$KS/stop.sh" "$DIR" || true
  exit $rc
}
trap cleanup EXIT
"$KS/stop.sh" "$DIR" 2>/dev/null || true

say "Starting Keystone on a free port of 127.0.0.1"
PID=$("$KS/start.sh" "$DIR" auto 2)
echo "uwsgi master PID $PID, port $(cat "$DIR/run/port")" >&2

# shellcheck disable=SC1091  # written by setup.sh, re-pointed by start.sh
. "$DIR/openrc"
export KEYSTONE_DIR="$DIR" KEYSTONE_SCRIPTS_ROOT="$ROOT"

say "Running samples/Telemetry as $OS_USERNAME on $OS_AUTH_URL"
dotnet run --project "$ROOT/samples/Telemetry" -c Release --no-build
