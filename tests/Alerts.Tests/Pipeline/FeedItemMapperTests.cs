using Alerts.Pipeline.Feeds;

namespace Alerts.Tests.Pipeline;

public class FeedItemMapperTests
{
    [Theory]
    [InlineData("Breaking\r\nBcc: victim@example.com", "Breaking Bcc: victim@example.com")]
    [InlineData("  spaced \t out\u0000title ", "spaced out title")]
    [InlineData("one line", "one line")]
    public void TitlesBecomeOneLineWithoutControlCharacters(string raw, string expected) =>
        FeedItemMapper.SingleLine(raw).ShouldBe(expected);
}
