#!/usr/bin/env bash
# scripts/test.sh — the ONE command that runs every test of the project.
#
# 1. installs what the tests need from the machine's package manager
#    (a real OpenStack Keystone and redis-server from Debian packages, for the
#    integration tests),
# 2. restores NuGet packages and builds the solution (Release, warnings = errors),
# 3. runs every test project: unit, fault-injection, hosting and the integration
#    tests against a real Keystone on 127.0.0.1 (the test fixtures start and stop
#    the server themselves); the unit, caching, fault and hosting suites run
#    twice, on net10.0 and on net8.0 (self-contained with the 8.0 runtime pack
#    from the NuGet feed, see tests/Directory.Build.props),
# 4. packs the NuGet packages and builds a consumer against the packed packages,
# 5. publishes samples/QuickStart with Native AOT and runs the native binary
#    against a local Keystone, key replacement included (scripts/aot/check.sh).
#
# Ends with a line "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "dotnet SDK not found on PATH (.NET 10 SDK required)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== installing system packages for the local Keystone and Redis"
scripts/keystone/install.sh
scripts/redis/install.sh
scripts/aot/install.sh

echo "== restore and build"
dotnet restore Keystone.sln
dotnet build Keystone.sln -c Release --no-restore

echo "== tests"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
set +e
dotnet test Keystone.sln -c Release --no-build 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, ...").
passed=$(grep -Eo 'Passed: +[0-9]+' "$LOG" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$LOG" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
# Each leg on its own line, so a missing .NET 8 leg shows.
for tfm in net10.0 net8.0; do
  { grep -E "(Passed|Failed)! .*\($tfm\)\s*$" "$LOG" || true; } \
    | awk -v t="$tfm" '{for (i=1;i<=NF;i++) {if ($i=="Passed:") p+=$(i+1); if ($i=="Failed:") f+=$(i+1)}; n++}
        END {printf "  %s: %d assemblies, %d passed, %d failed\n", t, n, p, f}'
done

if [ "$status" -eq 0 ] && [ -x scripts/pack-check.sh ]; then
  echo "== packages"
  if scripts/pack-check.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
fi

if [ "$status" -eq 0 ]; then
  echo "== Native AOT"
  if scripts/aot/check.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
fi

echo "tests: $passed passed, $failed failed"
exit "$status"
