#!/bin/bash
# ensure.sh DIR -- one-shot for tests and demos: make DIR a ready-to-start
# Keystone, doing only what is missing.
#
# usage: scripts/keystone/ensure.sh /tmp/ks && PID=$(scripts/keystone/start.sh /tmp/ks auto 2)
#
# 1. install.sh (a no-op in ~0.2 s when the packages are there; ~2 min on
#    a bare machine); skip with KS_SKIP_INSTALL=1
# 2. setup.sh DIR when DIR/keystone.conf or DIR/run/setup.done (written
#    last by setup.sh) is missing, i.e. also after a half-finished setup.
# Does not start anything. Exits non-zero with the reason on stderr.
# Env: as setup.sh (KS_ADMIN_PASSWORD, KS_HASH_ROUNDS, ...), applied only
# when setup runs.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:?usage: ensure.sh DIR}
log() { echo "[ensure] $*" >&2; }

if [ "${KS_SKIP_INSTALL:-0}" != 1 ]; then
  "$HERE/install.sh" || { log "FAILED: Debian packages could not be installed (see above)"; exit 1; }
fi
if [ -f "$DIR/keystone.conf" ] && [ -f "$DIR/run/setup.done" ]; then
  log "$DIR already set up"
  exit 0
fi
KS_SKIP_INSTALL=1 "$HERE/setup.sh" "$DIR" || { log "FAILED: setup.sh $DIR (see above and $DIR/log/manage.log)"; exit 1; }
log "$DIR ready (start with: $HERE/start.sh $DIR auto)"
