#!/usr/bin/env bash
# scripts/public-api.sh -- record the public API of every package in its
# PublicAPI.Unshipped.txt, after a deliberate change to the surface.
#
# The build fails (RS0016/RS0017) while a public member is added, changed or
# removed without being recorded; this applies the analyzers' own code fix to
# every package, so the change shows as a diff of the .txt files in review.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet restore Keystone.sln -v q >/dev/null
for project in src/*/*.csproj; do
  dotnet format analyzers "$project" --diagnostics RS0016 RS0017 RS0037 --severity warn -v q
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'
