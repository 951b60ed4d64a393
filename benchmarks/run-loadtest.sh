#!/bin/bash
# run-loadtest.sh [DIR] -- Keystone.Auth vs raw HttpClient vs Python keystoneauth1
# against a real local Keystone, one table at the end.
#
# usage: benchmarks/run-loadtest.sh              # Keystone under /tmp/ks-loadtest
#        benchmarks/run-loadtest.sh /tmp/ks       # or an existing/new DIR
#
# 1. scripts/keystone/ensure.sh DIR (install + setup only when missing)
# 2. builds benchmarks/Keystone.Auth.LoadTest (Release; KS_ARTIFACTS honoured)
# 3. starts Keystone on a free 127.0.0.1 port with 2 uwsgi workers; a trap
#    stops it on any exit
# 4. Keystone.Auth.LoadTest: per W in $LT_WORKERS a cold start of W workers
#    with every fernet key replaced at $LT_ROTATE_AT s (scenarios 1+2), then
#    sustained GETs, raw HttpClient with a fixed token vs this library
#    (scenario 3)
# 5. benchmarks/ksa/ksa_load.py (keystoneauth1 + distcloud's cache keyed by
#    auth URL): the same cold+rotate runs and sustained GETs (scenario 4)
# 6. prints one table (and keeps the raw JSON lines in DIR/loadtest.jsonl)
# Token POSTs are counted by the server (DIR/log/uwsgi.log), never by a client.
#
# Env (defaults): LT_WORKERS="8 32 128"  LT_SECONDS=6  LT_ROTATE_AT=3
#                 LT_SUSTAINED_WORKERS=16  LT_SUSTAINED_SECONDS=6
#                 (seconds per client; the .NET run alternates raw/lib/raw/lib
#                 in slices of half that, so drift in machine load hits both)
# Takes ~1.5 min with the defaults (plus the build; plus ~2 min of apt on a
# bare machine).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
KS="$ROOT/scripts/keystone"
DIR=${1:-/tmp/ks-loadtest}
WORKERS=${LT_WORKERS:-8 32 128}
SECONDS_RUN=${LT_SECONDS:-6}
ROTATE_AT=${LT_ROTATE_AT:-3}
SWORKERS=${LT_SUSTAINED_WORKERS:-16}
SSECONDS=${LT_SUSTAINED_SECONDS:-6}
log() { echo "[loadtest] $*" >&2; }

"$KS/ensure.sh" "$DIR"
DIR=$(cd "$DIR" && pwd)

PROJ="$ROOT/benchmarks/Keystone.Auth.LoadTest/Keystone.Auth.LoadTest.csproj"
log "building $(basename "$PROJ") (Release)"
dotnet build "$PROJ" -c Release -nologo -v q >&2
DLL=$(dotnet msbuild "$PROJ" -nologo -p:Configuration=Release -getProperty:TargetPath)
[ -f "$DLL" ] || { log "built program not found at '$DLL'"; exit 1; }

"$KS/stop.sh" "$DIR" 2>/dev/null || true
trap '"$KS/stop.sh" "$DIR" || true' EXIT
"$KS/start.sh" "$DIR" auto 2 >/dev/null
# shellcheck disable=SC1091
. "$DIR/openrc"   # exports OS_AUTH_URL (re-pointed to the chosen port), OS_USERNAME, OS_PASSWORD, ...
log "Keystone at $OS_AUTH_URL"

OUT="$DIR/loadtest.jsonl"
: > "$OUT"
W_CSV=$(echo "$WORKERS" | tr ' ' ',')
KS_REPO_ROOT="$ROOT" dotnet "$DLL" --keystone-dir "$DIR" --workers "$W_CSV" \
  --seconds "$SECONDS_RUN" --rotate-at "$ROTATE_AT" \
  --sustained-workers "$SWORKERS" --sustained-seconds "$SSECONDS" >> "$OUT"

KSA=(/usr/bin/python3 "$HERE/ksa/ksa_load.py" --auth-url "$OS_AUTH_URL"
     --username "$OS_USERNAME" --password "$OS_PASSWORD" --project "$OS_PROJECT_NAME"
     --user-domain "$OS_USER_DOMAIN_NAME" --project-domain "$OS_PROJECT_DOMAIN_NAME"
     --keystone-dir "$DIR")
for w in $WORKERS; do
  log "keystoneauth1 cold+rotate, $w workers"
  "${KSA[@]}" --workers "$w" --seconds "$SECONDS_RUN" --rotate-at "$ROTATE_AT" >> "$OUT" \
    || log "ksa_load.py (rotate, $w workers) exited non-zero"
done
log "keystoneauth1 sustained, $SWORKERS workers"
"${KSA[@]}" --scenario sustained --workers "$SWORKERS" --seconds "$SSECONDS" >> "$OUT" \
  || log "ksa_load.py (sustained) exited non-zero"

/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith('{')]
def norm(r):
    if 'client' not in r:  # ksa_load.py
        r['client'] = 'keystoneauth1 (distcloud cache)'
        r['scenario'] = {'rotate': 'cold+rotate'}.get(r['scenario'], r['scenario'])
        r['seconds'] = r.get('elapsed_s', r.get('seconds'))
        if r.get('token_posts') is not None and r.get('token_posts_after_rotate') is not None:
            r['token_posts_cold'] = r['token_posts'] - r['token_posts_after_rotate']
        # ksa_load.py stops its workers at --seconds even when the key
        # replacement (slow on a loaded machine) ended later: then nothing
        # was measured after it
        if r['scenario'] == 'cold+rotate' and r.get('rotate_s') is not None \
                and r['rotate_at'] + r['rotate_s'] > r['elapsed_s'] - 0.5:
            r['token_posts_after_rotate'] = 'n/a (*)'
            r['failed_after_rotate'] = 'n/a (*)'
            r['late'] = True
    return r
rows = [norm(r) for r in rows]
def f(v, fmt='{}'):
    return '-' if v is None else fmt.format(v)
print()
print('| Client | Scenario | W | Calls | Failed | Token POSTs cold start | Token POSTs after key replacement | Failed after replacement | req/s | p50 ms | p99 ms |')
print('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
order = {'cold+rotate': 0, 'sustained': 1}
for r in sorted(rows, key=lambda r: (order.get(r['scenario'], 9), r['workers'], r['client'])):
    cold = r.get('token_posts_cold') if r['scenario'] == 'cold+rotate' else r.get('token_posts')
    print('| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |'.format(
        r['client'], r['scenario'], r['workers'], r['calls'], r['failed'], f(cold),
        f(r.get('token_posts_after_rotate')), f(r.get('failed_after_rotate')),
        f(r.get('rps'), '{:.1f}'), f(r.get('p50_ms'), '{:.1f}'), f(r.get('p99_ms'), '{:.1f}')))
sus = {r['client']: r for r in rows if r['scenario'] == 'sustained'}
lib, raw = sus.get('Keystone.Auth'), sus.get('raw HttpClient')
if lib and raw and raw.get('rps'):
    print()
    print('Sustained: Keystone.Auth / raw HttpClient req/s = {:.3f} (target >= 0.95)'.format(lib['rps'] / raw['rps']))
if any(r.get('late') for r in rows):
    print()
    print('(*) the key replacement script ran longer than the workers did (machine too loaded): raise LT_SECONDS')
for r in rows:
    if r.get('errors'):
        print('errors ({} {} W={}): {}'.format(r['client'], r['scenario'], r['workers'], '; '.join(r['errors'][:3])))
PY
