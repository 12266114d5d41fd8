using PuppeteerSharp;

namespace Seq2Seq.Service.Tests;

/// <summary>
/// The page at <c>/</c> in a real browser: Debian's chromium, headless, driven over the DevTools protocol, its fake
/// microphone playing a sample (in a loop). The microphone button streams it through the AudioWorklet and /v1/listen
/// until the sample's text shows as a final; a file given to the file field, and one dropped on the drop zone, come back
/// as segments. Screenshots go to artifacts/page/ at the repository root.
/// </summary>
public sealed class PageTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static readonly string Repository = ServiceFixture.Repository;

    [Fact]
    public async Task Page_MicrophoneAndFile_ShowTheSamplesText()
    {
        string sample = Path.Combine(Repository, "samples", "turn-on-the-lights.wav");
        const string expected = "please turn on the kitchen lights";   // samples/expected.tsv
        Assert.Contains(expected, await File.ReadAllTextAsync(Path.Combine(Repository, "samples", "expected.tsv")));
        await using var server = await fixture.StartAsync(("Models:default", Path.Combine(Repository, "models", "default")), ("Models:tiny", fixture.Model), ("DefaultModel", "default"));
        string artifacts = Directory.CreateDirectory(Path.Combine(Repository, "artifacts", "page")).FullName;

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={sample}"],
        });
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 412, Height = 915, IsMobile = true, DeviceScaleFactor = 1 });   // a phone
        var errors = new List<string>();
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) errors.Add(e.Message.Text); };
        page.PageError += (_, e) => errors.Add(e.Message);
        await page.GoToAsync(server.Uri.ToString());
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#model option').length === 2");
        Assert.Equal("default", await page.EvaluateExpressionAsync<string>("document.getElementById('model').value"));
        Assert.Equal("Model", await page.EvaluateExpressionAsync<string>("document.querySelector('label[for=model]').textContent"));

        await page.FocusAsync("#mic");
        await page.Keyboard.PressAsync("Enter");                                    // the keyboard works the button
        try
        {
            await page.WaitForFunctionAsync($"() => document.getElementById('finals').textContent.includes('{expected}')",
                new WaitForFunctionOptions { Timeout = 90_000, PollingInterval = 200 });
        }
        finally { await page.ScreenshotAsync(Path.Combine(artifacts, "microphone.png")); }
        Assert.Equal("true", await page.EvaluateExpressionAsync<string>("document.getElementById('mic').getAttribute('aria-pressed')"));
        await page.ClickAsync("#mic");
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('Stopped after')");
        Assert.Equal("rgb(17, 17, 17)", await page.EvaluateExpressionAsync<string>("getComputedStyle(document.querySelector('#finals .final')).color"));   // finals in black
        Assert.Matches(@"^\d+\.\d\d–\d+\.\d\d s$", await page.EvaluateExpressionAsync<string>("document.querySelector('#finals .final time').textContent"));

        await page.EvaluateExpressionAsync("document.getElementById('finals').replaceChildren()");
        var input = await page.QuerySelectorAsync("#file");
        await input.UploadFileAsync(Path.Combine(Repository, "samples", "weather.wav"));
        try
        {
            await page.WaitForFunctionAsync("() => document.getElementById('finals').textContent.includes('it will be cold and windy on saturday')",
                new WaitForFunctionOptions { Timeout = 60_000 });
        }
        finally { await page.ScreenshotAsync(Path.Combine(artifacts, "file.png")); }

        // A file dropped on the drop zone: the browser's own drop event with a DataTransfer holding the file (the server's
        // beam 4 hears "to morrow" where the CLI's beam 8 hears "tomorrow": the words before it are checked).
        await page.EvaluateExpressionAsync("document.getElementById('finals').replaceChildren()");
        string meeting = Convert.ToBase64String(await File.ReadAllBytesAsync(Path.Combine(Repository, "samples", "meeting.wav")));
        await page.EvaluateFunctionAsync(@"b64 => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const data = new DataTransfer();
            data.items.add(new File([bytes], 'meeting.wav', { type: 'audio/wav' }));
            document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        }", meeting);
        try
        {
            await page.WaitForFunctionAsync("() => document.getElementById('finals').textContent.includes('the meeting starts at ten thirty')",
                new WaitForFunctionOptions { Timeout = 60_000 });
        }
        finally { await page.ScreenshotAsync(Path.Combine(artifacts, "drop.png")); }
        Assert.Empty(errors);
    }
}
