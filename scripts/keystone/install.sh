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
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/apt-install.sh
. "$HERE/../lib/apt-install.sh"
log() { echo "[install] $*" >&2; }

apt_install_missing install "${PKGS[@]}"
# sanity: the bits the other scripts call
for f in /usr/bin/keystone-manage /usr/bin/uwsgi /usr/bin/keystone-wsgi-public; do
  [ -x "$f" ] || { log "ERROR: $f missing after install"; exit 1; }
done
/usr/bin/python3 -c 'import keystoneauth1, keystone.common.fernet_utils' \
  || { log "ERROR: python modules keystoneauth1/keystone not importable by /usr/bin/python3"; exit 1; }
log "${APT_INSTALLED:+installed: $APT_INSTALLED}${APT_INSTALLED:-packages already installed}"
