using System.Net;
using System.Text;
using Keystone.Auth.Http;

namespace Keystone.Auth.Tests;

/// <summary>
/// The pieces under issue 10 items 1 and 7, alone: the new options are
/// validated before any call, the bounded replay copy, and what "same origin" means.
/// </summary>
public sealed class ReplayAndRedirectRuleTests
{
    [Theory]
    [InlineData("MaxRedirects", "MaxRedirects must not be negative")]
    [InlineData("MaxBufferedContentBytes", "MaxBufferedContentBytes must not be negative")]
    public void Session_and_handler_refuse_negative_bounds_before_any_call(string option, string message)
    {
        var options = new KeystoneSessionOptions();
        if (option == "MaxRedirects")
        {
            options.MaxRedirects = -1;
        }
        else
        {
            options.MaxBufferedContentBytes = -1;
        }

        using var cloud = new FakeCloud();
        using var http = new HttpClient(cloud, disposeHandler: false);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        var fromSession = Assert.Throws<InvalidOptionsException>(() => new KeystoneSession(auth, http, options));
        var fromHandler = Assert.Throws<InvalidOptionsException>(() => new KeystoneAuthHandler(auth, null, options));

        Assert.Equal([message], fromSession.Failures);
        Assert.Equal([message], fromHandler.Failures);
        Assert.Empty(cloud.Requests);
    }

    [Fact]
    public async Task A_body_within_the_bound_serializes_the_same_bytes_twice()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('x', 10_000));
        var inner = new StreamContent(new ForwardOnly(bytes));
        inner.Headers.ContentType = new("application/octet-stream");
        using var content = new ReplayableContent(inner, 16 * 1024);

        var first = await SerializeAsync(content);
        Assert.True(content.CanReplay);
        var second = await SerializeAsync(content);

        Assert.Equal(bytes, first);
        Assert.Equal(bytes, second);
        Assert.Equal("application/octet-stream", content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task A_body_over_the_bound_streams_once_and_refuses_a_second_send()
    {
        var bytes = new byte[20_000];
        using var content = new ReplayableContent(new StreamContent(new ForwardOnly(bytes)), 16 * 1024);

        Assert.Equal(bytes, await SerializeAsync(content));

        Assert.False(content.CanReplay);
        await Assert.ThrowsAsync<InvalidOperationException>(() => SerializeAsync(content));
    }

    [Theory]
    [InlineData("http://h.example/a", "http://H.EXAMPLE:80/b", true)]
    [InlineData("https://h.example/a", "https://h.example:443/b?q", true)]
    [InlineData("http://user:pw@h.example/a", "http://h.example/b", true)]
    [InlineData("http://h.example/a", "https://h.example/a", false)]
    [InlineData("http://h.example:8080/a", "http://h.example:8081/a", false)]
    [InlineData("http://h.example/a", "http://h.example.evil/a", false)]
    public void Same_origin_is_scheme_host_and_port(string a, string b, bool same)
    {
        Assert.Equal(same, Redirects.SameOrigin(new Uri(a), new Uri(b)));
    }

    [Fact]
    public void Messages_and_origins_never_show_user_information()
    {
        var uri = new Uri("http://admin:s3cret@h.example:8080/v1/x?y=1");

        Assert.Equal("http://h.example:8080/v1/x?y=1", Redirects.Display(uri));
        Assert.Equal("http://h.example:8080/", Redirects.Origin(uri).AbsoluteUri);
    }

    private static async Task<byte[]> SerializeAsync(HttpContent content)
    {
        using var sink = new MemoryStream();
        await content.CopyToAsync(sink);
        return sink.ToArray();
    }

    /// <summary>Readable once, no seek, no length.</summary>
    private sealed class ForwardOnly(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
