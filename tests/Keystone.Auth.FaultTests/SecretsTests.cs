using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Keystone.Auth.FaultTests;

/// <summary>
/// One scenario through everything that can go right and wrong (success, 401
/// re-auth, wrong password, 500s, timeouts, a reset, a retry, a bad body), with
/// every observable output captured: Trace-level logs (messages, structured
/// state, scopes, exceptions), every exception's message and ToString(), the
/// tags of every measurement on the "Keystone.Auth" meter, and the tags and
/// events of every activity of the "Keystone.Auth" source. Neither password nor
/// any piece of any token may appear anywhere.
/// </summary>
public sealed class SecretsTests : FaultTestBase
{
    private const string RightPassword = "Corr3ct-H0rse-Battery-Staple-9f2c";
    private const string WrongPassword = "Wr0ng-Guess-Of-The-Passw0rd-71be";

    /// <summary>
    /// The library adds events (e.g. keystone.token_rejected) to the caller's
    /// current activity; this source plays the caller so those are captured too.
    /// </summary>
    private static readonly ActivitySource s_caller = new("Keystone.Auth.FaultTests.Caller");

    [Fact]
    public async Task No_password_or_token_fragment_appears_in_logs_exceptions_metrics_or_traces()
    {
        var sink = new Capture();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        using var meters = sink.ListenToMeters();
        using var activities = sink.ListenToActivities();
        Server.ExpectedPassword = RightPassword;
        using var scenario = s_caller.StartActivity("scenario");
        Assert.NotNull(scenario);

        // 1. success, then 2. the token is rejected -> one re-auth and resend
        using (var client = new Harness(Server, o => o.Password = RightPassword, loggers: loggers))
        {
            using (var ok = await client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard))
            {
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            }

            var access = await client.Caching.GetAccessAsync();
            sink.Add(access.ToString(), client.PasswordAuth.ToString(), client.Caching.ToString(), client.Session.ToString() ?? string.Empty);
            Server.RevokeAll();
            using (var again = await client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard))
            {
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            }

            // 5. a 500 from the service, 7. a service timeout, 10. a reset mid-body
            Server.OnService(Faults.Status(500, """{"error":{"code":500,"message":"An unexpected error prevented the server from fulfilling your request.","title":"Internal Server Error"}}"""));
            sink.Add(await Assert.ThrowsAsync<KeystoneHttpException>(() => client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard)));
            Server.OnService(Faults.AbortMidBody(200, """{"servers":[1,2,3,4,5,6,7,8,9]}""", 5));
            sink.Add(await Assert.ThrowsAsync<KeystoneConnectionException>(() => client.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard)));
            sink.Add(await Assert.ThrowsAsync<EndpointNotFoundException>(() => client.Session.GetAsync("/x", new EndpointFilter("nothing")).WaitAsync(Guard)));
        }

        using (var slowService = new Harness(Server, o => o.Password = RightPassword, session: new KeystoneSessionOptions { Timeout = TimeSpan.FromMilliseconds(500) }, loggers: loggers))
        {
            await slowService.Caching.GetAccessAsync();
            Server.OnService(Server.HangAsync);
            sink.Add(await Assert.ThrowsAsync<KeystoneTimeoutException>(() => slowService.Session.GetAsync("/slow", Harness.Compute).WaitAsync(Guard)));
        }

        // 8. a transient 503 retried (Retry-After: 0 keeps the test fast)
        using (var retrying = new Harness(Server, o => o.Password = RightPassword, session: new KeystoneSessionOptions { StatusCodeRetries = 1 }, loggers: loggers))
        {
            Server.OnService(Faults.Status(503, null, "application/json", ("Retry-After", "0")));
            using var ok = await retrying.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // 3. wrong password
        using (var wrong = new Harness(Server, o => o.Password = WrongPassword, loggers: loggers))
        {
            sink.Add(await Assert.ThrowsAsync<AuthenticationFailedException>(() => wrong.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard)));
            sink.Add(wrong.PasswordAuth.ToString());
        }

        // 4. a 500 on the token POST, 9. a body that is not a token
        using (var failing = new Harness(Server, o => o.Password = RightPassword, loggers: loggers))
        {
            Server.OnToken(Faults.Status(500, """{"error":{"code":500,"message":"boom","title":"Internal Server Error"}}"""));
            sink.Add(await Assert.ThrowsAsync<KeystoneHttpException>(() => failing.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard)));
            Server.OnToken(Faults.Status(201, "<html>nope</html>", "text/html", ("X-Subject-Token", FaultServer.NewToken())));
            sink.Add(await Assert.ThrowsAsync<InvalidResponseException>(() => failing.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard)));
        }

        // 6. a token timeout
        using (var slowToken = new Harness(Server, o => { o.Password = RightPassword; o.RequestTimeout = TimeSpan.FromMilliseconds(300); }, loggers: loggers))
        {
            Server.OnToken(Server.HangAsync);
            sink.Add(await Assert.ThrowsAsync<KeystoneTimeoutException>(() => slowToken.Session.GetAsync("/servers", Harness.Compute).WaitAsync(Guard)));
        }

        scenario.Stop();
        sink.Add(new PasswordAuthOptions { AuthUrl = Server.AuthUrl, Username = "u", UserDomainName = "d", Password = RightPassword }.ToString());

        // The capture really captured: otherwise "nothing leaked" proves nothing.
        var text = sink.Text();
        Assert.Contains("{SHA256}", text, StringComparison.Ordinal);
        Assert.Contains("invalidating it and resending once", text, StringComparison.Ordinal);
        Assert.Contains("Retrying GET", text, StringComparison.Ordinal);
        Assert.Contains("authentication_failed", text, StringComparison.Ordinal);
        Assert.Contains("metric keystone.auth.token.requests", text, StringComparison.Ordinal);
        Assert.Contains("metric keystone.auth.cache.hits", text, StringComparison.Ordinal);
        Assert.Contains("activity Keystone.Auth.TokenRequest", text, StringComparison.Ordinal);
        Assert.Contains("event keystone.token_rejected", text, StringComparison.Ordinal);
        Assert.Contains("The request you have made requires authentication.", text, StringComparison.Ordinal);
        Assert.Equal(4, Server.IssuedTokens.Count); // first, after re-auth, slow-service client, retrying client

        foreach (var secret in Forbidden())
        {
            Assert.False(text.Contains(secret.Value, StringComparison.Ordinal), $"{secret.Kind} leaked: '{secret.Value}' appears in the captured output");
        }
    }

    private IEnumerable<(string Kind, string Value)> Forbidden()
    {
        foreach (var password in new[] { RightPassword, WrongPassword })
        {
            foreach (var window in Windows(password, 10))
            {
                yield return ("password", window);
            }

            foreach (var window in Windows(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), 16))
            {
                yield return ("base64 of password", window);
            }
        }

        foreach (var token in Server.IssuedTokens.Concat(Server.SeenServiceTokens.OfType<string>()).Distinct())
        {
            foreach (var window in Windows(token, 16))
            {
                yield return ("token", window);
            }
        }
    }

    private static IEnumerable<string> Windows(string value, int size)
    {
        for (var i = 0; i + size <= value.Length; i++)
        {
            yield return value.Substring(i, size);
        }
    }

    /// <summary>Everything the library lets out, as text.</summary>
    private sealed class Capture : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public void Add(params string[] texts)
        {
            foreach (var text in texts)
            {
                _lines.Enqueue(text);
            }
        }

        public void Add(Exception ex)
        {
            _lines.Enqueue(ex.Message);
            _lines.Enqueue(ex.ToString());
            for (var inner = ex; inner is not null; inner = inner.InnerException)
            {
                _lines.Enqueue(inner.Message);
                foreach (DictionaryEntry entry in inner.Data)
                {
                    _lines.Enqueue($"{entry.Key}={entry.Value}");
                }
            }

            foreach (var property in ex.GetType().GetProperties())
            {
                if (property.GetIndexParameters().Length == 0 && property.Name is not nameof(Exception.TargetSite))
                {
                    _lines.Enqueue($"{property.Name}={property.GetValue(ex)}");
                }
            }
        }

        public string Text() => string.Join("\n", _lines);

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        public MeterListener ListenToMeters()
        {
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == "Keystone.Auth")
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Measured(i, value, tags));
            listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Measured(i, value, tags));
            listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Measured(i, value, tags));
            listener.Start();
            return listener;
        }

        public ActivityListener ListenToActivities()
        {
            var listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "Keystone.Auth" or "Keystone.Auth.FaultTests.Caller",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"activity {activity.OperationName} {activity.DisplayName} {activity.Status} {activity.StatusDescription}"));
                    foreach (var tag in activity.TagObjects)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" {tag.Key}={tag.Value}");
                    }

                    foreach (var item in activity.Baggage)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" baggage {item.Key}={item.Value}");
                    }

                    foreach (var e in activity.Events)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" event {e.Name}");
                        foreach (var tag in e.Tags)
                        {
                            text.Append(CultureInfo.InvariantCulture, $" {tag.Key}={tag.Value}");
                        }
                    }

                    _lines.Enqueue(text.ToString());
                },
            };
            ActivitySource.AddActivityListener(listener);
            return listener;
        }

        private void Measured<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"metric {instrument.Name} {instrument.Unit} {instrument.Description} {value}"));
            foreach (var tag in tags)
            {
                text.Append(CultureInfo.InvariantCulture, $" {tag.Key}={tag.Value}");
            }

            _lines.Enqueue(text.ToString());
        }

        private sealed class Logger(Capture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                owner._lines.Enqueue($"scope {category}: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{logLevel} {category} {eventId.Id} {eventId.Name}: {formatter(state, exception)} | {state}"));
                if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" | {pair.Key}={pair.Value}");
                    }
                }

                if (exception is not null)
                {
                    text.Append(" | ").Append(exception);
                }

                owner._lines.Enqueue(text.ToString());
            }
        }
    }
}
