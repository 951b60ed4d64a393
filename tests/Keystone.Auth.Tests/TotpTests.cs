using Microsoft.Extensions.Time.Testing;

namespace Keystone.Auth.Tests;

/// <summary>
/// <see cref="Totp"/> against the published vectors of RFC 6238 appendix B
/// (HMAC-SHA1, 8 digits, secret "12345678901234567890") and Keystone's 6-digit
/// form, plus the secret's validation.
/// </summary>
public sealed class TotpTests
{
    /// <summary>The RFC's ASCII secret "12345678901234567890" in base32, as a Keystone TOTP credential stores it.</summary>
    private const string RfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Rfc6238AppendixBVectors(long unixSeconds, string expected)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, Totp.Compute(RfcSecret, time, digits: 8));
    }

    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")] // leading zero kept
    [InlineData(1234567890L, "005924")]
    public void SixDigitsByDefaultAreTheLastSixOfTheRfcValue(long unixSeconds, string expected)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, Totp.Compute(RfcSecret, time));
    }

    [Fact]
    public void ThePasscodeChangesAtTheStepBoundaryOnly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1111111110)); // a multiple of 30
        var first = Totp.Compute(RfcSecret, time);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(first, Totp.Compute(RfcSecret, time));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotEqual(first, Totp.Compute(RfcSecret, time));
    }

    [Fact]
    public void ALongerStepIsHonoured()
    {
        // With a 60 s step, t = 119 is counter 1, the RFC's 30 s counter for t = 59.
        var at = DateTimeOffset.FromUnixTimeSeconds(119);

        Assert.Equal("94287082", Totp.Compute(RfcSecret, at, digits: 8, step: TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData("gezdgnbvgy3tqojqgezdgnbvgy3tqojq")]
    [InlineData("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ")]
    [InlineData("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====")]
    public void CaseSpacesAndPaddingDoNotMatter(string secret)
    {
        Assert.Equal("94287082", Totp.Compute(secret, DateTimeOffset.FromUnixTimeSeconds(59), digits: 8));
    }

    [Fact]
    public void UnpaddedSecretsOfAnyWholeByteLengthDecode()
    {
        // "MZXW6" is "foo" (3 bytes, 5 symbols, no padding), per RFC 4648 section 10.
        Assert.Equal("foo"u8.ToArray(), Totp.DecodeBase32("MZXW6", "TotpSecret"));
        Assert.Equal("foob"u8.ToArray(), Totp.DecodeBase32("MZXW6YQ=", "TotpSecret"));
    }

    [Theory]
    [InlineData("GEZDGNBVGY3TQOJ1", "TotpSecret is not valid base32: unexpected character at position 16 (A-Z and 2-7 only)")]
    [InlineData("GEZD-GNBV", "TotpSecret is not valid base32: unexpected character at position 5 (A-Z and 2-7 only)")]
    [InlineData("GEZ", "TotpSecret is not valid base32: 3 symbols is not a whole number of bytes")]
    [InlineData("G", "TotpSecret is not valid base32: 1 symbols is not a whole number of bytes")]
    [InlineData("====", "TotpSecret is not valid base32: 0 symbols is not a whole number of bytes")]
    [InlineData("", "TotpSecret is required for TOTP")]
    [InlineData(null, "TotpSecret is required for TOTP")]
    public void BadSecretsAreTypedErrorsNamingTheOptionWithoutTheSecret(string? secret, string failure)
    {
        var error = Assert.Throws<InvalidOptionsException>(() => Totp.Compute(secret, TimeProvider.System));

        Assert.Equal([failure], error.Failures);
        Assert.Equal(Totp.DefaultOptionsType, error.OptionsType);
        if (!string.IsNullOrEmpty(secret))
        {
            Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheCallerNamesItsOwnOptionInErrors()
    {
        var error = Assert.Throws<InvalidOptionsException>(
            () => Totp.Compute("1", TimeProvider.System, secretOption: "auth.totp_secret", optionsType: "clouds.yaml"));

        Assert.Equal("clouds.yaml", error.OptionsType);
        Assert.StartsWith("auth.totp_secret is not valid base32", error.Failures[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(11)]
    public void DigitsOutOfRangeAreRefused(int digits)
    {
        var error = Assert.Throws<InvalidOptionsException>(() => Totp.Compute(RfcSecret, TimeProvider.System, digits));
        Assert.Equal([$"TotpDigits must be from 6 to 10, got {digits}"], error.Failures);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1500)]
    public void StepsThatAreNotWholeSecondsAreRefused(int milliseconds)
    {
        var error = Assert.Throws<InvalidOptionsException>(
            () => Totp.Compute(RfcSecret, TimeProvider.System, step: TimeSpan.FromMilliseconds(milliseconds)));
        Assert.StartsWith("TotpStep must be a whole number of seconds", error.Failures[0], StringComparison.Ordinal);
    }
}
