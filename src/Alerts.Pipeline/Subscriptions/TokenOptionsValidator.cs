using System.ComponentModel.DataAnnotations;
using Alerts.Core.Subscriptions;
using Microsoft.Extensions.Options;

namespace Alerts.Pipeline.Subscriptions;

/// <summary>
/// Checks <c>Tokens</c> at start-up when keys are configured; no keys at all is valid here, because
/// <see cref="SubscriptionLinks"/> then uses the store's own key.
/// </summary>
internal sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        if (options.Keys.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), failures, validateAllProperties: true);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Select(f => f.ErrorMessage ?? "subscriptions: invalid Tokens setting"));
    }
}
