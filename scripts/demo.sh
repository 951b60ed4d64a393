#!/bin/bash
# demo.sh -- install and start a throw-away OpenStack Keystone on 127.0.0.1,
# run a sample against it (samples/QuickStart by default), and stop the
# server (always).
#
# usage: scripts/demo.sh              # samples/QuickStart
#        scripts/demo.sh Telemetry    # samples/Telemetry: the same calls with
#                                     # OpenTelemetry's console exporter wired to
#                                     # the library's meter and activity source
#
# QuickStart shows: the first call makes one token POST; the next 100 calls
# reuse the cached token (0 POSTs); after every fernet key is replaced
# (scripts/keystone/invalidate-all-keys.sh) the next call is recovered
# transparently (one 401, one POST, one resend; the caller sees 200).
#
# Needs: Debian 12 (the Keystone packages are installed by
# scripts/keystone/install.sh, as root or via sudo) and the .NET SDK.
# Env: KS_DEMO_DIR (default /tmp/keystone-auth-demo) -- reused by later runs,
#      so only the first run installs and sets up (~2 min on a bare machine).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KS="$ROOT/scripts/keystone"
DIR=${KS_DEMO_DIR:-/tmp/keystone-auth-demo}
SAMPLE=${1:-QuickStart}
[ -d "$ROOT/samples/$SAMPLE" ] || { echo "demo: no sample samples/$SAMPLE" >&2; exit 2; }
say() { printf '\n== %s\n' "$*" >&2; }

command -v dotnet >/dev/null 2>&1 || { echo "demo: dotnet (the .NET SDK) is not on PATH" >&2; exit 1; }

say "Installing and setting up Keystone in $DIR (only what is missing)"
"$KS/ensure.sh" "$DIR"

# Build before starting the server, so a build error leaves nothing running.
say "Building samples/$SAMPLE"
dotnet build "$ROOT/samples/$SAMPLE" -c Release --nologo -v quiet -clp:NoSummary

cleanup() {
  local rc=$?
  say "Stopping Keystone"
  "$KS/stop.sh" "$DIR" || true
  exit $rc
}
trap cleanup EXIT
# A server left by an interrupted earlier demo (same DIR) would block start.sh.
"$KS/stop.sh" "$DIR" 2>/dev/null || true

say "Starting Keystone on a free port of 127.0.0.1 (2 uwsgi workers)"
PID=$("$KS/start.sh" "$DIR" auto 2)
echo "uwsgi master PID $PID, port $(cat "$DIR/run/port")" >&2

# shellcheck disable=SC1091  # written by setup.sh, re-pointed by start.sh
. "$DIR/openrc"
export KEYSTONE_DIR="$DIR" KEYSTONE_SCRIPTS_ROOT="$ROOT"

say "Running samples/$SAMPLE as $OS_USERNAME on $OS_AUTH_URL"
dotnet run --project "$ROOT/samples/$SAMPLE" -c Release --no-build
