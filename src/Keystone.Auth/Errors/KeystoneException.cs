namespace Keystone.Auth;

/// <summary>
/// Base type of every error raised by Keystone.Auth. Catch this to handle all of
/// them; catch a derived type to handle one family (HTTP status, connection,
/// malformed response, endpoint lookup, configuration).
/// </summary>
/// <remarks>Messages never contain a password or a token.</remarks>
public class KeystoneException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public KeystoneException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public KeystoneException(string message, Exception? innerException) : base(message, innerException) { }
}
