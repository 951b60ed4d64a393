#!/usr/bin/env bash
# scripts/public-api.sh -- record the public API of every package in its
# PublicAPI.Unshipped.txt, after a deliberate change to the surface.
#
# The build fails (RS0016: public but not recorded; RS0017: recorded but gone)
# until the .txt files match the code. This builds, adds what RS0016 names,
# drops what RS0017 names, and repeats until the build is clean (a package
# is only analysed once the packages it depends on build), so a change shows
# as a diff of the .txt files in review.
set -euo pipefail
cd "$(dirname "$0")/.."
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
for round in 1 2 3 4 5 6; do
  if dotnet build Keystone.sln -c Release -v q -nologo >"$LOG" 2>&1; then
    git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'
    exit 0
  fi
  grep -qE 'error RS001[67]' "$LOG" || { grep -E ' error ' "$LOG" | sort -u | head -20 >&2; exit 1; }
  python3 - "$LOG" <<'PY'
import collections, os, re, sys
pattern = re.compile(r"^(?P<file>/\S+?\.(?:cs|txt))\(\d+,\d+\): error (?P<rule>RS001[67]): Symbol '(?P<symbol>.*?)' (?:is not part|is part) ")
changes = collections.defaultdict(lambda: (set(), set()))
for line in open(sys.argv[1], encoding="utf-8"):
    m = pattern.match(line)
    if not m:
        continue
    folder = os.path.dirname(m["file"])
    while not os.path.exists(os.path.join(folder, "PublicAPI.Unshipped.txt")):
        folder = os.path.dirname(folder)
    add, remove = changes[folder]
    (add if m["rule"] == "RS0016" else remove).add(m["symbol"])
for folder, (add, remove) in changes.items():
    path = os.path.join(folder, "PublicAPI.Unshipped.txt")
    lines = open(path, encoding="utf-8").read().splitlines()
    header, body = lines[0], set(lines[1:])
    body = (body | add) - remove
    open(path, "w", encoding="utf-8").write("\n".join([header] + sorted(body, key=str.lower)) + "\n")
    print(f"{path}: +{len(add)} -{len(remove)}")
PY
done
echo "public-api: still failing after 6 rounds" >&2
exit 1
