#!/bin/bash
# install.sh -- install the Debian package a throw-away Redis needs.
#
# usage: scripts/redis/install.sh
#
# Installs redis-server (which brings redis-tools: redis-cli) only when it
# is missing. Non-interactive: DEBIAN_FRONTEND=noninteractive,
# --no-install-recommends, dpkg --force-confdef/--force-confold so no
# conffile prompt can block. `apt-get update` runs only when something is
# missing (a fresh machine has no package lists). Runs as root; as another
# user it uses sudo.
#
# The Debian package may start a system redis service on 127.0.0.1:6379
# (where an init system runs). We leave that service alone: start.sh never
# uses its config, its data or port 6379, so nothing here depends on it.
# Exit 0 = installed; non-zero with a message otherwise.
set -euo pipefail

PKGS=(redis-server redis-tools)
log() { echo "[redis-install] $*" >&2; }

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${PKGS[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ] && [ -x /usr/bin/redis-server ]; then
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
for f in /usr/bin/redis-server /usr/bin/redis-cli; do
  [ -x "$f" ] || { log "ERROR: $f missing after install"; exit 1; }
done
log "installed: ${missing[*]} ($(/usr/bin/redis-server --version | head -1))"
