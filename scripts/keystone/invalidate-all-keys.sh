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
#   wipe:    brand-new repository (keystone-manage fernet_setup into a
#            sibling temp dir, swapped in by rename; no old key survives);
#            ~3.5 s (one keystone-manage)
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
[ -n "$REPO" ] && [ -d "$REPO" ] || { log "fernet key repository '$REPO' not found"; exit 1; }
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
    NEW="$REPO.new.$$"
    rm -rf "$NEW"
    printf '[fernet_tokens]\nkey_repository = %s\n[fernet_receipts]\nkey_repository = %s\n' "$NEW" "$NEW" > "$DIR/run/wipe.conf"
    keystone-manage --config-file "$CONF" --config-file "$DIR/run/wipe.conf" \
      fernet_setup "${KUG[@]}" >>"$DIR/log/manage.log" 2>&1 \
      || { log "fernet_setup failed; see $DIR/log/manage.log"; rm -rf "$NEW"; exit 1; }
    [ -s "$NEW/0" ] || { log "fernet_setup made no keys in $NEW"; exit 1; }
    # swap: the repository is missing only between the two renames (~us);
    # same parent dir, so both are plain renames on one filesystem
    mv "$REPO" "$REPO.old.$$" && mv "$NEW" "$REPO" && rm -rf "$REPO.old.$$"
    ;;
  *) log "unknown mode '$MODE' (rotate|wipe|manage)"; exit 2 ;;
esac
T1=$(date +%s%N)
log "mode=$MODE max_active_keys=$M in $(( (T1 - T0) / 1000000 )) ms; keys now: $(ls "$REPO" | sort -n | tr '\n' ' ')"
