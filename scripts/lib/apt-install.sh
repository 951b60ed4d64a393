# scripts/lib/apt-install.sh -- sourced by the install scripts of the local
# test servers (scripts/keystone, scripts/redis); not run on its own.
#
# apt_install_missing TAG PKG...  installs the packages that are not installed
# yet. Non-interactive (DEBIAN_FRONTEND=noninteractive, --no-install-recommends,
# dpkg --force-confdef/--force-confold, so no conffile prompt can block).
# `apt-get update` runs only when something is missing: a fresh machine has no
# package lists, and an installed machine should not pay for a refresh. Runs
# as root; as another user it uses sudo. Sets APT_INSTALLED to what it
# installed (empty when nothing was missing). Returns non-zero with a message.

apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_install_missing() {
  local tag=$1; shift
  local p missing=() still=() sudo=()
  APT_INSTALLED=""
  for p in "$@"; do apt_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0

  command -v apt-get >/dev/null 2>&1 \
    || { echo "[$tag] ERROR: apt-get not found (Debian/Ubuntu needed); missing: ${missing[*]}" >&2; return 1; }
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 \
      || { echo "[$tag] ERROR: not root and no sudo; cannot install: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi

  echo "[$tag] installing: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -q >&2 || { echo "[$tag] ERROR: apt-get update failed" >&2; return 1; }
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      "${missing[@]}" >&2 \
    || { echo "[$tag] ERROR: apt-get install failed for: ${missing[*]}" >&2; return 1; }

  for p in "$@"; do apt_installed "$p" || still+=("$p"); done
  [ ${#still[@]} -eq 0 ] || { echo "[$tag] ERROR: still not installed after apt-get: ${still[*]}" >&2; return 1; }
  APT_INSTALLED="${missing[*]}"
}
