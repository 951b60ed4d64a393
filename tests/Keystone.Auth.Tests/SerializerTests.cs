using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keystone.Auth.Tests;

/// <summary>
/// A structured logger or a diagnostics dump serializes whatever object it is
/// given: neither the token of an AccessInfo nor the password of the options
/// may come out of a generic serializer, with any options, reflection-based or
/// source-generated. Storing a token is the explicit Export.
/// </summary>
public sealed class SerializerTests
{
    private const string TokenValue = "gAAAAABtokenZq9secret";
    private const string PasswordValue = "Pw-Zq9-serialized";

    private static readonly JsonSerializerOptions[] s_options =
    [
        new(),
        new() { IncludeFields = true },
        new() { IncludeFields = true, WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower },
    ];

    private static AccessInfo Access() => AccessInfo.FromTokenResponse(TokenValue, Fixtures.ProjectScopedBody, DateTimeOffset.UtcNow);

    [Fact]
    public void Reflection_serializer_never_writes_the_token()
    {
        var access = Access();
        foreach (var options in s_options)
        {
            var json = JsonSerializer.Serialize(access, options);
            Assert.DoesNotContain(TokenValue, json, StringComparison.Ordinal);
            Assert.Contains("dcmanager", json, StringComparison.Ordinal); // the rest is still there
        }
    }

    [Fact]
    public void Reflection_serializer_never_writes_the_password()
    {
        var options = Fixtures.Options(password: PasswordValue);
        foreach (var serializerOptions in s_options)
        {
            var json = JsonSerializer.Serialize(options, serializerOptions);
            Assert.DoesNotContain(PasswordValue, json, StringComparison.Ordinal);
            Assert.Contains("dcmanager", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Source_generated_contexts_never_write_the_token_or_the_password()
    {
        var access = JsonSerializer.Serialize(Access(), SecretsProbeContext.Default.AccessInfo);
        var options = JsonSerializer.Serialize(Fixtures.Options(password: PasswordValue), SecretsProbeContext.Default.PasswordAuthOptions);

        Assert.DoesNotContain(TokenValue, access, StringComparison.Ordinal);
        Assert.Contains("dcmanager", access, StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordValue, options, StringComparison.Ordinal);
        Assert.Contains("dcmanager", options, StringComparison.Ordinal);
    }

    [Fact]
    public void An_AccessInfo_is_not_read_back_from_generic_json()
    {
        var json = JsonSerializer.Serialize(Access());
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Deserialize<AccessInfo>(json));
    }

    [Fact]
    public void ToString_and_the_debugger_show_neither()
    {
        Assert.DoesNotContain(TokenValue, Access().ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordValue, Fixtures.Options(password: PasswordValue).ToString(), StringComparison.Ordinal);

        // The debugger display is ToString (above); the members themselves are hidden from the variables view.
        Assert.Equal(DebuggerBrowsableState.Never, typeof(AccessInfo).GetProperty(nameof(AccessInfo.Token))!.GetCustomAttribute<DebuggerBrowsableAttribute>()?.State);
        Assert.Equal(DebuggerBrowsableState.Never, typeof(PasswordAuthOptions).GetProperty(nameof(PasswordAuthOptions.Password))!.GetCustomAttribute<DebuggerBrowsableAttribute>()?.State);
    }
}

/// <summary>What an application's own source-generated context would contain.</summary>
[JsonSerializable(typeof(AccessInfo))]
[JsonSerializable(typeof(PasswordAuthOptions))]
internal sealed partial class SecretsProbeContext : JsonSerializerContext
{
}
