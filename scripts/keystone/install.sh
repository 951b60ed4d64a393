#!/bin/bash
# install.sh -- install the Debian packages a throw-away Keystone needs.
#
# usage: scripts/keystone/install.sh
#
# Installs (only what is missing): python3-keystone uwsgi-core
# uwsgi-plugin-python3 python3-keystoneauth1 curl. Non-interactive:
# DEBIAN_FRONTEND=noninteractive, --no-install-recommends, and dpkg
# --force-confdef/--force-confold so no conffile prompt can block.
# `apt-get update` runs only when something is missing (a fresh machine
# has no package lists: install would find nothing without it).
# Runs as root; as another user it uses sudo.
# Nothing is started: the Debian keystone package ships no daemon we use
# (we run its WSGI app under uwsgi ourselves, see start.sh).
# Exit 0 = every package installed; non-zero with a message otherwise.
set -euo pipefail

PKGS=(python3-keystone uwsgi-core uwsgi-plugin-python3 python3-keystoneauth1 curl)
log() { echo "[install] $*" >&2; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${PKGS[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  log "packages already installed"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || { log "ERROR: apt-get not found (Debian/Ubuntu needed); missing: ${missing[*]}"; exit 1; }
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { log "ERROR: not root and no sudo; cannot install: ${missing[*]}"; exit 1; }
  SUDO=(sudo)
fi

log "installing: ${missing[*]}"
if ! "${SUDO[@]}" apt-get update -q >&2; then
  log "ERROR: apt-get update failed"; exit 1
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >&2; then
  log "ERROR: apt-get install failed for: ${missing[*]}"; exit 1
fi

still=()
for p in "${PKGS[@]}"; do installed "$p" || still+=("$p"); done
if [ ${#still[@]} -gt 0 ]; then
  log "ERROR: still not installed after apt-get: ${still[*]}"; exit 1
fi
# sanity: the bits the other scripts call
for f in /usr/bin/keystone-manage /usr/bin/uwsgi /usr/bin/keystone-wsgi-public; do
  [ -x "$f" ] || { log "ERROR: $f missing after install"; exit 1; }
done
/usr/bin/python3 -c 'import keystoneauth1, keystone.common.fernet_utils' \
  || { log "ERROR: python modules keystoneauth1/keystone not importable by /usr/bin/python3"; exit 1; }
log "installed: ${missing[*]}"
