#!/bin/bash
# install.sh -- the native toolchain Native AOT links with: clang (the driver
# the ILCompiler package calls) and zlib1g-dev (the runtime links -lz).
# Only what is missing is installed (scripts/lib/apt-install.sh). The ILCompiler
# packages themselves come from the NuGet feed at restore.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/apt-install.sh
. "$HERE/../lib/apt-install.sh"
apt_install_missing aot-install clang zlib1g-dev
command -v clang >/dev/null || { echo "[aot-install] ERROR: clang not on PATH after install" >&2; exit 1; }
echo "[aot-install] ${APT_INSTALLED:-nothing missing}${APT_INSTALLED:+ installed}" >&2
