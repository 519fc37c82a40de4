using Alerts.Core.Subscriptions;

namespace Alerts.Tests.Subscriptions;

public class SubscriptionTokensTests
{
    private static readonly string SecretOne = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string SecretTwo = Convert.ToBase64String(Enumerable.Range(100, 48).Select(i => (byte)i).ToArray());

    private static TokenOptions Options(string active, params (string Id, string Secret)[] keys)
    {
        var options = new TokenOptions { ActiveKeyId = active };
        foreach (var (id, secret) in keys)
        {
            options.Keys.Add(new TokenKey { Id = id, Secret = secret });
        }

        return options;
    }

    private static SubscriptionTokens Tokens(ManualTimeProvider clock, string active = "k1", params (string Id, string Secret)[] keys) =>
        new(Options(active, keys.Length == 0 ? [("k1", SecretOne)] : keys), clock);

    [Theory]
    [InlineData(TokenPurpose.Confirm)]
    [InlineData(TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Manage)]
    public void ATokenVerifiesForItsPurposeAndNamesTheSubscription(TokenPurpose purpose)
    {
        var clock = new ManualTimeProvider();
        var tokens = Tokens(clock);

        var token = tokens.Create(purpose, "abcdefghijklmnop");
        var check = tokens.Verify(token, purpose);

        check.Status.ShouldBe(TokenStatus.Valid);
        check.IsValid.ShouldBeTrue();
        check.SubscriptionId.ShouldBe("abcdefghijklmnop");
        check.IssuedAt.ShouldBe(clock.GetUtcNow());
        check.Error.ShouldBeEmpty();
        token.ShouldStartWith("v1.k1.");
        token.Split('.').Length.ShouldBe(4);
        token.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c) || c == '.' || c == '-' || c == '_');
    }

    [Fact]
    public void ATokenForAnotherPurposeIsRefused()
    {
        var tokens = Tokens(new ManualTimeProvider());

        var unsubscribe = tokens.Create(TokenPurpose.Unsubscribe, "s1");

        tokens.Verify(unsubscribe, TokenPurpose.Confirm).Status.ShouldBe(TokenStatus.WrongPurpose);
        tokens.Verify(unsubscribe, TokenPurpose.Manage).Status.ShouldBe(TokenStatus.WrongPurpose);
        tokens.Verify(unsubscribe, TokenPurpose.Confirm).SubscriptionId.ShouldBeNull();
    }

    [Fact]
    public void EveryChangedCharacterBreaksTheSignature()
    {
        var tokens = Tokens(new ManualTimeProvider());
        var token = tokens.Create(TokenPurpose.Unsubscribe, "s1");
        var payloadStart = "v1.k1.".Length;

        for (var i = payloadStart; i < token.Length; i++)
        {
            if (token[i] == '.')
            {
                continue;
            }

            var replacement = token[i] == 'A' ? 'B' : 'A';
            var tampered = token[..i] + replacement + token[(i + 1)..];
            tokens.Verify(tampered, TokenPurpose.Unsubscribe).Status.ShouldBeOneOf(TokenStatus.BadSignature, TokenStatus.Malformed);
        }
    }

    [Fact]
    public void APayloadMovedUnderAnotherSignatureIsRefused()
    {
        var tokens = Tokens(new ManualTimeProvider());
        var mine = tokens.Create(TokenPurpose.Unsubscribe, "mine").Split('.');
        var theirs = tokens.Create(TokenPurpose.Unsubscribe, "theirs").Split('.');

        var forged = string.Join('.', mine[0], mine[1], theirs[2], mine[3]);

        tokens.Verify(forged, TokenPurpose.Unsubscribe).Status.ShouldBe(TokenStatus.BadSignature);
    }

    [Fact]
    public void ATokenSignedWithADifferentSecretUnderTheSameKeyIdIsRefused()
    {
        var clock = new ManualTimeProvider();
        var forger = Tokens(clock, "k1", ("k1", SecretTwo));

        Tokens(clock).Verify(forger.Create(TokenPurpose.Unsubscribe, "s1"), TokenPurpose.Unsubscribe).Status.ShouldBe(TokenStatus.BadSignature);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("v1.k1.abc")]
    [InlineData("v2.k1.YXxzMXwxfA.c2ln")]
    [InlineData("v1.k1..c2ln")]
    [InlineData("v1.k.1.YXxzMXwxfA.c2ln")]
    [InlineData("v1.k1.@@@.c2ln")]
    [InlineData("v1.k1.YXxzMXwxfA.@@@")]
    [InlineData("v1.k1.YXxzMXwxfA.c2ln.extra")]
    public void MalformedTokensAreSaidToBeMalformed(string? token)
    {
        var check = Tokens(new ManualTimeProvider()).Verify(token, TokenPurpose.Unsubscribe);

        check.Status.ShouldBe(TokenStatus.Malformed);
        check.Error.ShouldBe("subscriptions: the link is malformed");
    }

    [Fact]
    public void RotationSignsWithTheNewKeyAndStillAcceptsTheOldOne()
    {
        var clock = new ManualTimeProvider();
        var old = Tokens(clock).Create(TokenPurpose.Unsubscribe, "s1");

        var rotated = Tokens(clock, "k2", ("k1", SecretOne), ("k2", SecretTwo));
        var fresh = rotated.Create(TokenPurpose.Unsubscribe, "s1");

        fresh.ShouldStartWith("v1.k2.");
        rotated.Verify(old, TokenPurpose.Unsubscribe).Status.ShouldBe(TokenStatus.Valid);
        rotated.Verify(fresh, TokenPurpose.Unsubscribe).Status.ShouldBe(TokenStatus.Valid);

        var retired = Tokens(clock, "k2", ("k2", SecretTwo));
        retired.Verify(old, TokenPurpose.Unsubscribe).Status.ShouldBe(TokenStatus.UnknownKey);
        retired.Verify(fresh, TokenPurpose.Unsubscribe).Status.ShouldBe(TokenStatus.Valid);
    }

    [Theory]
    [InlineData(TokenPurpose.Confirm, 7)]
    [InlineData(TokenPurpose.Manage, 30)]
    public void ConfirmAndManageTokensExpire(TokenPurpose purpose, int days)
    {
        var clock = new ManualTimeProvider();
        var tokens = Tokens(clock);
        var token = tokens.Create(purpose, "s1");

        clock.Advance(TimeSpan.FromDays(days) - TimeSpan.FromSeconds(1));
        tokens.Verify(token, purpose).Status.ShouldBe(TokenStatus.Valid);

        clock.Advance(TimeSpan.FromSeconds(1));
        var check = tokens.Verify(token, purpose);
        check.Status.ShouldBe(TokenStatus.Expired);
        check.SubscriptionId.ShouldBeNull();
        check.Error.ShouldBe("subscriptions: the link has expired");
    }

    [Fact]
    public void UnsubscribeTokensNeverExpire()
    {
        var clock = new ManualTimeProvider();
        var tokens = Tokens(clock);
        var token = tokens.Create(TokenPurpose.Unsubscribe, "s1");

        clock.Advance(TimeSpan.FromDays(3650));

        tokens.Verify(token, TokenPurpose.Unsubscribe).Status.ShouldBe(TokenStatus.Valid);
    }

    [Fact]
    public void LifetimesComeFromTheOptions()
    {
        var clock = new ManualTimeProvider();
        var options = Options("k1", ("k1", SecretOne));
        options.ConfirmLifetime = TimeSpan.FromHours(1);
        var tokens = new SubscriptionTokens(options, clock);
        var token = tokens.Create(TokenPurpose.Confirm, "s1");

        clock.Advance(TimeSpan.FromHours(1));

        tokens.Verify(token, TokenPurpose.Confirm).Status.ShouldBe(TokenStatus.Expired);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a|b")]
    [InlineData("a\nb")]
    public void SubscriptionIdsThatCannotBeCarriedAreRefused(string id)
    {
        var ex = Should.Throw<ArgumentException>(() => Tokens(new ManualTimeProvider()).Create(TokenPurpose.Manage, id));

        ex.Message.ShouldStartWith("subscriptions: ");
    }

    public static TheoryData<string, (string, string)[], string> BadOptions => new()
    {
        { "k1", [], "Tokens:Keys is empty" },
        { "k1", [("k1", Convert.ToBase64String(new byte[31]))], "at least 32 bytes" },
        { "k1", [("k1", "not base64!")], "at least 32 bytes" },
        { "k9", [("k1", SecretOne)], "Tokens:ActiveKeyId 'k9' is not one of Tokens:Keys" },
        { "k1", [("k1", SecretOne), ("k1", SecretTwo)], "'k1' is listed twice" },
        { "k.1", [("k.1", SecretOne)], "must be 1-32 letters, digits" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void BadKeySettingsAreRefusedWithTheSettingName(string active, (string, string)[] keys, string error)
    {
        var ex = Should.Throw<ArgumentException>(() => new SubscriptionTokens(Options(active, keys), new ManualTimeProvider()));

        ex.Message.ShouldStartWith("subscriptions: ");
        ex.Message.ShouldContain(error);
    }
}
