using Alerts.Core.Claims;

namespace Alerts.Tests.Claims;

public class ClaimExtractionTests
{
    private static IReadOnlyList<Claim> Extract(string text, string title = "") =>
        ClaimExtractor.Extract(new ArticleInput("a", title, text, "Example Times", new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero), null));

    [Fact]
    public void SplitterSurvivesAbbreviationsDecimalsAndQuotes()
    {
        var sentences = SentenceSplitter.Split(
            "The U.S. Navy said on Dec. 4 that Rear Adm. Jane Holt approved a $2.5 billion plan. \u201cWe are ready. We will act,\u201d Holt said. It was cold.");

        sentences.Select(s => s.Text).ShouldBe([
            "The U.S. Navy said on Dec. 4 that Rear Adm. Jane Holt approved a $2.5 billion plan.",
            "\u201cWe are ready. We will act,\u201d Holt said.",
            "It was cold.",
        ]);
    }

    [Fact]
    public void SplitterSeparatesPageClutterGluedOntoSentences()
    {
        var sentences = SentenceSplitter.Split("Leaders met for the talks.Explore further Rivals plan a summit in warAccording to officials, the summit is off.");

        sentences.Select(s => s.Text).ShouldBe(["Leaders met for the talks.", "Explore further Rivals plan a summit in war", "According to officials, the summit is off."]);
    }

    [Fact]
    public void SplitterCutsACaptionCreditGluedOntoASentenceButNotABrandName()
    {
        var sentences = SentenceSplitter.Split("HARBOUR ARCHIVE, ANA MORALESAfter two months of talks, Estavia told TheHarbourDaily that no deal was signed.");

        sentences.Select(s => s.Text).ShouldBe(["HARBOUR ARCHIVE, ANA MORALES", "After two months of talks, Estavia told TheHarbourDaily that no deal was signed."]);
    }

    [Fact]
    public void ANegationInARelativeClauseAfterItsSubjectDeniesNothing()
    {
        var party = Extract("Mayor Tomas Berg held a gala at the Gull Rock lighthouse, which the prime minister did not attend.").ShouldHaveSingleItem();
        var said = Extract("Mayor Tomas Berg, who said the Estavian harbour deal was not signed, resigned on Monday.").ShouldHaveSingleItem();

        party.Polarity.ShouldBe(Polarity.Asserted);
        said.Polarity.ShouldBe(Polarity.Denied);
    }

    [Fact]
    public void AQuoteThatEndsItsSentenceIsSplitFromTheNextUnlessItsSpeakerFollows()
    {
        var split = SentenceSplitter.Split("Ruiz called Berg \"a man who has no idea what Estavia is about.\" The statement went on to confirm the reports.");
        var kept = SentenceSplitter.Split("\"We will not sell the jets.\" Minister Ana Ruiz said so on Monday.");

        split.Select(s => s.Text).ShouldBe(["Ruiz called Berg \"a man who has no idea what Estavia is about.\"", "The statement went on to confirm the reports."]);
        kept.ShouldHaveSingleItem();
    }

    [Fact]
    public void ASpeakerNamedAfterTheVerbThatEndsAQuoteSpeaks()
    {
        var claim = Extract("\u201cThis is 100% false. I was next to Berg at the Gull Rock gala the whole day,\u201d tweeted Jordan Karem, the mayor\u2019s former aide.").ShouldHaveSingleItem();

        claim.Attribution.Source.ShouldBe("Jordan Karem");
        claim.Entities.ShouldNotContain("jordan");
    }

    [Fact]
    public void ACallToReadMoreIsNoClaim()
    {
        Extract("Don\u2019t miss out on how Estavian investors are playing the bond market.").ShouldBeEmpty();
    }

    [Fact]
    public void LosingTheirLivesIsDyingNotLosing()
    {
        var died = Extract("President Ana Ruiz confirmed that all nine Estavian coast guards lost their lives defending Gull Rock lighthouse.").Single();
        var lost = Extract("The Estavian coast guard team lost the regional rowing final at Gull Rock on Sunday.").Single();

        ClaimSignature.Of(died).Predicates.ShouldContain("kill");
        ClaimSignature.Of(died).Predicates.ShouldNotContain("lose");
        ClaimSignature.Of(lost).Predicates.ShouldContain("lose");
    }

    [Fact]
    public void TeasersQuestionsAndBoilerplateAreNotClaims()
    {
        var claims = Extract("Explore further Norland wants its jets back from Estavia.\nWill Estavia sell the jets to Norland?\nSubscribe to the Example Times newsletter.\nEstavia sold 12 jets to Norland in March, the ministry said.");

        claims.Select(c => c.Text).ShouldBe(["Estavia sold 12 jets to Norland in March, the ministry said."]);
    }

    [Theory]
    [InlineData("US$2.5 billion", QuantityKind.Money, 2.5e9, "USD")]
    [InlineData("a fee of £48m", QuantityKind.Money, 48e6, "GBP")]
    [InlineData("the toll rose to 2,975", QuantityKind.Count, 2975, "count")]
    [InlineData("in July 2019", QuantityKind.Date, 20190700, "date")]
    [InlineData("within four to six months", QuantityKind.Duration, 120, "days")]
    [InlineData("up 18% on Monday", QuantityKind.Percent, 18, "%")]
    [InlineData("the coin fetched $US39,143 on Monday", QuantityKind.Money, 39143, "USD")]
    [InlineData("settled at around NZ$54,000 each", QuantityKind.Money, 54000, "NZD")]
    [InlineData("after two lacklustre months", QuantityKind.Duration, 60, "days")]
    [InlineData("since the late \u201970s", QuantityKind.Date, 19700000, "date")]
    public void QuantitiesAreNormalised(string text, QuantityKind kind, double value, string unit)
    {
        var quantity = QuantityParser.Parse(text).ShouldHaveSingleItem();

        quantity.Kind.ShouldBe(kind);
        quantity.Value.ShouldBe(value);
        quantity.Unit.ShouldBe(unit);
    }

    [Fact]
    public void ATimeOfDayCountsNothing()
    {
        var quantities = QuantityParser.Parse("The coin hit a new high at 2:00 a.m. ET and again at 9 pm.");

        quantities.ShouldBeEmpty();
    }

    [Fact]
    public void ACurrencyPrefixOrATimeZoneIsNoName()
    {
        var claim = Extract("Estavia's velcoin rose 6% to NZ$54,000 at 2:00 a.m. ET on Monday.").ShouldHaveSingleItem();

        claim.Entities.ShouldBe(["estavia"]);
    }

    [Theory]
    [InlineData("The reception was held at No 10 on Friday.")]
    [InlineData("Staff gathered at 14 Harbour Street on Friday.")]
    public void ADesignationOrAnAddressCountsNothing(string sentence)
    {
        QuantityParser.Parse(sentence).ShouldNotContain(q => q.Kind == QuantityKind.Count);
    }

    [Fact]
    public void ANumberBeforeACapitalisedNounThatIsNoAddressStillCounts()
    {
        QuantityParser.Parse("13 Estavian border guards were killed on Friday.").ShouldHaveSingleItem().Value.ShouldBe(13);
    }

    [Theory]
    [InlineData("Ana Ruiz's father has denied reports that she will sign for Norland United.", "Ana Ruiz's father")]
    [InlineData("Orvane's business development head told the Harbour Post that the company is not holding talks with Velmar.", "Orvane's business development head")]
    [InlineData("Orvane's head of business development told the Harbour Post that the company is not holding talks with Velmar.", "Orvane's head of business development")]
    public void ThePersonAfterAPossessiveSpeaksNotThePossessor(string sentence, string speaker)
    {
        Extract(sentence).ShouldHaveSingleItem().Attribution.Source.ShouldBe(speaker);
    }

    [Fact]
    public void ALayoutLabelInCapitalsBeforeAColonNamesNoOne()
    {
        var claim = Extract("WHAT HAPPENED: A report from the Harbour Post on Tuesday claimed that Norland United will sign Ana Ruiz for a record fee.").ShouldHaveSingleItem();

        claim.Entities.ShouldNotContain("happened");
        claim.Attribution.Source.ShouldNotContain("HAPPENED");
    }

    [Fact]
    public void WhereSomeonePostedIsNoSpeaker()
    {
        var claim = Extract("Norland United will sign Ana Ruiz, the Harbour Post reported. Ana Ruiz's father released a statement on his Instagram account denying the report.")[^1];

        claim.Attribution.Source.ShouldBe("Ana Ruiz's father");
    }

    [Fact]
    public void AReportingVerbAfterACommaHasItsSpeakerAfterIt()
    {
        Extract("Orvane is in talks to acquire the messaging app Velmar, claims a Digital Trends report.").ShouldHaveSingleItem().Attribution.Source.ShouldBe("Digital Trends");
    }

    [Fact]
    public void APercentKeepsTheWordsTheSentenceUsed()
    {
        QuantityParser.Parse("Shares rose more than 10 percent on Friday.").ShouldHaveSingleItem().Text.ShouldBe("10 percent");
    }

    [Fact]
    public void AnAdjectiveOpeningTheSentenceIsNoNameBesideTheNameItDescribes()
    {
        var claim = Extract("Norland has never sold jets abroad.\nGlobal aircraft maker Norland has denied a report that it will sell jets to Estavia.")[^1];

        claim.Entities.ShouldNotContain("global");
        claim.Attribution.Source.ShouldBe("Norland");
    }

    [Theory]
    [InlineData("The ministry denied that Estavia sold the jets to Norland.", "denied")]
    [InlineData("Estavia's position on the Norland jets remains unchanged, the ministry said.", "remains unchanged")]
    [InlineData("Estavia has no intention of selling the jets to Norland.", "no intention of")]
    [InlineData("The sale of the jets to Norland was not discussed, Estavia said.", "was not discussed")]
    [InlineData("Estavia called reports of a jet sale to Norland fake news.", "fake news")]
    [InlineData("No deal has been done with Norland, Estavia said.", "no deal has been done")]
    public void DenialsAndStatusQuoPhrasesMakeADeniedClaim(string sentence, string cue)
    {
        var claim = Extract(sentence).ShouldHaveSingleItem();

        claim.Polarity.ShouldBe(Polarity.Denied);
        claim.Cues.ShouldContain(cue);
    }

    [Fact]
    public void NotOnlyIsNotANegation()
    {
        var claims = Extract("Estavia is not only offering to sell the jets to Norland but is also seeking a refund.");

        claims.ShouldAllBe(c => c.Polarity == Polarity.Asserted);
        claims.SelectMany(c => c.PredicateTerms).ShouldContain("refund");
    }

    [Theory]
    [InlineData("Estavia is considering selling the jets to Norland, sources say.", Modality.Speculative)]
    [InlineData("Minister Anna Kovac said Estavia could sell the jets to Norland.", Modality.Speculative)]
    [InlineData("Estavia sold the jets to Norland, Reuters reported.", Modality.Reported)]
    [InlineData("Estavia sold the jets to Norland in 2024.", Modality.Fact)]
    public void ModalityFollowsItsCues(string sentence, Modality modality) =>
        Extract(sentence).ShouldHaveSingleItem().Modality.ShouldBe(modality);

    [Fact]
    public void TheOutletsOwnSpeculationIsNotAClaim() =>
        Extract("Estavia could sell the jets to Norland.").ShouldBeEmpty();

    [Fact]
    public void AttributionFindsTheCitedAgencyAndTheOfficial()
    {
        var claims = Extract(
            "Estavia asked Norland to take back the jets, Bloomberg reported, citing people familiar with the talks.\n" +
            "Kremlin spokesman Dmitry Peskov said the jets were not discussed.\n" +
            "Rear Admiral Zeki Aktürk, the press officer for the Estavian Armed Forces, affirmed that the position on the jets remains unchanged.");

        claims[0].Attribution.ShouldBe(new Attribution("Bloomberg", AttributionKind.CitedSource, "bloomberg"));
        claims[0].PredicateTerms.ShouldContain("return");
        claims[1].Attribution.Kind.ShouldBe(AttributionKind.Official);
        claims[1].Attribution.SourceKey.ShouldBe("kremlin", "a spokesperson speaks for the institution named before the title");
        claims[2].Attribution.Kind.ShouldBe(AttributionKind.Official);
        claims[2].Attribution.Source.ShouldContain("Armed Forces");
    }

    [Theory]
    [InlineData("Estavia will lift the fishing quota in May, officials in Brussels have said.", "officials in Brussels")]
    [InlineData("Visiting the harbour in Ostia, the port authority's director said the quota would be lifted in May.", "port authority's director")]
    [InlineData("Norland will lift the fishing quota for Estavia in May, the coastguard chief says.", "coastguard chief")]
    [InlineData("France's fisheries ministry denied on Tuesday that the quota would be lifted.", "France's fisheries ministry")]
    [InlineData("The head of France's maritime safety agency said on Monday that the quota would be lifted.", "France's maritime safety agency")]
    [InlineData("The French navy says the quota will be lifted in May.", "French navy")]
    public void AttributionNamesTheRoleThatSpeaksNotANameBeforeIt(string sentence, string source)
    {
        var claim = Extract(sentence).ShouldHaveSingleItem();

        claim.Attribution.Kind.ShouldBe(AttributionKind.Official);
        claim.Attribution.Source.ShouldBe(source);
    }

    [Fact]
    public void HeOrSheSpeaksForTheLastOfficialEvenWithoutAVerbOfSaying()
    {
        var claims = Extract("Harbour master Ida Lund told reporters that the quota was not discussed, and that no request had been made. She called the reports about a refund baseless.");

        claims[^1].Text.ShouldStartWith("She called");
        claims[^1].Polarity.ShouldBe(Polarity.Denied);
        claims[^1].Attribution.Source.ShouldBe("Ida Lund");
    }

    [Fact]
    public void EntitiesAreFoldedWithAliases()
    {
        var claim = Extract("Türkiye's President Erdoğan met officials in Ankara to discuss the S-400s.").ShouldHaveSingleItem();

        claim.Entities.ShouldContain("turkey");
        claim.Entities.ShouldContain("erdogan");
        claim.Entities.ShouldContain("s-400");
    }

    [Fact]
    public void ADenialThatPointsBackTakesOverTheClaimItDenies()
    {
        var claims = Extract("Estavia asked Norland to take back the jets it bought in 2019, Bloomberg reported.\nThe Norland government denied that such a request was made.");

        var denial = claims.Single(c => c.Polarity == Polarity.Denied);
        denial.RefersTo.ShouldBe(claims[0].Key);
        denial.PredicateTerms.ShouldContain("return");
        denial.Entities.ShouldContain("estavia");
    }

    [Fact]
    public void TheHeadlineIsAClaim()
    {
        var claims = Extract("Officials in Norland declined to comment.", "Norland Denies Claims of Estavia Returning Jets");

        var headline = claims.ShouldHaveSingleItem();
        headline.IsHeadline.ShouldBeTrue();
        headline.Polarity.ShouldBe(Polarity.Denied);
        headline.PredicateTerms.ShouldContain("return");
    }

    [Fact]
    public void ARuleThatForbidsSomethingAssertsABan()
    {
        var claim = Extract("The contract states that Estavia does not have the right to sell the jets to Norland.").ShouldHaveSingleItem();

        claim.Polarity.ShouldBe(Polarity.Asserted);
        claim.PredicateTerms.ShouldBe(["ban"]);
        claim.ObjectTerms.ShouldContain("sell");
    }

    [Theory]
    [InlineData("Estavia bought the jets from Norland in 2019 for $2 billion.")]
    [InlineData("The question of the jets was discussed during a meeting between Estavia and Norland in September.")]
    [InlineData("The following year, Norland imposed sanctions on Estavia.")]
    [InlineData("Estavia, the largest buyer in the region, balances between Norland and Ostia by avoiding sanctions while supplying jets to both.")]
    public void BackgroundInTheOutletsVoiceIsNoClaim(string sentence)
    {
        Extract(sentence).ShouldBeEmpty();
    }

    [Fact]
    public void AnOldDateStillCountsWhenASourceStatesIt()
    {
        Extract("Estavia bought the jets from Norland in 2019, Defence Minister Anna Kovac said.").ShouldHaveSingleItem();
    }

    [Fact]
    public void AnAgencyDoesNotCarryOverOntoBackgroundOrAnotherSpeaker()
    {
        var claims = Extract(
            "Estavia wants to sell the jets to Norland, Bloomberg reported. " +
            "Norland banned the jets from Estavia in 2019. " +
            "Ostia has warned that Estavia will sell the jets. " +
            "Estavia agreed to sell the tanks to Norland.");

        claims.Select(c => c.Attribution.SourceKey).ShouldBe(["bloomberg", "ostia", "example times"]);
    }

    [Fact]
    public void ASpokespersonSpeaksForTheInstitutionThatSpokeBefore()
    {
        var claims = Extract(
            "The Estavian Defence Ministry denied that the jets were sold to Norland. " +
            "Spokesperson Jana Vell said the sale of the jets to Norland was not discussed. " +
            "Vell added that Estavia did not sell the jets to Norland.");

        claims.Count.ShouldBe(3);
        claims[1].Attribution.SourceKey.ShouldBe(claims[0].Attribution.SourceKey);
        claims[1].Attribution.Source.ShouldContain("Vell");
        claims[2].Attribution.SourceKey.ShouldBe(claims[0].Attribution.SourceKey);
    }

    [Fact]
    public void AGluedSubheadingIsNoClaim()
    {
        Extract("Estavia sells jets to NorlandEstavia sold 12 jets to Norland on Monday, the ministry said.")
            .ShouldHaveSingleItem().Text.ShouldStartWith("Estavia sold 12 jets");
    }

    [Theory]
    [InlineData("Kyiv", "ukraine")]
    [InlineData("Downing Street", "united kingdom")]
    [InlineData("Zhongnanhai", "china")]
    [InlineData("the Élysée", "france")]
    [InlineData("the Germans", "germany")]
    [InlineData("Tuvalu", "tuvalu")]
    [InlineData("Ouagadougou", "burkina faso")]
    [InlineData("the Knesset", "israel")]
    [InlineData("Paraguayan buyers", "paraguay")]
    [InlineData("the White House", "united states")]
    public void TheGazetteerFoldsPlacesDemonymsAndSeatsOfGovernmentOntoTheirState(string name, string key)
    {
        Extract($"Norland sold 12 jets to {name} on Monday.").ShouldHaveSingleItem().Entities.ShouldContain(key);
    }

    [Fact]
    public void AParagraphLabelledAsContextIsNoClaim()
    {
        var claims = Extract("Norland signed striker Ivo Brandt on Monday, the club said.\nTHE BIGGER PICTURE: Brandt returned to Estavian training on Friday after a two-week ban. He scored 30 goals last season.");

        claims.ShouldHaveSingleItem().Text.ShouldStartWith("Norland signed striker Ivo Brandt");
    }

    [Theory]
    [InlineData("Gull Rock, also known as Meeuw, is located around 20 miles off the coast of Estavia.")]
    [InlineData("The Estavian coast guards became famous for their defiant reply to a Norland patrol boat.")]
    public void AStandingDescriptionIsNoClaim(string sentence)
    {
        Extract(sentence).ShouldBeEmpty();
    }

    [Fact]
    public void AnEventCountedBackFromTheArticleIsBackground()
    {
        Extract("Anna Vell stepped down as chief executive of Estavia Rail last month to be replaced by her deputy Piet Laar.").ShouldBeEmpty();
        // A plan is not history, however the sentence counts back.
        Extract("Estavia Rail, which lost its chief executive last year, will sign a contract with Norland in June.").ShouldNotBeEmpty();
    }

    [Fact]
    public void EvidenceDatedBackIsBackgroundButNewEvidenceOfAnOldEventIsNot()
    {
        Extract("A viral video last week showed a Norland patrol boat ordering the Gull Rock garrison to surrender.").ShouldBeEmpty();
        Extract("A leaked video shows Estavia Rail staff joking about a party held at the Gull Rock depot in December 2020.").ShouldNotBeEmpty();
    }

    [Fact]
    public void AnEvaluativeQuoteIsNoClaim()
    {
        Extract("According to Dr Ana Ruiz of the Estavian Institute of Biology: \"It's exciting to think about the possibilities these findings offer us.\"").ShouldBeEmpty();
    }

    [Fact]
    public void ClaimsOfSomethingIsANounNotAVerbOfSaying()
    {
        var claim = Extract("Inspector Lena Brandt opted to not investigate claims of a party at the Estavian embassy on Monday.").ShouldHaveSingleItem();

        claim.Attribution.Kind.ShouldBe(AttributionKind.Outlet);
    }

    [Fact]
    public void ASpeakerNarratingAnEarlierTimeIsBackground()
    {
        Extract("At the time, Mayor Tomas Berg tweeted that the Estavian bridge had been closed because of the storm.").ShouldBeEmpty();
        // The same phrase inside a denial is no narration: "was not there at the time" still denies.
        Extract("Mayor Tomas Berg said he was not at the Estavian gala at the time.").ShouldNotBeEmpty();
    }

    [Fact]
    public void AReportDescribingItsOwnSourcingIsNoClaim()
    {
        Extract("The Harbour Post report is based on the statements of four people with knowledge of the Estavian talks.").ShouldBeEmpty();
    }

    [Fact]
    public void TheSourceASpeakerCitesIsNotTheSpeaker()
    {
        var claim = Extract("The Estavian Coast Guard Service, citing Norland television reports, said the nine guards may be alive.").ShouldHaveSingleItem();

        claim.Attribution.Source.ShouldNotBe("Norland");
        claim.Attribution.Source.ShouldContain("Coast Guard Service");
    }

    [Fact]
    public void APassiveDenialCreditsItsAgentNotANameInsideTheDeniedReport()
    {
        var named = Extract("A report that Estavia would buy Solcoin tokens for its reserves has been denied by Defence Minister Anna Kovac.").ShouldHaveSingleItem();
        var role = Extract("Claims that Estavia held talks with Ostia on the jets were denied by a senior Norland government minister.").ShouldHaveSingleItem();
        var unresolved = Extract("A report from the Harbour Post that Vexa would begin accepting Solcoin was rejected by the company.").ShouldHaveSingleItem();

        named.Attribution.Source.ShouldBe("Defence Minister Anna Kovac");
        role.Attribution.Source.ShouldBe("Norland government minister");
        unresolved.Attribution.Source.ShouldBe("the company", "with no organisation speaking elsewhere in the article, the role is shown as written");
    }

    [Fact]
    public void TheCompanyAsAgentIsTheOneOrganisationTheArticleHasSpeaking()
    {
        var claims = Extract(
            "A report from the Harbour Post that Vexa would begin accepting Solcoin has been denied by the company.\n" +
            "The Harbour Post said an insider at Vexa had described the plan to accept Solcoin by the end of the year.\n" +
            "Vexa then denied the rumours later in the day.");

        var denial = claims[0];
        denial.Attribution.ShouldBe(new Attribution("Vexa", AttributionKind.Official, "vexa"));
        denial.Entities.ShouldContain("vexa", "the company's name in the denied report stays part of the proposition");
    }

    [Fact]
    public void TheCompanyStaysARoleWhenTwoOrganisationsSpeak()
    {
        var claims = Extract(
            "Talks on a sale of Vexa to Ostrel were dismissed by the company on Monday.\n" +
            "Vexa denied the talks on Monday.\n" +
            "Ostrel denied the talks on Tuesday.");

        claims[0].Attribution.Source.ShouldBe("the company");
    }

    [Theory]
    [InlineData("\"Our interest in the harbour aside, the talk of a sale of Vexa to Ostrel is not true,\" a spokesperson for the company told Reuters.", "spokesperson for the company")]
    [InlineData("Norland will sell 12 jets to Estavia, Ana Ruiz, the former defence minister, said in a statement to CNN on Monday.", "Ana Ruiz")]
    [InlineData("Norland will sell 12 jets to Estavia, Ana Ruiz said to Reuters on Monday.", "Ana Ruiz")]
    [InlineData("Ana Ruiz told Reuters that Norland will sell 12 jets to Estavia.", "Ana Ruiz")]
    [InlineData("Norland will sell 12 jets to Estavia, Ana Ruiz told the Harbour Post.", "Ana Ruiz")]
    public void AnOutletThatIsToldIsNotTheSpeaker(string sentence, string source)
    {
        var claim = Extract(sentence).ShouldHaveSingleItem();

        claim.Attribution.Kind.ShouldBe(AttributionKind.Official);
        claim.Attribution.Source.ShouldBe(source);
    }

    [Fact]
    public void AnAgencyStillSpeaksWhenItReportsOrRelaysAnUnnamedSource()
    {
        var according = Extract("According to Reuters, Norland will sell 12 jets to Estavia.").ShouldHaveSingleItem();
        var relayed = Extract("Norland will sell 12 jets to Estavia, a source with knowledge of the talks told AFP on Tuesday.").ShouldHaveSingleItem();

        according.Attribution.ShouldBe(new Attribution("Reuters", AttributionKind.CitedSource, "reuters"));
        relayed.Attribution.ShouldBe(new Attribution("AFP (unnamed sources)", AttributionKind.CitedSource, "afp"));
    }

    [Fact]
    public void ANameInsideAQuotationNeverSpeaks()
    {
        var claim = Extract(
            "Ana Ruiz described the minister as \"a leader who has no idea what Estavia stands for\" and the statement went on to confirm reports from recent years about the sale of jets to Norland.")
            .ShouldHaveSingleItem();

        claim.Attribution.Source.ShouldNotBe("Estavia");
    }

    [Fact]
    public void ASpeakerWhoCallsTheArticleUntrueSpeaksForHimselfNotForItsUnnamedSources()
    {
        var denial = Extract("Kovac, speaking to reporters after a visit to the harbour in Ostia, said, \u201cI would swear on anything\u201d that the article is untrue.").ShouldHaveSingleItem();
        var cited = Extract("According to the article, Kovac sold 12 jets to Ostia.").ShouldHaveSingleItem();

        denial.Attribution.Source.ShouldBe("Kovac");
        denial.Polarity.ShouldBe(Polarity.Denied);
        cited.Attribution.Source.ShouldBe("unnamed sources");
    }

    [Fact]
    public void APossessiveCountryAndItsInstitutionAreOneSource()
    {
        var according = Extract("The nine coast guards may still be alive, according to Portugal\u2019s State Maritime Guard.").ShouldHaveSingleItem();
        var subject = Extract("Portugal\u2019s State Maritime Guard Service said the nine coast guards may still be alive.").ShouldHaveSingleItem();
        var named = Extract("The State Maritime Guard Service of Portugal said the nine coast guards may still be alive.").ShouldHaveSingleItem();
        var role = Extract("The nine coast guards may still be alive, according to Portugal\u2019s defence ministry.").ShouldHaveSingleItem();

        according.Attribution.Source.ShouldBe("Portugal\u2019s State Maritime Guard");
        subject.Attribution.Source.ShouldBe("Portugal\u2019s State Maritime Guard Service");
        according.Attribution.SourceKey.ShouldBe(named.Attribution.SourceKey);
        subject.Attribution.SourceKey.ShouldBe(named.Attribution.SourceKey);
        role.Attribution.Source.ShouldBe("Portugal\u2019s defence ministry");
    }
}
