#!/bin/bash
# check.sh -- prove Native AOT: publish samples/QuickStart with PublishAot=true
# (trim and AOT warnings are errors), then run the native binary against a
# throw-away local Keystone through the whole QuickStart flow, the
# replacement of every fernet key included, and check what it printed.
#
# usage: scripts/aot/check.sh          (scripts/test.sh counts it as one test)
#
# Needs what scripts/demo.sh needs, plus clang and zlib1g-dev (installed by
# scripts/aot/install.sh). The ILCompiler packages come from the NuGet feed.
# Env: KS_AOT_DIR (default /tmp/keystone-auth-aot) -- the Keystone, reused by
#      later runs; KS_AOT_OUT -- where the binary goes (default: a temp dir).
# Exit 0 = published without warnings and the run showed what it must.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KS="$ROOT/scripts/keystone"
DIR=${KS_AOT_DIR:-/tmp/keystone-auth-aot}
OUT=${KS_AOT_OUT:-}
[ -n "$OUT" ] || { OUT=$(mktemp -d); OWN_OUT=1; }
# Stops the Keystone this script started (stop.sh is a no-op when none runs)
# and removes a binary folder it made itself.
cleanup() {
  "$KS/stop.sh" "$DIR" >/dev/null 2>&1 || true
  [ -z "${OWN_OUT:-}" ] || rm -rf "$OUT"
}
trap cleanup EXIT
say() { printf '== [aot] %s\n' "$*" >&2; }
fail() { printf '== [aot] FAILED: %s\n' "$*" >&2; exit 1; }

"$ROOT/scripts/aot/install.sh"
"$KS/ensure.sh" "$DIR"

say "publishing samples/QuickStart with Native AOT into $OUT"
LOG=$(mktemp)
if ! dotnet publish "$ROOT/samples/QuickStart" -c Release -r linux-x64 -o "$OUT" --nologo >"$LOG" 2>&1; then
  cat "$LOG" >&2; rm -f "$LOG"; fail "dotnet publish"
fi
# Warnings are errors in the build, but say so plainly if any slipped through
# (an ILC warning in a package we do not build, for example).
if grep -E ': warning (IL|CS)[0-9]+' "$LOG" >&2; then rm -f "$LOG"; fail "trim/AOT warnings above"; fi
rm -f "$LOG"
BIN="$OUT/QuickStart"
[ -x "$BIN" ] || fail "no native binary $BIN"
[ ! -e "$OUT/QuickStart.dll" ] || fail "$OUT holds QuickStart.dll: not a Native AOT publish"
head -c 4 "$BIN" | grep -q $'\x7fELF' || fail "$BIN is not an ELF executable"

"$KS/stop.sh" "$DIR" 2>/dev/null || true
PID=$("$KS/start.sh" "$DIR" auto 2)
say "Keystone PID $PID on port $(cat "$DIR/run/port")"

# shellcheck disable=SC1091  # written by setup.sh, re-pointed by start.sh
. "$DIR/openrc"
export KEYSTONE_DIR="$DIR" KEYSTONE_SCRIPTS_ROOT="$ROOT"
RUN=$(mktemp)
set +e
"$BIN" >"$RUN" 2>&1
rc=$?
set -e
cat "$RUN"

# The sample checks itself (exit 1 on any miscount); these checks make sure
# the key replacement really ran and the totals are the ones expected
# (103 calls: 1 + 100 + the one answered 401 + its resend).
problems=()
[ "$rc" -eq 0 ] || problems+=("exit code $rc")
grep -q 'skipped' "$RUN" && problems+=("a step was skipped")
grep -q '^QuickStart OK: 2 token POSTs for 103 authenticated calls\.$' "$RUN" || problems+=("expected 'QuickStart OK: 2 token POSTs for 103 authenticated calls.'")
grep -q 'token POSTs: 1 (expected 1)  requests: 3  401s: 1$' "$RUN" || problems+=("the key replacement was not recovered with one 401, one POST and one resend")
rm -f "$RUN"
if [ ${#problems[@]} -gt 0 ]; then
  printf '   - %s\n' "${problems[@]}" >&2
  fail "the native QuickStart run"
fi
say "OK: native binary $(du -h "$BIN" | cut -f1), QuickStart flow incl. key replacement recovered"
