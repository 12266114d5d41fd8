// A user's ASP.NET Core app that also serves transcription: the OpenAI-style POST /v1/audio/transcriptions, the
// /v1/listen WebSocket, /healthz, /readyz and /metrics come from Seq2Seq.Service. The model and limits are read from
// section "Serve" of appsettings.json or the environment (Serve__Model=models/default, Serve__MaxConcurrent=8, ...).
using Seq2Seq.Service;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSeq2SeqSpeech(builder.Configuration);

var app = builder.Build();
app.MapGet("/", () => "My app, with speech recognition at /v1/audio/transcriptions and /v1/listen.\n");
app.MapSeq2SeqSpeech();
app.Run();

/// <summary>The entry point, visible to in-process tests (WebApplicationFactory).</summary>
public partial class Program;
