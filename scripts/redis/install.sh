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
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/apt-install.sh
. "$HERE/../lib/apt-install.sh"
log() { echo "[redis-install] $*" >&2; }

apt_install_missing redis-install "${PKGS[@]}"
for f in /usr/bin/redis-server /usr/bin/redis-cli; do
  [ -x "$f" ] || { log "ERROR: $f missing after install"; exit 1; }
done
log "${APT_INSTALLED:+installed: $APT_INSTALLED; }$(/usr/bin/redis-server --version | head -1)"
