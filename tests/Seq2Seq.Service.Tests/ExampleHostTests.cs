using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Seq2Seq.Service.Tests;

/// <summary>examples/HostedTranscription — a user's ASP.NET Core app with <c>AddSeq2SeqSpeech</c>/<c>MapSeq2SeqSpeech</c> —
/// run in process on the test server: its own endpoint and the library's answer side by side.</summary>
public sealed class ExampleHostTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task ExampleApp_TranscribesAnUpload_ThroughTheLibrarysEndpoint()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("Serve:Model", fixture.Model).UseSetting("Serve:Device", "Cpu"));
        using var client = factory.CreateClient();
        Assert.StartsWith("My app", await client.GetStringAsync("/"));

        string clip = fixture.Clips[1];
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(clip));
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", Path.GetFileName(clip));
        var response = await client.PostAsync("/v1/audio/transcriptions", form);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal((await fixture.ExpectedAsync(clip)).Text, JsonDocument.Parse(body).RootElement.GetProperty("text").GetString());
        Assert.NotEqual("", JsonDocument.Parse(body).RootElement.GetProperty("text").GetString());
    }
}
