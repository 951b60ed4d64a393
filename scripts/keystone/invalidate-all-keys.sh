#!/bin/bash
# invalidate-all-keys.sh DIR [rotate|wipe|manage] -- make every fernet token
# issued so far by the Keystone in DIR invalid, WITHOUT a restart.
#
# usage: scripts/keystone/invalidate-all-keys.sh /tmp/ks          # rotate
#        scripts/keystone/invalidate-all-keys.sh /tmp/ks wipe
#
# Afterwards an old token used as X-Auth-Token gets 401, and validating it
# (X-Subject-Token) gets 404 "Could not recognize Fernet token". New token
# POSTs work at once: keystone re-reads the key repository on every token
# issue/validation (needs [token] cache_on_issue = false, see setup.sh).
#
# Why more than one rotation: a token is encrypted with the primary key
# (highest number). One rotation only demotes it to a secondary key, which
# still decrypts. With [fernet_tokens] max_active_keys = M, the key that
# was primary is purged after M-1 rotations -> that is the minimum.
#
#   rotate (default): M-1 rotations in ONE python process, calling the very
#            function `keystone-manage fernet_rotate` uses
#            (keystone.common.fernet_utils.FernetUtils.rotate_keys); <1 s
#   wipe:    brand-new repository (what keystone-manage fernet_setup
#            does, in one python process, into a sibling temp dir, swapped
#            in by rename; no old key survives); <1 s
#   manage:  M-1 x `keystone-manage fernet_rotate` (~3.5 s each)
set -euo pipefail
DIR=${1:?usage: invalidate-all-keys.sh DIR [rotate|wipe|manage]}
MODE=${2:-rotate}
log() { echo "[invalidate] $*" >&2; }
DIR=$(cd "$DIR" && pwd)
CONF="$DIR/keystone.conf"
[ -f "$CONF" ] || { log "no $CONF"; exit 1; }
ini() { awk -F' *= *' -v sec="[$1]" -v key="$2" '/^\[/{s=$0} s==sec && $1==key{print $2}' "$CONF"; }
REPO=$(ini fernet_tokens key_repository)
M=$(ini fernet_tokens max_active_keys)
M=${M:-3}
if [ -z "$REPO" ] || [ ! -d "$REPO" ]; then log "fernet key repository '$REPO' not found"; exit 1; fi
N=$(( M > 1 ? M - 1 : 1 ))
KUG=(--keystone-user "$(id -un)" --keystone-group "$(id -gn)")   # required as root

T0=$(date +%s%N)
case "$MODE" in
  rotate)
    /usr/bin/python3 - "$REPO" "$M" "$N" <<'PY'
import sys
from keystone.common import fernet_utils
repo, m, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
u = fernet_utils.FernetUtils(repo, m, 'fernet_tokens')
if not u.validate_key_repository(requires_write=True):
    sys.exit('key repository %s not usable' % repo)
for _ in range(n):
    u.rotate_keys()
PY
    ;;
  manage)
    for _ in $(seq 1 "$N"); do
      keystone-manage --config-file "$CONF" fernet_rotate "${KUG[@]}" >>"$DIR/log/manage.log" 2>&1 \
        || { log "fernet_rotate failed; see $DIR/log/manage.log"; exit 1; }
    done
    ;;
  wipe)
    # what `keystone-manage fernet_setup` does (create_key_directory +
    # initialize_key_repository), in one python process, into a sibling
    # temp dir, then swapped in by rename: the repository is missing only
    # between the two renames (~us); same parent dir = same filesystem
    /usr/bin/python3 - "$REPO" "$M" <<'PY'
import os, shutil, sys
from keystone.common import fernet_utils
repo, m = sys.argv[1], int(sys.argv[2])
new = '%s.new.%d' % (repo, os.getpid())
old = '%s.old.%d' % (repo, os.getpid())
shutil.rmtree(new, ignore_errors=True)
u = fernet_utils.FernetUtils(new, m, 'fernet_tokens')
u.create_key_directory()
u.initialize_key_repository()
if not os.path.isfile(os.path.join(new, '0')):
    sys.exit('no keys created in %s' % new)
os.rename(repo, old)
os.rename(new, repo)
shutil.rmtree(old)
PY
    ;;
  *) log "unknown mode '$MODE' (rotate|wipe|manage)"; exit 2 ;;
esac
T1=$(date +%s%N)
log "mode=$MODE max_active_keys=$M in $(( (T1 - T0) / 1000000 )) ms; keys now: $(find "$REPO" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tr '\n' ' ')"
