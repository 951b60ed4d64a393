namespace Keystone.Auth.Testing.Tests;

internal static class Rig
{
    public const string Password = "s3cret-Pa55word";

    public static PasswordAuthOptions Options(FakeKeystoneHandler fake, string password = Password) => new()
    {
        AuthUrl = fake.AuthUrl,
        Username = "dcmanager", UserDomainName = "Default", Password = password,
        ProjectName = "services", ProjectDomainName = "Default",
    };

    public static EndpointFilter Platform { get; } = new("platform", EndpointInterface.Public);
}
