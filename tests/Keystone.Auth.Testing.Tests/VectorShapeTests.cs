using System.Text.Json.Nodes;

namespace Keystone.Auth.Testing.Tests;

/// <summary>
/// The builder writes the same fields, at the same places, as the responses
/// the Keystone API reference documents (../shared/vectors/keystone-api-ref).
/// </summary>
public sealed class VectorShapeTests
{
    public static TheoryData<string, string> Shapes() => new()
    {
        { "auth-password-project-scoped-response.json", "project" },
        { "auth-token-scoped-response.json", "project" },
        { "auth-password-unscoped-response.json", "unscoped" },
        { "auth-password-explicit-unscoped-response.json", "unscoped" },
        { "auth-application-credential-response.json", "application_credential" },
    };

    [VectorTheory]
    [MemberData(nameof(Shapes))]
    public void Same_field_paths_as_the_api_reference(string vector, string shape)
    {
        var builder = new KeystoneTokenBuilder().WithStandardEndpoints("identity", "https://ks/v3", "https://ks/v3", "https://ks/v3", "RegionOne", "keystone");
        builder = shape switch
        {
            "unscoped" => builder.Unscoped(),
            "application_credential" => builder.WithApplicationCredential("ac", "name"),
            _ => builder,
        };

        var expected = Paths(Vectors.ReadJson(vector));
        var actual = Paths(JsonNode.Parse(builder.Build().Json)!);
        Assert.Equal(expected, actual);
    }

    [VectorFact]
    public void The_api_reference_response_and_the_built_one_parse_alike()
    {
        var reference = AccessInfo.FromTokenResponse("t", Vectors.ReadText("auth-password-project-scoped-response.json"));
        var p = reference.Project!;
        var u = reference.User!;
        var built = new KeystoneTokenBuilder()
            .WithUser(u.Id, u.Name, u.DomainId!, u.DomainName)
            .ForProject(p.Id, p.Name, p.DomainId!, p.DomainName)
            .WithoutRoles()
            .Build().ToAccessInfo();
        Assert.Equal(reference.User, built.User);
        Assert.Equal(reference.Project, built.Project);
        Assert.Equal(reference.Methods, built.Methods);
    }

    // Every object key path, arrays folded to "[]": the shape without the values.
    private static SortedSet<string> Paths(JsonNode node)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        Walk(node, "", set);
        return set;
    }

    private static void Walk(JsonNode? node, string prefix, SortedSet<string> set)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    set.Add(prefix + "/" + key);
                    Walk(value, prefix + "/" + key, set);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item, prefix + "[]", set);
                }

                break;
        }
    }
}
