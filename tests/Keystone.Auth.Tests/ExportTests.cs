using System.Security.Cryptography;
using Keystone.Auth.Access;
using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// AccessInfo.Export/Import: everything comes back (token, Keystone's times,
/// user, scope, roles, audit ids, methods, catalog), the local expiry is
/// rebuilt from the remaining life on the importer's clock, and any damaged or
/// foreign input is an InvalidResponseException, never another exception or a
/// partial object.
/// </summary>
public sealed class ExportTests
{
    private static readonly DateTimeOffset Exported = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> VectorResponses()
    {
        var data = new TheoryData<string>();
        if (Vectors.Directory is { } dir)
        {
            foreach (var file in Directory.GetFiles(dir, "*-response.json").Select(Path.GetFileName).Order(StringComparer.Ordinal))
            {
                if (Vectors.ReadText(file!).Contains("\"token\"", StringComparison.Ordinal))
                {
                    data.Add(file!);
                }
            }
        }
        else
        {
            data.Add("(vectors not found)");
        }

        return data;
    }

    [VectorTheory]
    [MemberData(nameof(VectorResponses))]
    public void Every_reference_vector_round_trips(string file)
    {
        // Dates in the vectors are from 2015: send time = issue time, so the token has its full life at export.
        var parsed = AccessInfo.FromTokenResponse("gAAAAAB-vector", Vectors.ReadText(file));
        var access = AccessInfo.FromTokenResponse("gAAAAAB-vector", Vectors.ReadText(file), parsed.IssuedAt ?? parsed.ExpiresAt.AddHours(-1));
        var exportedAt = access.RequestedAt!.Value.AddMinutes(10);

        // Another host whose clock is 7 minutes ahead imports it at the same instant.
        var imported = AccessInfo.Import(access.Export(new FakeTimeProvider(exportedAt)), new FakeTimeProvider(exportedAt.AddMinutes(7)));

        AssertSame(access, imported);
        Assert.Equal(access.LocalExpiresAt.AddMinutes(7), imported.LocalExpiresAt);
    }

    [Fact]
    public void The_usual_token_round_trips_and_its_life_is_measured_on_the_importers_clock()
    {
        var access = AccessInfo.FromTokenResponse("gAAAAAB-fixture", Fixtures.ProjectScopedBody, Exported.AddMinutes(-5));
        var life = access.LocalExpiresAt - Exported;

        var data = access.Export(new FakeTimeProvider(Exported));
        var importer = new FakeTimeProvider(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var imported = AccessInfo.Import(data, importer);

        AssertSame(access, imported);
        Assert.Equal(importer.GetUtcNow() + life, imported.LocalExpiresAt);
        Assert.False(imported.WillExpireWithin(life - TimeSpan.FromSeconds(1), importer));
        Assert.True(imported.WillExpireWithin(life, importer));
        Assert.Equal(Fixtures.PlatformAdminUrl, imported.Catalog.GetEndpoint(Fixtures.Platform));

        // Exporting the import again at the same remaining life gives the same bytes.
        Assert.Equal(data, imported.Export(importer));
    }

    [Fact]
    public void Every_field_and_odd_value_round_trips_exactly()
    {
        var access = new AccessInfo
        {
            Token = "t",
            ExpiresAt = new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(330)).AddTicks(1234567),
            IssuedAt = null,
            RequestedAt = null,
            Methods = ["password", "totp", "\uD800lone", string.Empty],
            User = new TokenUser("u", null, "dom", "Dömain 中文"),
            Project = new TokenProject("p", "proj\uDC00", null, null),
            Domain = new TokenDomain("d", null),
            SystemScope = "all",
            TrustId = "trust-1",
            Roles = [new TokenRole("r1", "admin"), new TokenRole(string.Empty, "😀")],
            AuditIds = ["a1", "a2"],
            Catalog = new ServiceCatalog(
            [
                new CatalogService("identity", "keystone", "0123456789abcdef0123456789abcdef",
                [
                    new CatalogEndpoint(null, "publicURL", "RegionOne", null, "https://u:p@[fd01:2::2]:5001/v3"),
                    new CatalogEndpoint("e2", "weird", "RegionOne", null, "/relative"),
                ]),
                new CatalogService("x\uFFFD", null, null, []), // a lone surrogate is refused by the catalog itself
            ]),
        };

        var imported = AccessInfo.Import(access.Export(new FakeTimeProvider(Exported)), new FakeTimeProvider(Exported));

        AssertSame(access, imported);
        Assert.Equal(access.ExpiresAt.Offset, imported.ExpiresAt.Offset);
        Assert.Null(imported.IssuedAt);
        Assert.Equal(access.LocalExpiresAt, imported.LocalExpiresAt);
    }

    [Fact]
    public void An_expired_token_exports_and_imports_as_expired()
    {
        var access = AccessInfo.FromTokenResponse("tok", Fixtures.ProjectScopedBody, Exported);
        var after = new FakeTimeProvider(access.LocalExpiresAt.AddMinutes(30));

        var imported = AccessInfo.Import(access.Export(after), new FakeTimeProvider(Exported));

        Assert.Equal(Exported.AddMinutes(-30), imported.LocalExpiresAt);
        Assert.True(imported.WillExpireWithin(TimeSpan.Zero, new FakeTimeProvider(Exported)));
    }

    [Fact]
    public void Every_truncation_is_an_invalid_response()
    {
        var data = Sample();
        for (var length = 0; length < data.Length; length++)
        {
            AssertInvalid(data.AsSpan(0, length));
        }

        AssertInvalid([.. data, 0]);
    }

    [Fact]
    public void Every_single_bit_flip_is_an_invalid_response()
    {
        var data = Sample();
        for (var i = 0; i < data.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = data.ToArray();
                copy[i] ^= (byte)(1 << bit);
                AssertInvalid(copy);
            }
        }
    }

    [Fact]
    public void Damage_behind_a_valid_checksum_is_an_invalid_response_or_an_intact_token()
    {
        // The checksum catches accidents; this exercises the reader and the
        // catalog check under it: random edits with the checksum made to match.
        var data = Sample();
        var rng = new Random(1234);
        int refused = 0, read = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var copy = data.ToList();
            for (var edits = rng.Next(1, 4); edits > 0 && copy.Count > 14; edits--)
            {
                var at = rng.Next(5, copy.Count - 8);
                switch (rng.Next(4))
                {
                    case 0: copy[at] ^= (byte)(1 << rng.Next(8)); break;
                    case 1: copy[at] = (byte)rng.Next(256); break;
                    case 2: copy.RemoveAt(at); break;
                    default: copy.Insert(at, (byte)rng.Next(256)); break;
                }
            }

            var bytes = Resealed(copy.ToArray());
            try
            {
                var access = AccessInfo.Import(bytes, new FakeTimeProvider(Exported));
                _ = access.Catalog.Services.Count;
                _ = access.Catalog.TryGetEndpoint(Fixtures.Platform, out _);
                read++;
            }
            catch (InvalidResponseException)
            {
                refused++;
            }
        }

        Assert.True(refused > 10_000, $"only {refused} refused");
        Assert.True(read > 0, "no edit left a readable token: the test exercises nothing past the header");
    }

    [Fact]
    public void A_malformed_catalog_behind_a_valid_checksum_is_refused()
    {
        var access = AccessInfo.FromTokenResponse("tok", Fixtures.ProjectScopedBody, Exported);
        var data = access.Export(new FakeTimeProvider(Exported));
        var catalog = access.Catalog.EncodedData.ToArray();
        var at = data.AsSpan().IndexOf(catalog);
        Assert.True(at > 0);

        // A back-reference that points forward, and an unknown string tag.
        foreach (var (offset, value) in new[] { (4, CompactCatalog.Back), (4, (byte)9) })
        {
            var copy = data.ToArray();
            copy[at + offset] = value;
            copy[at + offset + 1] = 0x7F;
            var ex = Assert.Throws<InvalidResponseException>(() => AccessInfo.Import(Resealed(copy)));
            Assert.Contains("catalog", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Another_version_or_foreign_bytes_say_so()
    {
        var data = Sample();
        data[4] = 2;
        Assert.Contains("version 2", Assert.Throws<InvalidResponseException>(() => AccessInfo.Import(Resealed(data))).Message, StringComparison.Ordinal);
        Assert.Contains("header", Assert.Throws<InvalidResponseException>(() => AccessInfo.Import("{\"token\":{}}"u8)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidResponseException>(() => AccessInfo.Import(new byte[AccessInfo.MaxExportBytes + 1]));
    }

    [Fact]
    public void A_token_that_is_not_a_header_value_is_refused_on_import()
    {
        var data = AccessInfo.FromTokenResponse("tokAB", Fixtures.ProjectScopedBody, Exported).Export(new FakeTimeProvider(Exported));
        var at = data.AsSpan().IndexOf("tokAB"u8);
        data[at + 3] = (byte)'\r';
        data[at + 4] = (byte)'\n';
        Assert.Throws<InvalidResponseException>(() => AccessInfo.Import(Resealed(data)));
    }

    private static byte[] Sample() =>
        AccessInfo.FromTokenResponse("gAAAAAB-sample", Fixtures.ProjectScopedBody, Exported).Export(new FakeTimeProvider(Exported));

    /// <summary>The bytes with the trailing checksum (first 8 bytes of SHA-256) made to match.</summary>
    private static byte[] Resealed(byte[] data)
    {
        if (data.Length < 8)
        {
            return data;
        }

        SHA256.HashData(data.AsSpan(0, data.Length - 8)).AsSpan(0, 8).CopyTo(data.AsSpan(data.Length - 8));
        return data;
    }

    private static void AssertInvalid(ReadOnlySpan<byte> data)
    {
        try
        {
            AccessInfo.Import(data, new FakeTimeProvider(Exported));
        }
        catch (InvalidResponseException)
        {
            return;
        }

        Assert.Fail($"{data.Length} damaged bytes were imported");
    }

    private static void AssertSame(AccessInfo expected, AccessInfo actual)
    {
        Assert.Equal(expected.Token, actual.Token);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(expected.ExpiresAt.Offset, actual.ExpiresAt.Offset);
        Assert.Equal(expected.IssuedAt, actual.IssuedAt);
        Assert.Equal(expected.Methods, actual.Methods);
        Assert.Equal(expected.User, actual.User);
        Assert.Equal(expected.Project, actual.Project);
        Assert.Equal(expected.Domain, actual.Domain);
        Assert.Equal(expected.SystemScope, actual.SystemScope);
        Assert.Equal(expected.TrustId, actual.TrustId);
        Assert.Equal(expected.Roles, actual.Roles);
        Assert.Equal(expected.AuditIds, actual.AuditIds);
        Assert.Equal(expected.IsScoped, actual.IsScoped);
        Assert.Equal(expected.TokenFingerprint, actual.TokenFingerprint);
        Assert.Equal(expected.Catalog.IsEmpty, actual.Catalog.IsEmpty);
        Assert.Equal(Flatten(expected.Catalog), Flatten(actual.Catalog));
    }

    private static string[] Flatten(ServiceCatalog catalog) =>
        catalog.Services.SelectMany(s => new[] { $"S {s.Type}|{s.Name}|{s.Id}|{s.Endpoints.Count}" }
            .Concat(s.Endpoints.Select(e => $"E {e.Id}|{e.Interface}|{e.Region}|{e.RegionId}|{e.Url}"))).ToArray();
}
