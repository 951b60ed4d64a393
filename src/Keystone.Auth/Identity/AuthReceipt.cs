using System.Text.Json;
using Keystone.Auth.Access;
using Keystone.Auth.Http;

namespace Keystone.Auth.Identity;

/// <summary>
/// Keystone's answer when the methods sent are not enough for the user's MFA
/// rules: 401, an <c>Openstack-Auth-Receipt</c> header, and a body
/// <c>{"receipt":{"methods":[…],…},"required_auth_methods":[[…],…]}</c>.
/// Turned into a <see cref="MultiFactorRequiredException"/>; the receipt value
/// goes only to a caller that asked for it (<see cref="Box"/>), never into the
/// exception, a message or a log.
/// </summary>
internal static class AuthReceipt
{
    /// <summary>A receipt body is small (a few method names and a user); more is not read.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Bounds on what a hostile or broken server can make us hold and print.</summary>
    private const int MaxRules = 16;
    private const int MaxMethodsPerRule = 16;
    private const int MaxMethodNameLength = 64;

    /// <summary>Where <see cref="TokenEndpoint"/> leaves a receipt for the plugin that will continue with it.</summary>
    internal sealed class Box
    {
        private string? _receipt;

        public void Put(string receipt) => _receipt = receipt;

        /// <summary>Returns the receipt once and forgets it.</summary>
        public string? Take() => Interlocked.Exchange(ref _receipt, null);
    }

    /// <summary>The receipt header's value when the answer carries one.</summary>
    public static string? HeaderOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues(TokenEndpoint.ReceiptHeader, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Reads the receipt body (bounded) into the typed error; puts the receipt in <paramref name="box"/> when given.</summary>
    /// <exception cref="InvalidResponseException">The header is not a usable header value, or the body is not a receipt.</exception>
    public static async Task<MultiFactorRequiredException> ToExceptionAsync(HttpResponseMessage response, string receipt, Uri tokenUrl, Box? box, CancellationToken cancellationToken)
    {
        if (TokenValue.Problem(receipt) is { } problem)
        {
            // It would go back verbatim as a header; the value itself is never quoted.
            throw new InvalidResponseException($"Keystone's {TokenEndpoint.ReceiptHeader} header is not usable: {problem.Replace("the token", "the receipt", StringComparison.Ordinal)}", tokenUrl);
        }

        var body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        var (completed, required) = Parse(body, tokenUrl);
        box?.Put(receipt);
        return new MultiFactorRequiredException(tokenUrl, completed, required, ErrorResponse.RequestId(response));
    }

    internal static (IReadOnlyList<string> Completed, IReadOnlyList<IReadOnlyList<string>> Required) Parse(ReadOnlySpan<byte> body, Uri tokenUrl)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("receipt", out var receipt) || receipt.ValueKind != JsonValueKind.Object
                || !receipt.TryGetProperty("methods", out var methods)
                || !root.TryGetProperty("required_auth_methods", out var rules) || rules.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("it has no receipt.methods or no required_auth_methods list", tokenUrl);
            }

            var completed = Names(methods, tokenUrl);
            if (rules.GetArrayLength() is 0 or > MaxRules)
            {
                throw Invalid($"required_auth_methods must hold 1 to {MaxRules} rules", tokenUrl);
            }

            var required = new List<IReadOnlyList<string>>();
            foreach (var rule in rules.EnumerateArray())
            {
                required.Add(Names(rule, tokenUrl));
            }

            return (completed, required);
        }
        catch (JsonException)
        {
            throw Invalid("it is not JSON", tokenUrl);
        }
    }

    private static string[] Names(JsonElement list, Uri tokenUrl)
    {
        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > MaxMethodsPerRule)
        {
            throw Invalid($"a method list is not a list of at most {MaxMethodsPerRule} names", tokenUrl);
        }

        var names = new string[list.GetArrayLength()];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            // Method names are identifiers; anything else is refused before it can reach a message.
            if (string.IsNullOrEmpty(name) || name.Length > MaxMethodNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw Invalid("a method name is not an identifier", tokenUrl);
            }

            names[i++] = name;
        }

        return names;
    }

    private static InvalidResponseException Invalid(string why, Uri tokenUrl) =>
        new($"Keystone answered 401 with an auth receipt whose body is not usable: {why}", tokenUrl);

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBodyBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            return buffer.AsSpan(0, length).ToArray();
        }
    }
}
