#!/usr/bin/env bash
# scripts/pack-check.sh — pack the NuGet packages and prove they are usable.
#
# 1. `dotnet pack` Keystone.Auth, Keystone.Auth.Caching,
#    Keystone.Auth.CloudsYaml, Keystone.Auth.Caching.Redis and
#    Keystone.Auth.Testing (Release) into a temporary folder;
# 2. check each .nupkg: PACKAGE.md readme, Apache-2.0 license expression,
#    description, tags, dependencies, lib/net8.0 + lib/net10.0 with XML docs,
#    and a .snupkg with the symbols next to it;
# 3. build and run a tiny console program that references the PACKED packages
#    (a temp nuget.config adds the folder as a source next to the machine's
#    default feed; packages go to a temp folder, with the global package cache
#    as a read-only fallback so a re-pack of the same version is never masked
#    by a cached copy), and check it resolved them as packages.
# Everything lives under one temp dir, removed on exit. Exit 0 = all good.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ks-pack.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FEED="$TMP/feed"
# Own build output, so a pack never fights with another build of the tree.
export KS_ARTIFACTS="$TMP/artifacts"
fail=0
err() { echo "pack-check: FAIL: $*" >&2; fail=1; }
ok() { echo "pack-check: ok: $*"; }

echo "== pack"
PACKAGES=(Keystone.Auth Keystone.Auth.Caching Keystone.Auth.CloudsYaml Keystone.Auth.Caching.Redis Keystone.Auth.Testing)
# Three builds (they build Auth and Caching too), then the packs without rebuilding.
for p in Keystone.Auth.Caching.Redis Keystone.Auth.CloudsYaml Keystone.Auth.Testing; do
  dotnet build "src/$p/$p.csproj" -c Release -p:ContinuousIntegrationBuild=true --nologo -v quiet
done
for p in "${PACKAGES[@]}"; do
  dotnet pack "src/$p/$p.csproj" -c Release --no-build -o "$FEED" -p:ContinuousIntegrationBuild=true --nologo -v quiet
done

VERSION=$(ls "$FEED" | sed -n 's/^Keystone\.Auth\.\([0-9][^a-zA-Z]*[0-9]\(-[0-9A-Za-z.-]*\)\{0,1\}\)\.nupkg$/\1/p')
VERSION=${VERSION%%$'\n'*}
[ -n "$VERSION" ] || { echo "pack-check: no Keystone.Auth.*.nupkg in $FEED" >&2; ls "$FEED" >&2; exit 1; }
echo "version $VERSION"

echo "== package contents"
for p in "${PACKAGES[@]}"; do
  pkg="$FEED/$p.$VERSION.nupkg"
  sym="$FEED/$p.$VERSION.snupkg"
  [ -f "$pkg" ] || { err "$pkg missing"; continue; }
  files=$(unzip -Z1 "$pkg")
  nuspec=$(unzip -p "$pkg" "$p.nuspec")
  for f in PACKAGE.md "lib/net8.0/$p.dll" "lib/net8.0/$p.xml" "lib/net10.0/$p.dll" "lib/net10.0/$p.xml"; do
    grep -qx "$f" <<<"$files" && ok "$p contains $f" || err "$p lacks $f"
  done
  grep -q '<license type="expression">Apache-2.0</license>' <<<"$nuspec" && ok "$p license expression Apache-2.0" || err "$p has no Apache-2.0 license expression"
  grep -q '<readme>PACKAGE.md</readme>' <<<"$nuspec" && ok "$p readme PACKAGE.md" || err "$p nuspec names no readme"
  grep -Eq '<description>.{20,}</description>' <<<"$nuspec" && ok "$p description" || err "$p has no description"
  grep -Eq '<tags>[^<]*keystone[^<]*</tags>' <<<"$nuspec" && ok "$p tags" || err "$p has no tags"
  grep -q '<dependencies>' <<<"$nuspec" && ok "$p lists its dependencies" || err "$p lists no dependencies"
  if grep -q '<repository ' <<<"$nuspec"; then ok "$p SourceLink repository: $(grep -o '<repository [^>]*>' <<<"$nuspec")"; else echo "pack-check: note: $p has no <repository> (no git remote here; SourceLink fills it in a clone with a remote)"; fi
  if [ -f "$sym" ]; then
    symfiles=$(unzip -Z1 "$sym")
    for f in "lib/net8.0/$p.pdb" "lib/net10.0/$p.pdb"; do
      grep -qx "$f" <<<"$symfiles" && ok "$p.snupkg contains $f" || err "$p.snupkg lacks $f"
    done
  else
    err "$sym missing"
  fi
done
# (Read into variables first: with pipefail, `unzip | grep -q` fails when grep stops reading early.)
caching_nuspec=$(unzip -p "$FEED/Keystone.Auth.Caching.$VERSION.nupkg" Keystone.Auth.Caching.nuspec)
auth_nuspec=$(unzip -p "$FEED/Keystone.Auth.$VERSION.nupkg" Keystone.Auth.nuspec)
grep -q "id=\"Keystone.Auth\" version=\"$VERSION\"" <<<"$caching_nuspec" \
  && ok "Keystone.Auth.Caching depends on Keystone.Auth $VERSION" || err "Keystone.Auth.Caching does not depend on Keystone.Auth $VERSION"
grep -q 'id="Microsoft.Extensions.Http"' <<<"$auth_nuspec" \
  && ok "Keystone.Auth depends on Microsoft.Extensions.Http" || err "Keystone.Auth does not depend on Microsoft.Extensions.Http"
! grep -q 'id="YamlDotNet"' <<<"$auth_nuspec" \
  && ok "Keystone.Auth does not depend on YamlDotNet" || err "Keystone.Auth depends on YamlDotNet"
yaml_nuspec=$(unzip -p "$FEED/Keystone.Auth.CloudsYaml.$VERSION.nupkg" Keystone.Auth.CloudsYaml.nuspec)
grep -q "id=\"Keystone.Auth\" version=\"$VERSION\"" <<<"$yaml_nuspec" && grep -q 'id="YamlDotNet"' <<<"$yaml_nuspec" \
  && ok "Keystone.Auth.CloudsYaml depends on Keystone.Auth $VERSION and YamlDotNet" || err "Keystone.Auth.CloudsYaml dependencies are wrong"
redis_nuspec=$(unzip -p "$FEED/Keystone.Auth.Caching.Redis.$VERSION.nupkg" Keystone.Auth.Caching.Redis.nuspec)
grep -q "id=\"Keystone.Auth.Caching\" version=\"$VERSION\"" <<<"$redis_nuspec" && grep -q 'id="StackExchange.Redis"' <<<"$redis_nuspec" \
  && ok "Keystone.Auth.Caching.Redis depends on Keystone.Auth.Caching $VERSION and StackExchange.Redis" || err "Keystone.Auth.Caching.Redis dependencies are wrong"
! grep -q 'id="StackExchange.Redis"' <<<"$caching_nuspec" \
  && ok "Keystone.Auth.Caching does not depend on StackExchange.Redis" || err "Keystone.Auth.Caching depends on StackExchange.Redis"
# The testing package goes into users' test projects: the core only, no cache, no mocking library.
testing_nuspec=$(unzip -p "$FEED/Keystone.Auth.Testing.$VERSION.nupkg" Keystone.Auth.Testing.nuspec)
grep -q "id=\"Keystone.Auth\" version=\"$VERSION\"" <<<"$testing_nuspec" \
  && ! grep -Eq 'id="(Keystone.Auth.Caching|RichardSzalay.MockHttp|NSubstitute|xunit)"' <<<"$testing_nuspec" \
  && ok "Keystone.Auth.Testing depends on Keystone.Auth $VERSION only" || err "Keystone.Auth.Testing dependencies are wrong"

echo "== consumer built against the packed packages"
APP="$TMP/consumer"
mkdir -p "$APP"
# No <clear/>: the local folder is added to whatever feed this machine uses.
cat > "$TMP/nuget.config" <<CFG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="keystone-auth-packed" value="$FEED" />
  </packageSources>
</configuration>
CFG
DI_VERSION=$(sed -n 's/.*PackageVersion Include="Microsoft.Extensions.DependencyInjection" Version="\([^"]*\)".*/\1/p' "$ROOT/Directory.Packages.props")
cat > "$APP/Consumer.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Keystone.Auth.Caching" Version="$VERSION" />
    <PackageReference Include="Keystone.Auth.CloudsYaml" Version="$VERSION" />
    <PackageReference Include="Keystone.Auth.Caching.Redis" Version="$VERSION" />
    <PackageReference Include="Keystone.Auth.Testing" Version="$VERSION" />
    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="${DI_VERSION:-8.0.1}" />
  </ItemGroup>
</Project>
PROJ
cat > "$APP/Program.cs" <<'CS'
using Keystone.Auth;
using Keystone.Auth.Caching;
using Keystone.Auth.Caching.Redis;
using Keystone.Auth.CloudsYaml;
using Keystone.Auth.Testing;
using Microsoft.Extensions.DependencyInjection;

var options = new PasswordAuthOptions
{
    AuthUrl = "https://10.10.10.2:5001/v3",
    Username = "dcmanager", UserDomainName = "Default", Password = "not-a-real-password",
    ProjectName = "services", ProjectDomainName = "Default",
};
var cache = new TokenCache(new TokenCacheOptions { MaxEntries = 5_000 });
using var http = new HttpClient();
var auth = new CachingPasswordAuth(new PasswordAuth(options, http), cache);

var services = new ServiceCollection();
services.AddKeystoneAuth(o => { o.AuthUrl = options.AuthUrl; o.UserId = "u-1"; o.Password = options.Password; }).AddTokenCaching();
using var provider = services.BuildServiceProvider();
var plugin = provider.GetRequiredService<IAuthPlugin>();

var folder = Directory.CreateTempSubdirectory("consumer-clouds-").FullName;
File.WriteAllText(Path.Combine(folder, "clouds.yaml"),
    "clouds:\n  sub1:\n    auth:\n      auth_url: https://10.10.10.2:5001/v3\n      user_id: u-1\n      password: not-a-real-password\n");
var cloud = CloudsYaml.Load("sub1", new CloudsYamlOptions { SearchDirectories = [folder], GetEnvironmentVariable = _ => null });
Directory.Delete(folder, recursive: true);

// The shared tier's options type-check and validate without a server.
var redis = new RedisTokenStoreOptions { Configuration = "127.0.0.1:1,password=not-a-real-password" };

// The testing package: a fake Keystone under the real stack, 3 calls, 1 token POST;
// after a key rotation, 1 more POST and no failed call.
using var fake = new FakeKeystoneHandler();
using var fakeHttp = new HttpClient(fake);
using var fakeSession = new KeystoneSession(new CachingPasswordAuth(new PasswordAuth(new PasswordAuthOptions
{
    AuthUrl = fake.AuthUrl, UserId = "u-1", Password = "not-a-real-password", ProjectId = "p-1",
}, fakeHttp), new TokenCache()), fakeHttp);
var platform = new EndpointFilter("platform", EndpointInterface.Public);
for (var i = 0; i < 4; i++)
{
    if (i == 3) fake.RotateKeys();
    using var r = await fakeSession.GetAsync("/hosts", platform);
    r.EnsureSuccessStatusCode();
}
var built = new KeystoneTokenBuilder().ForSystem().Build().ToAccessInfo();

if (fake.TokenRequestCount != 2 || fake.ServiceRequestCount != 5 || built.SystemScope != "all"
    || options.ToString().Contains(options.Password!, StringComparison.Ordinal) || plugin is not CachingPasswordAuth
    || redis.ToString()!.Contains("not-a-real-password", StringComparison.Ordinal)
    || cloud.ToPasswordAuthOptions().UserId != "u-1" || cloud.ToString().Contains("not-a-real-password", StringComparison.Ordinal))
{
    Console.WriteLine("consumer: unexpected result");
    return 1;
}

Console.WriteLine($"consumer: {auth.GetType().Name} over {cache.MaxEntries} entries; DI gives {plugin.GetType().Name}; clouds.yaml gives {cloud.Name}; the fake Keystone saw {fake.TokenRequestCount} token POSTs for 4 calls and a key rotation");
return 0;
CS
GLOBAL=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')
RESTORE_ARGS=(-p:RestorePackagesPath="$TMP/packages")
[ -n "$GLOBAL" ] && [ -d "$GLOBAL" ] && RESTORE_ARGS+=(-p:RestoreAdditionalProjectFallbackFolders="$GLOBAL")
dotnet build "$APP/Consumer.csproj" -c Release --nologo -v quiet "${RESTORE_ARGS[@]}"
grep -q "\"Keystone.Auth/$VERSION\"" "$APP/obj/project.assets.json" && grep -q '"type": "package"' "$APP/obj/project.assets.json" \
  && ok "consumer restored Keystone.Auth $VERSION as a package" || err "consumer did not restore the packed Keystone.Auth"
[ -d "$TMP/packages/keystone.auth/$VERSION" ] && ok "Keystone.Auth came from $FEED" || err "Keystone.Auth was not extracted from the packed feed"
[ -d "$TMP/packages/keystone.auth.testing/$VERSION" ] && ok "Keystone.Auth.Testing came from $FEED" || err "Keystone.Auth.Testing was not extracted from the packed feed"
out=$(dotnet "$APP/bin/Release/net10.0/Consumer.dll") && ok "$out" || err "consumer failed: $out"

if [ "$fail" -ne 0 ]; then echo "pack-check: FAILED"; exit 1; fi
echo "pack-check: all checks passed"
