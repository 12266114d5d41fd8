using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Seq2Seq.Model;

namespace Seq2Seq.Service;

/// <summary>Hosts a Redis queue worker in any Generic Host: <c>builder.Services.AddSeq2SeqWorker(builder.Configuration)</c>.</summary>
public static class SpeechWorkerExtensions
{
    /// <summary>Registers <see cref="SpeechWorker"/> with <see cref="WorkerOptions"/> bound from section "Worker" (validated
    /// when the host starts) and the models (<see cref="WorkerOptions.ModelPaths"/>, unless <see cref="ServedModels"/> or one
    /// <see cref="ISpeechModel"/> is registered already).</summary>
    public static IServiceCollection AddSeq2SeqWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>>(new ProblemsValidator<WorkerOptions>(o => o.Problems())));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WorkerOptions>>().Value;
            return sp.GetService<ISpeechModel>() is { } own
                ? new ServedModels([(options.ModelPaths()[0].Name, own)], ownsModels: false)
                : ServedModels.Load(options);
        });
        services.AddHostedService(sp => new SpeechWorker(sp.GetRequiredService<IOptions<WorkerOptions>>(), sp.GetRequiredService<ServedModels>()));
        return services;
    }
}
