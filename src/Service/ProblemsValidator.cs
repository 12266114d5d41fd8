using Microsoft.Extensions.Options;

namespace Seq2Seq.Service;

/// <summary>An options record's own list of problems (each naming the setting and its range) as options validation.</summary>
internal sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        problems(options).ToList() is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
}
