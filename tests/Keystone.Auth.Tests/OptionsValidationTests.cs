using System.Net;
using Microsoft.Extensions.Options;

namespace Keystone.Auth.Tests;

/// <summary>
/// Every validation message of <see cref="PasswordAuthOptionsValidator"/> and
/// <see cref="KeystoneSessionOptions.Validate"/>, raised by the constructors
/// before any HTTP call; plus the options' ToString and FromEnvironment.
/// </summary>
public sealed class OptionsValidationTests
{
    private static readonly Dictionary<string, (Action<PasswordAuthOptions> Edit, string Message)> s_invalid = new()
    {
        ["no auth url"] = (o => o.AuthUrl = null, "AuthUrl is required"),
        ["blank auth url"] = (o => o.AuthUrl = "  ", "AuthUrl is required"),
        ["relative auth url"] = (o => o.AuthUrl = "keystone/v3", "AuthUrl must be an absolute http or https URL, got 'keystone/v3'"),
        ["ftp auth url"] = (o => o.AuthUrl = "ftp://keystone.test/v3", "AuthUrl must be an absolute http or https URL, got 'ftp://keystone.test/v3'"),
        ["auth url with query"] = (o => o.AuthUrl = "https://keystone.test/v3?x=1", "AuthUrl must not have a query or fragment"),
        ["auth url with fragment"] = (o => o.AuthUrl = "https://keystone.test/v3#top", "AuthUrl must not have a query or fragment"),
        ["no password"] = (o => o.Password = null, "Password is required"),
        ["empty password"] = (o => o.Password = "", "Password is required"),
        ["no user"] = (o => { o.Username = null; o.UserDomainName = null; }, "set UserId, or Username with UserDomainId or UserDomainName"),
        ["username without domain"] = (o => o.UserDomainName = null, "Username requires UserDomainId or UserDomainName"),
        ["username with both domains"] = (o => o.UserDomainId = "default", "set UserDomainId or UserDomainName, not both"),
        ["project id and name"] = (o => o.ProjectId = "p-1", "set ProjectId or ProjectName, not both"),
        ["project name without domain"] = (o => o.ProjectDomainName = null, "ProjectName requires ProjectDomainId or ProjectDomainName"),
        ["project name with both domains"] = (o => o.ProjectDomainId = "default", "set ProjectDomainId or ProjectDomainName, not both"),
        ["domain id and name"] = (o => { Unscope(o); o.DomainId = "d"; o.DomainName = "D"; }, "set DomainId or DomainName, not both"),
        ["system scope not all"] = (o => { Unscope(o); o.SystemScope = "region"; }, "SystemScope must be 'all' (the only system scope Keystone supports), got 'region'"),
        ["project and domain"] = (o => o.DomainId = "d", "Authentication cannot be scoped to multiple targets (project, domain); pick one of project, domain, system, trust or unscoped"),
        ["project and system"] = (o => o.SystemScope = "all", "Authentication cannot be scoped to multiple targets (project, system); pick one of project, domain, system, trust or unscoped"),
        ["project id and trust"] = (o => { Unscope(o); o.ProjectId = "p"; o.TrustId = "t"; }, "Authentication cannot be scoped to multiple targets (project, trust); pick one of project, domain, system, trust or unscoped"),
        ["domain and unscoped"] = (o => { Unscope(o); o.DomainName = "D"; o.Unscoped = true; }, "Authentication cannot be scoped to multiple targets (domain, unscoped); pick one of project, domain, system, trust or unscoped"),
        ["system and trust"] = (o => { Unscope(o); o.SystemScope = "all"; o.TrustId = "t"; }, "Authentication cannot be scoped to multiple targets (system, trust); pick one of project, domain, system, trust or unscoped"),
        ["trust and unscoped"] = (o => { Unscope(o); o.TrustId = "t"; o.Unscoped = true; }, "Authentication cannot be scoped to multiple targets (trust, unscoped); pick one of project, domain, system, trust or unscoped"),
        ["all five scopes"] = (o => { o.DomainId = "d"; o.SystemScope = "all"; o.TrustId = "t"; o.Unscoped = true; }, "Authentication cannot be scoped to multiple targets (project, domain, system, trust, unscoped); pick one of project, domain, system, trust or unscoped"),
        ["zero request timeout"] = (o => o.RequestTimeout = TimeSpan.Zero, "RequestTimeout must be positive"),
        ["negative request timeout"] = (o => o.RequestTimeout = TimeSpan.FromSeconds(-5), "RequestTimeout must be positive"),
        ["infinite request timeout"] = (o => o.RequestTimeout = Timeout.InfiniteTimeSpan, "RequestTimeout must be finite: a token request without a deadline can wedge its identity; leave it null for the default (30 s)"),
        ["request timeout over an hour"] = (o => o.RequestTimeout = TimeSpan.FromDays(30), "RequestTimeout must be at most 01:00:00 (one token request)"),
        ["zero max response bytes"] = (o => o.MaxResponseBytes = 0, "MaxResponseBytes must be positive"),
        ["negative max response bytes"] = (o => o.MaxResponseBytes = -1, "MaxResponseBytes must be positive"),
    };

    public static TheoryData<string> InvalidCases => new(s_invalid.Keys);

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void PasswordAuth_refuses_bad_options_before_any_http_call(string name)
    {
        var (edit, message) = s_invalid[name];
        var options = Fixtures.Options();
        edit(options);
        var handler = new NoCallsHandler();
        using var http = new HttpClient(handler);

        var ex = Assert.Throws<InvalidOptionsException>(() => new PasswordAuth(options, http));

        Assert.Equal([message], ex.Failures);
        Assert.Equal(nameof(PasswordAuthOptions), ex.OptionsType);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixtures.Password, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Calls);
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Options_pattern_validator_reports_the_same_message(string name)
    {
        var (edit, message) = s_invalid[name];
        var options = Fixtures.Options();
        edit(options);

        var result = new PasswordAuthOptionsValidator().Validate(Options.DefaultName, options);

        Assert.True(result.Failed);
        Assert.Equal([message], result.Failures);
    }

    [Fact]
    public void Several_problems_are_all_listed()
    {
        var options = new PasswordAuthOptions { Username = "alice", ProjectName = "p", MaxResponseBytes = 0 };

        var ex = Assert.Throws<InvalidOptionsException>(() => new PasswordAuth(options, new HttpClient(new NoCallsHandler())));

        Assert.Equal(
            [
                "AuthUrl is required",
                "Password is required",
                "Username requires UserDomainId or UserDomainName",
                "ProjectName requires ProjectDomainId or ProjectDomainName",
                "MaxResponseBytes must be positive",
            ],
            ex.Failures);
    }

    public static TheoryData<string> ValidCases => new()
    {
        "default",
        "user id without domain",
        "user id beats an incomplete name",
        "no request timeout",
        "project id alone",
        "unscoped",
        "system all",
        "auth url without v3",
    };

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_combinations_are_accepted(string name)
    {
        var options = Fixtures.Options();
        switch (name)
        {
            case "user id without domain":
                options.UserId = "u-1";
                options.Username = null;
                options.UserDomainName = null;
                break;
            case "user id beats an incomplete name":
                options.UserId = "u-1";
                options.UserDomainName = null;
                break;
            case "no request timeout":
                options.RequestTimeout = null;
                break;
            case "project id alone":
                Unscope(options);
                options.ProjectId = "p-1";
                break;
            case "unscoped":
                Unscope(options);
                options.Unscoped = true;
                break;
            case "system all":
                Unscope(options);
                options.SystemScope = "all";
                break;
            case "auth url without v3":
                options.AuthUrl = "http://127.0.0.1:5000";
                break;
        }

        Assert.Empty(PasswordAuthOptionsValidator.Check(options));
        _ = new PasswordAuth(options, new HttpClient(new NoCallsHandler()));
    }

    public static TheoryData<string, string> SessionCases => new()
    {
        { "endpoint override not absolute", "EndpointOverride must be an absolute URL, got 'v1/%(project_id)s'" },
        { "zero timeout", "Timeout must be positive or Timeout.InfiniteTimeSpan" },
        { "negative timeout", "Timeout must be positive or Timeout.InfiniteTimeSpan" },
        { "negative connect retries", "ConnectRetries must not be negative" },
        { "negative status retries", "StatusCodeRetries must not be negative" },
        { "negative retry delay", "RetryDelay must not be negative" },
        { "max delay below delay", "MaxRetryDelay must not be less than RetryDelay" },
    };

    [Theory]
    [MemberData(nameof(SessionCases))]
    public void Session_and_handler_refuse_bad_options_before_any_http_call(string name, string message)
    {
        var options = new KeystoneSessionOptions();
        switch (name)
        {
            case "endpoint override not absolute": options.EndpointOverride = "v1/%(project_id)s"; break;
            case "zero timeout": options.Timeout = TimeSpan.Zero; break;
            case "negative timeout": options.Timeout = TimeSpan.FromSeconds(-5); break;
            case "negative connect retries": options.ConnectRetries = -1; break;
            case "negative status retries": options.StatusCodeRetries = -2; break;
            case "negative retry delay": options.RetryDelay = TimeSpan.FromSeconds(-1); break;
            case "max delay below delay": options.MaxRetryDelay = TimeSpan.FromMilliseconds(100); break;
        }

        var handler = new NoCallsHandler();
        using var http = new HttpClient(handler);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        var fromSession = Assert.Throws<InvalidOptionsException>(() => new KeystoneSession(auth, http, options));
        var fromHandler = Assert.Throws<InvalidOptionsException>(() => new KeystoneAuthHandler(auth, null, options));

        foreach (var ex in new[] { fromSession, fromHandler })
        {
            Assert.Equal([message], ex.Failures);
            Assert.Equal(nameof(KeystoneSessionOptions), ex.OptionsType);
            Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public void Session_and_handler_refuse_null_status_sets()
    {
        // Regression: the constructors validated a copy in which null had become
        // an empty set, so a null TokenRejectedStatusCodes silently disabled the 401 retry.
        var options = new KeystoneSessionOptions { TokenRejectedStatusCodes = null!, RetriableStatusCodes = null! };
        string[] expected = ["TokenRejectedStatusCodes must not be null", "RetriableStatusCodes must not be null"];
        var handler = new NoCallsHandler();
        using var http = new HttpClient(handler);
        var auth = new PasswordAuth(Fixtures.Options(), http);

        Assert.Equal(expected, options.Validate());
        Assert.Equal(expected, options.Clone().Validate());
        Assert.Equal(expected, Assert.Throws<InvalidOptionsException>(() => new KeystoneSession(auth, http, options)).Failures);
        Assert.Equal(expected, Assert.Throws<InvalidOptionsException>(() => new KeystoneAuthHandler(auth, null, options)).Failures);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public void Session_accepts_an_override_with_placeholders_and_an_infinite_timeout()
    {
        var options = new KeystoneSessionOptions
        {
            EndpointOverride = "https://10.10.10.2:6385/v1/%(project_id)s/%(user_id)s",
            Timeout = Timeout.InfiniteTimeSpan,
        };

        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData(Via.Session)]
    [InlineData(Via.Handler)]
    public async Task Session_copies_its_options(Via via)
    {
        var options = new KeystoneSessionOptions { RaiseOnError = false };
        var copy = options.Clone();
        using var rig = new SessionRig(via, options);
        rig.Cloud.ThenService(HttpStatusCode.Forbidden);
        options.TokenRejectedStatusCodes.Add(HttpStatusCode.Forbidden);
        options.DefaultHeaders["User-Header"] = "distcloud";

        using var response = await rig.GetAsync("/ihosts");

        Assert.DoesNotContain(HttpStatusCode.Forbidden, copy.TokenRejectedStatusCodes);
        Assert.Empty(copy.DefaultHeaders);

        // The session (or handler) made before the edits sees neither: no header, no resend on 403.
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(Assert.Single(rig.Cloud.ServiceCalls).Header("User-Header"));
        Assert.Single(rig.Cloud.TokenPosts);
    }

    [Fact]
    public void Options_to_string_never_shows_the_password()
    {
        var options = Fixtures.Options();
        options.IncludeCatalog = false;

        var text = options.ToString();

        Assert.DoesNotContain(Fixtures.Password, text, StringComparison.Ordinal);
        Assert.Contains("Password = ***", text, StringComparison.Ordinal);
        Assert.Contains("Username = dcmanager", text, StringComparison.Ordinal);
        Assert.Contains("ProjectName = services", text, StringComparison.Ordinal);
        Assert.Contains("IncludeCatalog = false", text, StringComparison.Ordinal);
        Assert.Contains("Password = (none)", new PasswordAuthOptions().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordAuth_to_string_names_the_identity_not_the_password()
    {
        var auth = new PasswordAuth(Fixtures.Options(), new HttpClient(new NoCallsHandler()));

        var text = auth.ToString();

        Assert.DoesNotContain(Fixtures.Password, text, StringComparison.Ordinal);
        Assert.Contains("dcmanager", text, StringComparison.Ordinal);
        Assert.Contains("services", text, StringComparison.Ordinal);
    }

    [Fact]
    public void From_environment_maps_every_os_variable()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = "https://10.10.10.2:5001/v3",
            ["OS_USER_ID"] = "uid",
            ["OS_USERNAME"] = "admin",
            ["OS_PASSWORD"] = "pw",
            ["OS_USER_DOMAIN_ID"] = "udid",
            ["OS_USER_DOMAIN_NAME"] = "udname",
            ["OS_PROJECT_ID"] = "pid",
            ["OS_PROJECT_NAME"] = "pname",
            ["OS_PROJECT_DOMAIN_ID"] = "pdid",
            ["OS_PROJECT_DOMAIN_NAME"] = "pdname",
            ["OS_DOMAIN_ID"] = "did",
            ["OS_DOMAIN_NAME"] = "dname",
            ["OS_SYSTEM_SCOPE"] = "all",
            ["OS_TRUST_ID"] = "tid",
            ["OS_TENANT_ID"] = "ignored-tid",
            ["OS_TENANT_NAME"] = "ignored-tname",
        };

        var o = PasswordAuthOptions.FromEnvironment(n => env.GetValueOrDefault(n));

        Assert.Equal("https://10.10.10.2:5001/v3", o.AuthUrl);
        Assert.Equal("uid", o.UserId);
        Assert.Equal("admin", o.Username);
        Assert.Equal("pw", o.Password);
        Assert.Equal("udid", o.UserDomainId);
        Assert.Equal("udname", o.UserDomainName);
        Assert.Equal("pid", o.ProjectId);
        Assert.Equal("pname", o.ProjectName);
        Assert.Equal("pdid", o.ProjectDomainId);
        Assert.Equal("pdname", o.ProjectDomainName);
        Assert.Equal("did", o.DomainId);
        Assert.Equal("dname", o.DomainName);
        Assert.Equal("all", o.SystemScope);
        Assert.Equal("tid", o.TrustId);
    }

    [Fact]
    public void From_environment_falls_back_to_tenant_and_treats_empty_as_unset()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = "http://127.0.0.1:5000",
            ["OS_USERNAME"] = "admin",
            ["OS_USER_DOMAIN_NAME"] = "Default",
            ["OS_PASSWORD"] = "pw",
            ["OS_PROJECT_ID"] = "",
            ["OS_TENANT_ID"] = "tenant-id",
            ["OS_TENANT_NAME"] = "tenant-name",
            ["OS_PROJECT_DOMAIN_NAME"] = "Default",
            ["OS_DOMAIN_ID"] = "",
        };
        var asked = new List<string>();

        var o = PasswordAuthOptions.FromEnvironment(n =>
        {
            asked.Add(n);
            return env.GetValueOrDefault(n);
        });

        Assert.Equal("tenant-id", o.ProjectId);
        Assert.Equal("tenant-name", o.ProjectName);
        Assert.Null(o.DomainId);
        Assert.Null(o.UserId);
        Assert.Contains("OS_PASSWORD", asked);
    }

    [Fact]
    public void From_environment_result_is_usable()
    {
        var env = new Dictionary<string, string>
        {
            ["OS_AUTH_URL"] = "http://127.0.0.1:5000",
            ["OS_USERNAME"] = "admin",
            ["OS_USER_DOMAIN_NAME"] = "Default",
            ["OS_PASSWORD"] = "pw",
            ["OS_PROJECT_NAME"] = "admin",
            ["OS_PROJECT_DOMAIN_NAME"] = "Default",
        };

        var o = PasswordAuthOptions.FromEnvironment(n => env.GetValueOrDefault(n));

        Assert.Empty(PasswordAuthOptionsValidator.Check(o));
        Assert.Equal("http://127.0.0.1:5000/v3/auth/tokens", new PasswordAuth(o, new HttpClient(new NoCallsHandler())).TokenUrl.AbsoluteUri);
    }

    private static void Unscope(PasswordAuthOptions o)
    {
        o.ProjectName = null;
        o.ProjectDomainName = null;
    }
}
