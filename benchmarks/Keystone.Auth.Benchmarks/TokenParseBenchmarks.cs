using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Keystone.Auth.Benchmarks;

/// <summary>
/// What storing the catalog compactly costs when a token arrives: parsing a
/// token response with a 20-service, 60-endpoint catalog into an
/// <see cref="AccessInfo"/> (the catalog encoded on the way), against the floor
/// of reading the same bytes into a <see cref="JsonDocument"/>. Paid once per
/// token request, next to a network round trip and Keystone's bcrypt check.
/// </summary>
[MemoryDiagnoser]
public class TokenParseBenchmarks
{
    private byte[] _body = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = Encoding.UTF8.GetBytes(Tokens.Json(17, DateTimeOffset.UtcNow));
        _token = Tokens.FernetLike(17);
    }

    [Benchmark(Baseline = true)]
    public int JsonDocumentParse()
    {
        using var document = JsonDocument.Parse(_body);
        return document.RootElement.GetProperty("token").GetProperty("catalog").GetArrayLength();
    }

    [Benchmark]
    public int AccessInfoFromTokenResponse() =>
        Access.TokenResponseReader.Parse(_token, _body).Catalog.IsEmpty ? 0 : 1;

    /// <summary>The records a caller gets from <see cref="ServiceCatalog.Services"/> on its first use (decoding the compact form).</summary>
    [Benchmark]
    public int ParseThenDecodeServices() =>
        Access.TokenResponseReader.Parse(_token, _body).Catalog.Services.Count;
}
