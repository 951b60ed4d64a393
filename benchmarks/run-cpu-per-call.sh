#!/bin/bash
# run-cpu-per-call.sh [DIR] -- client CPU per call, this library under several
# runtime/transport settings vs keystoneauth1, on the same real Keystone in
# the same run (issue 14).
#
# usage: benchmarks/run-cpu-per-call.sh /tmp/ks-cpu
#        CPU_CALLS=2000 CPU_ROUNDS=2 benchmarks/run-cpu-per-call.sh /tmp/ks-cpu
#
# Starts the Keystone under DIR (scripts/keystone/ensure.sh installs/sets it up
# when missing) on a free loopback port with 2 uwsgi workers and always stops
# it. Each round runs every client once, in the same order, CPU_CALLS
# sequential GETs each after 200 warm-up calls; one JSON line per run, then a
# table of medians and each .NET setting's ratio to keystoneauth1's median.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/ks-cpu}
CALLS=${CPU_CALLS:-2000}
ROUNDS=${CPU_ROUNDS:-2}
scripts/keystone/ensure.sh "$DIR" >&2
scripts/keystone/start.sh "$DIR" auto 2 >/dev/null
trap 'scripts/keystone/stop.sh "$DIR" >&2 || true' EXIT
dotnet build benchmarks/Keystone.Auth.Fleet -c Release -v q --nologo >&2
DLL=benchmarks/Keystone.Auth.Fleet/bin/Release/net10.0/Keystone.Auth.Fleet.dll
# shellcheck disable=SC1091
. "$DIR/openrc"
OUT="$DIR/cpu-per-call.jsonl"
: > "$OUT"
for r in $(seq "$ROUNDS"); do
  echo "round $r" >&2
  /usr/bin/python3 benchmarks/ksa/ksa_cpu.py --calls "$CALLS" | tee -a "$OUT"
  dotnet "$DLL" --cpu-per-call "$CALLS" | tee -a "$OUT"
  dotnet "$DLL" --cpu-per-call "$CALLS" --raw | tee -a "$OUT"
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 dotnet "$DLL" --cpu-per-call "$CALLS" | tee -a "$OUT"
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 dotnet "$DLL" --cpu-per-call "$CALLS" --raw | tee -a "$OUT"
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet "$DLL" --cpu-per-call "$CALLS" | tee -a "$OUT"
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_TieredPGO=0 dotnet "$DLL" --cpu-per-call "$CALLS" | tee -a "$OUT"
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 dotnet "$DLL" --cpu-per-call "$CALLS" --connection-close | tee -a "$OUT"
done
/usr/bin/python3 - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
groups = {}
for r in rows:
    groups.setdefault((r['client'], r['settings']), []).append(r)
ksa = [statistics.median(x['cpu_us_per_call'] for x in v) for (c, s), v in groups.items() if c.startswith('keystoneauth1')]
base = ksa[0] if ksa else None
print()
print('| client | settings | runs | CPU per call, µs (median; all runs) | wall per call, ms | ratio to keystoneauth1 |')
print('| --- | --- | --: | --: | --: | --: |')
for (c, s), v in groups.items():
    cpu = statistics.median(x['cpu_us_per_call'] for x in v)
    wall = statistics.median(x['wall_ms_per_call'] for x in v)
    runs = ', '.join('%.0f' % x['cpu_us_per_call'] for x in v)
    ratio = '%.2fx' % (cpu / base) if base else '-'
    print('| %s | %s | %d | %.0f (%s) | %.2f | %s |' % (c, s, len(v), cpu, runs, wall, ratio))
PY
