using Microsoft.AspNetCore.Http;

namespace Seq2Seq.Service;

/// <summary><c>GET /v1/models</c> and <c>/v1/models/{name}</c> in OpenAI's shape (<c>object</c> list/model, <c>id</c>,
/// <c>created</c>, <c>owned_by</c>), plus what a client picks by: family, languages, translation, default, ready.</summary>
internal static class ModelsEndpoint
{
    public static IResult List(SpeechService service) => Results.Json(new { @object = "list", data = service.Models.Select(m => Describe(service, m)) });

    public static IResult Get(string name, SpeechService service) => service.Find(name) is { } m && name.Length > 0
        ? Results.Json(Describe(service, m)) : UnknownModel(service, name);

    /// <summary>404 naming the models there are.</summary>
    public static IResult UnknownModel(SpeechService service, string name) =>
        TranscriptionEndpoint.Error(404, $"model '{Truncate(name)}' is not served here; the models are: {service.Names}", "model", "model_not_found");

    private static object Describe(SpeechService service, ServedModel m)
    {
        var info = m.Model.Info;
        var written = File.Exists(info.Path) ? File.GetLastWriteTimeUtc(info.Path) : Directory.Exists(info.Path) ? Directory.GetLastWriteTimeUtc(info.Path) : DateTime.UnixEpoch;
        return new
        {
            id = m.Name, @object = "model", created = new DateTimeOffset(written).ToUnixTimeSeconds(), owned_by = "seq2seq",
            family = info.Family, languages = info.Languages, translates = RequestOptions.CanTranslate(m.Model),
            @default = m == service.Default, ready = m.Ready,
        };
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
